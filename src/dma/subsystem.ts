// The DMA layer's per-kernel state: which dma_map_ops the devices get, the swiotlb pool, the
// atomic pools, DMA-API debugging, the time accounting, and the few once-only warnings. Set up
// at boot in the order Linux uses: swiotlb from memblock during mem_init (see kernel.ts), then
// the atomic pools as an initcall, before devices probe.

import type { Kernel } from "../kernel/kernel.js";
import type { Device } from "../kernel/device.js";
import type { VirtAddr } from "../hw/address.js";
import { RateLimit, dev_warn } from "../kernel/dev-printk.js";
import { DmaTime } from "./accounting.js";
import { DmaDebug, type DmaDebugOptions } from "./debug.js";
import type { DmaMapOps } from "./ops.js";
import type { Swiotlb } from "./swiotlb.js";
import { AtomicPool, ModernAtomicPools, atomicPoolInitLegacy } from "./atomic-pool.js";
import { dma_direct_ops } from "./direct.js";
import { arm64_swiotlb_dma_ops } from "../arch/arm64-dma-mapping.js";
import { arm_dma_ops, type ArmDmaBuffer } from "../arch/arm-dma-mapping.js";

/** The 4.9 / arm default atomic pool (coherent_pool=). */
export const DEFAULT_DMA_COHERENT_POOL_SIZE = 256 * 1024;

export interface DmaSubsystemOptions {
  debug?: DmaDebugOptions;
  /** coherent_pool=: the atomic pool size in bytes. */
  coherentPool?: number;
  /** DMAPOOL_DEBUG (CONFIG_SLUB_DEBUG_ON): dma_pool poisoning and free checks. */
  poolDebug?: boolean;
  /** swiotlb=noforce on a kernel that knows it (swiotlb_force_disable): no pool was built. */
  swiotlbDisabled?: boolean;
  /** 4.9 arm64 booted without a pool, none being needed (swiotlb_force = SWIOTLB_NO_FORCE). */
  swiotlbNoForce?: boolean;
}

export class DmaSubsystem {
  readonly ops: DmaMapOps;
  readonly debug: DmaDebug;
  /** 4.9 arm64 swiotlb_dma_ops' `swiotlb` flag: RAM above the DMA zone, or swiotlb=force. */
  readonly swiotlbActive: boolean;
  legacyPool: AtomicPool | null = null;
  modernPools: ModernAtomicPools | null = null;
  /** arm_dma_bufs: live arm coherent buffers by CPU address (or page cookie). */
  readonly armBuffers = new Map<VirtAddr, ArmDmaBuffer>();
  /** Modern arm64 bounces small unaligned kmalloc buffers (CONFIG_DMA_BOUNCE_UNALIGNED_KMALLOC). */
  readonly kmallocBounce: boolean;
  /** dma_get_cache_alignment(). */
  readonly cacheAlignment: number;
  /** DMAPOOL_DEBUG */
  readonly poolDebug: boolean;
  /** swiotlb_force_disable (swiotlb=noforce): there is no pool, by request. */
  readonly swiotlbDisabled: boolean;
  /** 4.9 swiotlb_force == SWIOTLB_NO_FORCE: mem_init built no pool, as all RAM is within ZONE_DMA
   *  and nothing forced one, so lib/swiotlb.c's map_single refuses every bounce. */
  readonly swiotlbNoForce: boolean;
  /** The ratelimit state of map_single's dev_warn_ratelimited("Cannot do DMA to address"). */
  readonly noForceWarnLimit = new RateLimit();
  private readonly warned = new Set<string>();
  private readonly work: (() => void)[] = [];

  constructor(
    private readonly k: Kernel,
    readonly swiotlb: Swiotlb | null,
    readonly time: DmaTime,
    opts: DmaSubsystemOptions = {},
  ) {
    const arch = k.machine.profile.arch;
    const modern = k.version === "modern";
    this.debug = new DmaDebug(k, opts.debug ?? {});
    this.poolDebug = !!opts.poolDebug;
    this.swiotlbDisabled = !!opts.swiotlbDisabled;
    this.swiotlbNoForce = !!opts.swiotlbNoForce;
    this.ops = modern ? dma_direct_ops : arch === "arm64" ? arm64_swiotlb_dma_ops : arm_dma_ops;
    this.swiotlbActive = !!swiotlb && (swiotlb.force || k.mm.ramEnd > k.mm.zoneLimit("DMA"));
    this.kmallocBounce = modern && arch === "arm64" && !!swiotlb;
    // ARCH_DMA_MINALIGN: arm64 4.9 128; modern arm64 the cache line (CTR_EL0.CWG); arm 64.
    this.cacheAlignment = arch === "arm64" && !modern ? 128 : 64;
    if (modern && arch === "arm64") this.modernPools = new ModernAtomicPools(k, opts.coherentPool);
    else this.legacyPool = atomicPoolInitLegacy(k, opts.coherentPool ?? DEFAULT_DMA_COHERENT_POOL_SIZE);
  }

  /** dev_WARN_ONCE: the first time per call site (`key`). */
  warnOnce(dev: Device, key: string, msg: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    dev_warn(dev, msg);
  }

  /** pr_err_once */
  errorOnce(msg: string): void {
    if (this.warned.has(msg)) return;
    this.warned.add(msg);
    this.k.printk.err(msg);
  }

  /** schedule_work: the work runs when the caller's DMA API call returns. */
  scheduleWork(fn: () => void): void {
    this.work.push(fn);
  }

  runWork(): void {
    while (this.work.length) this.work.shift()!();
  }
}
