// dmasim's public API: create a System (a simulated SoC with a booted kernel), then drive it
// with the kernel's own DMA and dmaengine functions.

export { createSystem, type RemoteSystem } from "./create.js";
export { System, SystemError, type SystemOptions, type SystemCpu } from "./system.js";
export { DMASIM_VERSION, RESULT_OPTIONS, provenanceText, ranOnText, type Provenance, type ResultOptions } from "./provenance.js";
export { checkSystemOptions } from "./system-options.js";
export type { Kernel, KernelOptions, SwiotlbOptions, CurrentTask } from "./kernel/kernel.js";
// The types of a System's parts the README documents (system.kernel.mm, .dma, .platformBus,
// system.machine, system.user, a device's node and resources, the views' entries), types only:
// so that a caller's own helper or declaration file can name what these members hold.
export type { SystemUser } from "./system.js";
export type { Machine } from "./hw/machine.js";
export type { Backdoor } from "./hw/backdoor.js";
export type { KernelVersion } from "./mm/layout.js";
export type { MemoryManager } from "./mm/mm.js";
export type { Memblock } from "./mm/memblock.js";
export type { Memmap } from "./mm/memmap.js";
export type { ArmEarlyPages } from "./mm/devicemaps-arm.js";
export type { DmaSubsystem } from "./dma/subsystem.js";
export type { Swiotlb } from "./dma/swiotlb.js";
export type { DmaDebug } from "./dma/debug.js";
export type { DmaTime } from "./dma/accounting.js";
export type { PlatformBus, BusDriver } from "./kernel/bus.js";
export type { IomemEntry } from "./kernel/resource.js";
export type { InterruptLine } from "./kernel/proc-interrupts.js";
export type { DeviceNode, DeviceTree } from "./of/node.js";
export type { Resource } from "./of/address.js";
export type { DmaDevice } from "./dmaengine/types.js";
export type { DmaChannelInfo } from "./dmaengine/sysfs.js";
export type { JobSpec } from "./worker/job.js";
export type { RunOptions as WorkerPoolRunOptions } from "./worker/pool.js";
export { Device, PlatformDevice } from "./kernel/device.js";
export { KernelError, KernelBug, KernelPanic, errnoName } from "./kernel/errno.js";
export { CpuFault } from "./hw/machine.js";
export { BoardError } from "./hw/board.js";
export { DtError } from "./of/node.js";
export { formatVirt, toVirt, type PhysAddr, type VirtAddr, type DmaAddr } from "./hw/address.js";
export { BOARDS } from "./boards.js";
export { PROFILES } from "./hw/profile.js";

export {
  GFP_KERNEL, GFP_ATOMIC, GFP_NOWAIT, GFP_DMA, GFP_DMA32, __GFP_DMA, __GFP_DMA32, __GFP_HIGHMEM, __GFP_ZERO,
  __GFP_NOWARN, __GFP_COMP, PAGE_SIZE, PAGE_SHIFT, get_order,
} from "./mm/gfp.js";
export { MAX_ORDER, type ZoneName } from "./mm/buddy.js";
export { ptdump, type PtdumpRange } from "./mm/ptdump.js";
export type { DmesgOptions } from "./kernel/printk.js";

