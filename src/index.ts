// dmasim's public API: create a System (a simulated SoC with a booted kernel), then drive it
// with the kernel's own DMA and dmaengine functions.

export { createSystem, type RemoteSystem } from "./create.js";
export { System, SystemError, type SystemOptions, type SystemCpu } from "./system.js";
export type { Kernel } from "./kernel/kernel.js";
export { Device, PlatformDevice } from "./kernel/device.js";
export { KernelError, KernelBug, errnoName } from "./kernel/errno.js";
export { CpuFault } from "./hw/machine.js";
export { formatVirt, toVirt, type PhysAddr, type VirtAddr, type DmaAddr } from "./hw/address.js";
export { BOARDS } from "./boards.js";
export { PROFILES } from "./hw/profile.js";

export {
  GFP_KERNEL, GFP_ATOMIC, GFP_NOWAIT, GFP_DMA, GFP_DMA32, __GFP_ZERO, __GFP_NOWARN, PAGE_SIZE, get_order,
} from "./mm/gfp.js";

export {
  DMA_BIDIRECTIONAL, DMA_TO_DEVICE, DMA_FROM_DEVICE, DMA_NONE, DMA_MAPPING_ERROR, DMA_BIT_MASK,
  DMA_ATTR_WRITE_COMBINE, DMA_ATTR_NO_KERNEL_MAPPING, DMA_ATTR_SKIP_CPU_SYNC, DMA_ATTR_NO_WARN,
  DMA_ATTR_PRIVILEGED, type DmaDirection,
} from "./dma/constants.js";
export {
  dma_alloc_coherent, dma_free_coherent, dma_alloc_attrs, dma_free_attrs,
  dma_map_single, dma_unmap_single, dma_map_single_attrs, dma_unmap_single_attrs,
  dma_map_page, dma_unmap_page, dma_map_page_attrs, dma_unmap_page_attrs, dma_mapping_error,
  dma_sync_single_for_cpu, dma_sync_single_for_device, dma_sync_single_range_for_cpu,
  dma_sync_single_range_for_device, dma_set_mask, dma_set_coherent_mask, dma_set_mask_and_coherent,
  dma_get_required_mask,
} from "./dma/mapping.js";

export {
  DMA_MEMCPY, DMA_SLAVE, DMA_CYCLIC, DMA_PRIVATE, DMA_COMPLETE, DMA_IN_PROGRESS, DMA_PAUSED, DMA_ERROR,
  DMA_PREP_INTERRUPT, DMA_CTRL_ACK, DMA_TRANS_NOERROR, DMA_TRANS_READ_FAILED, DMA_TRANS_WRITE_FAILED,
  DMA_TRANS_ABORTED, DmaChan, type DmaAsyncTxDescriptor, type DmaStatus, type DmaTxState, type DmaCookie,
} from "./dmaengine/types.js";
export {
  dma_request_chan, dma_request_chan_by_mask, dma_release_channel, dmaengine_prep_dma_memcpy,
  dmaengine_submit, dma_async_issue_pending, dmaengine_tx_status, dmaengine_terminate_sync, dma_sync_wait,
} from "./dmaengine/dmaengine.js";

export { runDemo, formatDemo, type DemoResult } from "./sim/demo.js";
export { SCENARIOS, type ScenarioParams } from "./sim/scenarios.js";
export { sweepReport, throughputChart } from "./report/sweep-report.js";
export { renderReport, type ReportSection } from "./report/html.js";
export { lineChart, stackedBars, groupedBars } from "./report/svg.js";
export { runSweep, expandGrid, type SweepOptions, type SweepResult, type SweepRow, type Grid } from "./sim/sweep.js";