export {
  DMA_BIDIRECTIONAL, DMA_TO_DEVICE, DMA_FROM_DEVICE, DMA_NONE, DMA_MAPPING_ERROR, DMA_BIT_MASK,
  DMA_ATTR_WRITE_BARRIER, DMA_ATTR_WEAK_ORDERING, DMA_ATTR_WRITE_COMBINE, DMA_ATTR_NON_CONSISTENT,
  DMA_ATTR_NO_KERNEL_MAPPING, DMA_ATTR_SKIP_CPU_SYNC, DMA_ATTR_FORCE_CONTIGUOUS, DMA_ATTR_ALLOC_SINGLE_PAGES,
  DMA_ATTR_NO_WARN, DMA_ATTR_PRIVILEGED, DMA_ATTR_CPU_CACHE_CLEAN, DMA_ATTR_REQUIRE_COHERENT, type DmaDirection,
} from "./dma/constants.js";
export {
  dma_alloc_coherent, dma_zalloc_coherent, dma_free_coherent, dma_alloc_attrs, dma_free_attrs,
  dma_declare_coherent_memory, dma_release_declared_memory, dma_alloc_wc, dma_free_wc,
  dma_alloc_pages, dma_free_pages, dma_alloc_noncoherent, dma_free_noncoherent, type DmaPages,
  dma_map_single, dma_unmap_single, dma_map_single_attrs, dma_unmap_single_attrs,
  dma_map_page, dma_unmap_page, dma_map_page_attrs, dma_unmap_page_attrs, dma_mapping_error,
  dma_sync_single_for_cpu, dma_sync_single_for_device, dma_sync_single_range_for_cpu,
  dma_sync_single_range_for_device, dma_map_sg, dma_map_sg_attrs, dma_map_sgtable, dma_unmap_sgtable, dma_unmap_sg,
  dma_unmap_sg_attrs, dma_sync_sg_for_cpu, dma_sync_sg_for_device, dma_set_mask, dma_set_coherent_mask,
  dma_set_mask_and_coherent, dma_get_required_mask, dma_get_mask, dma_supported, dma_get_cache_alignment,
  dma_max_mapping_size, dma_map_resource, dma_unmap_resource, type CoherentBuffer,
  dma_sync_sgtable_for_cpu, dma_sync_sgtable_for_device, dma_need_sync, dma_opt_mapping_size,
  dma_get_sgtable, dma_get_sgtable_attrs, dma_alloc_noncontiguous, dma_free_noncontiguous,
  dma_vmap_noncontiguous, dma_vunmap_noncontiguous, dma_mmap_noncontiguous,
} from "./dma/mapping.js";
export {
  Scatterlist, sg_alloc, sg_init_table, sg_set_buf, sg_set_page, sg_chain, sg_mark_end, sg_next, for_each_sg,
  sg_nents, sg_dma_address, sg_dma_len, sg_alloc_table_from_pages, sg_free_table, type SgTable,
} from "./dma/scatterlist.js";
export {
  DmaPool, dma_pool_create, dma_pool_alloc, dma_pool_zalloc, dma_pool_free, dma_pool_destroy, dma_pools_show,
  type DmaPoolBlock,
} from "./dma/pool.js";
export { dma_mmap_attrs, dma_mmap_coherent, dma_mmap_pages, dma_can_mmap, dma_pgprot } from "./dma/mmap.js";
export { remap_pfn_range } from "./mm/remap-pfn-range.js";
export { PROT_READ, PROT_WRITE, MAP_SHARED, MAP_PRIVATE, MAP_ANONYMOUS, vma_pages, type VmAreaStruct } from "./mm/mmap.js";
export {
  pin_user_pages_fast, unpin_user_page, unpin_user_pages, unpin_user_pages_dirty_lock, FOLL_WRITE, FOLL_FORCE, FOLL_LONGTERM,
} from "./mm/gup.js";
export { userPgprots, type Pgprot, type UserPgprots } from "./mm/pgprot.js";
export { UserSignal } from "./mm/user-fault.js";
export type { FileMmap, UserMm } from "./mm/user-mm.js";
export { DMA_DEBUG_CHECKS, type DmaDebugOptions, type DmaDebugCheck } from "./dma/debug.js";
export type { SwiotlbUsage } from "./dma/swiotlb.js";
export type { DmaTimeSnapshot } from "./dma/accounting.js";

export {
  DMA_MEMCPY, DMA_XOR, DMA_PQ, DMA_XOR_VAL, DMA_PQ_VAL, DMA_MEMSET, DMA_MEMSET_SG, DMA_INTERRUPT, DMA_ASYNC_TX,
  DMA_SLAVE, DMA_CYCLIC, DMA_PRIVATE, DMA_COMPLETE, DMA_IN_PROGRESS, DMA_PAUSED, DMA_ERROR, DMA_OUT_OF_ORDER,
  DMA_PREP_INTERRUPT, DMA_CTRL_ACK, DMA_PREP_PQ_DISABLE_P, DMA_PREP_PQ_DISABLE_Q, DMA_PREP_CONTINUE, DMA_PREP_FENCE,
  DMA_CTRL_REUSE, DMA_PREP_CMD, DMA_PREP_REPEAT, DMA_PREP_LOAD_EOT, DMA_TRANS_NOERROR, DMA_TRANS_READ_FAILED,
  DMA_TRANS_WRITE_FAILED, DMA_TRANS_ABORTED, DMA_MEM_TO_MEM, DMA_MEM_TO_DEV, DMA_DEV_TO_MEM, DMA_DEV_TO_DEV,
  DMA_TRANS_NONE, DMA_SLAVE_BUSWIDTH_UNDEFINED, DMA_SLAVE_BUSWIDTH_1_BYTE, DMA_SLAVE_BUSWIDTH_2_BYTES,
  DMA_SLAVE_BUSWIDTH_3_BYTES, DMA_SLAVE_BUSWIDTH_4_BYTES, DMA_SLAVE_BUSWIDTH_8_BYTES, DMA_SLAVE_BUSWIDTH_16_BYTES,
  DMA_MIN_COOKIE, DMA_RESIDUE_GRANULARITY_DESCRIPTOR, DMA_RESIDUE_GRANULARITY_SEGMENT, DMA_RESIDUE_GRANULARITY_BURST,
  dma_submit_error, dma_tx_state, DmaChan, type DmaAsyncTxDescriptor, type DmaStatus, type DmaTxState, type DmaCookie,
  type DmaSlaveConfig, type DmaSlaveCaps, type DmaengineResult, type DmaTransferDirection,
} from "./dmaengine/types.js";
export {
  dma_request_chan, dma_request_chan_by_mask, dma_request_channel, dma_release_channel, dma_chan_name,
  dmaengine_slave_config, dmaengine_prep_dma_memcpy, dmaengine_prep_slave_sg, dmaengine_prep_slave_single,
  dmaengine_prep_dma_cyclic, dmaengine_submit, dma_async_issue_pending, dmaengine_tx_status, dma_async_is_tx_complete,
  dmaengine_pause, dmaengine_resume, dmaengine_terminate_async, dmaengine_terminate_sync, dmaengine_synchronize,
  dma_sync_wait, dma_get_slave_caps, dmaengine_desc_set_reuse, dmaengine_desc_clear_reuse, dmaengine_desc_test_reuse,
  dmaengine_desc_free, type DmaCapMask, type DmaFilterFn,
} from "./dmaengine/dmaengine.js";
export {
  of_reserved_mem_device_init, of_reserved_mem_device_init_by_idx, of_reserved_mem_device_release,
  type ReservedMem,
} from "./of/reserved-mem.js";
export { dmatest, type DmatestParams, type DmatestResult, type DmatestThreadResult } from "./dmaengine/dmatest.js";
export { readl, writel, readl_relaxed, writel_relaxed } from "./kernel/io.js";
export { udelay, ndelay, mdelay, msleep, usleep_range, cpu_relax, msecs_to_jiffies, type KernelOwner } from "./kernel/delay.js";
export { readl_poll_timeout, readl_poll_timeout_atomic, read_poll_timeout_atomic, type PollResult } from "./kernel/iopoll.js";
export { local_irq_save, local_irq_restore, local_irq_disable, local_irq_enable, irqs_disabled, PSR_I_BIT } from "./kernel/irqflags.js";
export {
  spin_lock_init, spin_lock, spin_unlock, spin_lock_irqsave, spin_unlock_irqrestore, spin_lock_irq, spin_unlock_irq, type SpinLock,
} from "./kernel/spinlock.js";
export { UartDmaClient, type UartTx } from "./drivers/uart-dma-client.js";
export { AdcDmaClient, type AdcDmaClientOptions, type AdcCapture, type AdcPeriod } from "./drivers/adc-dma-client.js";

export { runDemo, formatDemo, type DemoResult } from "./sim/demo.js";
export { runCoherentAliases, formatCoherentAliases, type CoherentAliasesResult } from "./sim/coherent-aliases.js";
export { SCENARIOS, SCENARIO_PARAMS, type ScenarioParams } from "./sim/scenarios.js";
export { BUG_KINDS, bugSystem, type BugKind, type BugResult } from "./sim/scenarios/bugs.js";
export { systemFor } from "./worker/job.js";
export { formatResult } from "./sim/result-text.js";
export { paramValue } from "./sim/param-value.js";
export { formatSweep } from "./cli/result-table.js";
export { formatRunHeading, formatSweepHeading } from "./sim/run-heading.js";
export { withTeardown, type Defer } from "./sim/teardown.js";
export { coherentBuffer, kmallocBuffers, mapSingle, type ManagedCoherentBuffer, type ManagedMapping } from "./sim/managed-buffers.js";
export { sweepReport, throughputChart, type SweepReportOptions } from "./report/sweep-report.js";
export { sweepChart, sweepChartProblem, type SweepChart } from "./report/sweep-chart.js";
export { renderReport, type ReportSection } from "./report/html.js";
export { lineChart, stackedBars, groupedBars } from "./report/svg.js";
export { runSweep, expandGrid, type SweepOptions, type SweepResult, type SweepRow, type SweepError, type Grid } from "./sim/sweep.js";
export { SYSTEM_AXES, type SystemAxis, type SystemGrid, type SystemPoint, type ComparedSystems } from "./sim/sweep-systems.js";
export { systemOptionValues, swiotlbValues, dmaDebugValue } from "./sim/system-axis-text.js";
export { TREE_AXES, type TreeAxis, type SweepTree } from "./sim/sweep-trees.js";
export { WorkerPool } from "./worker/pool.js";
export { Tracer, type TraceStats } from "./trace/recorder.js";
export { toChromeTrace, type ChromeTrace, type ChromeEvent, type TraceRecord } from "./trace/chrome.js";
export { validateChromeTrace } from "./trace/validate.js";
