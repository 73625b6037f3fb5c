// dma-mix: a driver's day, seeded. Each transfer kmallocs a source and a destination of a random
// size, maps them for streaming (small unaligned ones bounce through swiotlb on arm64), takes a
// descriptor from a dma_pool and writes it, copies on a memcpy channel, unmaps, checks the
// bytes and frees it all; every CHURN_EVERY transfers a coherent buffer and the whole pool are
// made and dropped. Parameters:
//   transfers  how many (default 1000)
//   seed       the random sizes' seed (default 1)
//   maxSize    largest copy in bytes (default 2048)
// The same seed gives the same work and therefore, the simulation being deterministic, the same
// result to the picosecond (test/hardening/determinism). The soak (tools/soak) runs it long.

import type { System } from "../../system.js";
import type { DmaChan } from "../../dmaengine/types.js";
import { DMA_COMPLETE, DMA_MEMCPY } from "../../dmaengine/types.js";
import { dma_request_chan_by_mask, dma_release_channel, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_sync_wait } from "../../dmaengine/dmaengine.js";
import { dma_alloc_coherent, dma_free_coherent, dma_max_mapping_size } from "../../dma/mapping.js";
import { dma_pool_alloc, dma_pool_create, dma_pool_destroy, dma_pool_free, type DmaPool } from "../../dma/pool.js";
import { DMA_FROM_DEVICE, DMA_TO_DEVICE } from "../../dma/constants.js";
import { GFP_KERNEL } from "../../mm/gfp.js";
import { Random } from "../../random.js";
import type { ScenarioParams } from "../scenarios.js";
import { formatBytes, parseSize } from "../../units.js";
import { KMALLOC_MAX_SIZE } from "../../mm/slab.js";
import { ENOMEM, KernelError } from "../../kernel/errno.js";
import type { Device } from "../../kernel/device.js";
import { isWholeIn, wholeNumberIn } from "../../whole-number.js";
import { withTeardown } from "../teardown.js";
import { mapSingle } from "../managed-buffers.js";

/** Coherent buffers and a fresh descriptor pool every this many transfers. */
export const CHURN_EVERY = 500;

export interface DmaMixResult {
  transfers: number;
  bytesCopied: number;
  /** Copies whose destination did not hold the source's bytes. */
  badCopies: number;
  simulatedPs: number;
}

/** The largest copy a mix can make with `dev`: both its buffers are kmalloc'ed and mapped for
 *  streaming, so neither KMALLOC_MAX_SIZE nor dma_max_mapping_size may be passed. */
export function largestCopy(dev: Device): { bytes: number; why: string } {
  const map = dma_max_mapping_size(dev);
  if (map < KMALLOC_MAX_SIZE) {
    return { bytes: map, why: `${dev.name} maps at most ${formatBytes(map)} on this board (dma_max_mapping_size: buffers bounce through swiotlb)` };
  }
  return { bytes: KMALLOC_MAX_SIZE, why: `the largest kmalloc is ${formatBytes(KMALLOC_MAX_SIZE)} (KMALLOC_MAX_SIZE)` };
}

export class DmaMix {
  readonly chan: DmaChan;
  /** Undefined only between a churn's dma_pool_destroy and its dma_pool_create. */
  private pool: DmaPool | undefined;
  private readonly random: Random;
  private done = 0;
  bytesCopied = 0;
  badCopies = 0;

  constructor(
    private readonly system: System,
    seed: number,
    private readonly maxSize = 2048,
  ) {
    this.chan = dma_request_chan_by_mask(system, DMA_MEMCPY);
    try {
      const largest = largestCopy(this.chan.device.dev);
      if (maxSize > largest.bytes) throw new RangeError(`copies of up to ${formatBytes(maxSize)} cannot be made: ${largest.why}`);
      this.pool = this.newPool();
    } catch (e) {
      dma_release_channel(this.chan);
      throw e;
    }
    this.random = new Random(seed, 0);
  }

  private newPool(): DmaPool {
    const pool = dma_pool_create("mix-desc", this.chan.device.dev, 64, 64, 0);
    if (!pool) throw new KernelError(ENOMEM, "dma_pool_create(mix-desc) failed");
    return pool;
  }

  /** One transfer (and the churn that falls due after it). */
  step(): void {
    const n = this.random.range(1, this.maxSize);
    this.copy(n, this.done & 0xff);
    if (++this.done % CHURN_EVERY === 0) this.churn();
  }

  /** One copy; a failure part way gives back its buffers, mappings and descriptor (teardown.ts),
   *  so that close() leaves nothing behind. */
  private copy(n: number, fill: number): void {
    withTeardown((defer) => {
      const { system, chan } = this;
      const k = system.kernel;
      const dev = chan.device.dev;
      const pool = this.pool!;
      const src = k.kmalloc(n, GFP_KERNEL);
      if (!src) throw new KernelError(ENOMEM, `kmalloc(${n}) failed`);
      const freeSrc = defer(() => k.kfree(src));
      const dst = k.kmalloc(n, GFP_KERNEL);
      if (!dst) throw new KernelError(ENOMEM, `kmalloc(${n}) failed`);
      const freeDst = defer(() => k.kfree(dst));
      system.cpu.fill(src, fill, n);
      const s = mapSingle(dev, src, n, DMA_TO_DEVICE, defer);
      const d = mapSingle(dev, dst, n, DMA_FROM_DEVICE, defer);
      const desc = dma_pool_alloc(pool, GFP_KERNEL);
      if (!desc) throw new KernelError(ENOMEM, "dma_pool_alloc(mix-desc) failed");
      const freeDesc = defer(() => dma_pool_free(pool, desc.cpuAddr, desc.dmaAddr));
      system.cpu.write(desc.cpuAddr, new Uint8Array(new Uint32Array([s.addr, d.addr, n, 0]).buffer));
      const tx = dmaengine_prep_dma_memcpy(chan, d.addr, s.addr, n, 0);
      if (!tx || dma_sync_wait(chan, dmaengine_submit(tx)) !== DMA_COMPLETE) throw new Error(`memcpy of ${n} bytes did not complete`);
      d.unmap();
      s.unmap();
      if (!system.cpu.read(dst, n).every((b) => b === fill)) this.badCopies++;
      freeDesc();
      freeDst();
      freeSrc();
      this.bytesCopied += n;
    });
  }

  private churn(): void {
    const dev = this.chan.device.dev;
    const size = 4096 * this.random.range(1, 4);
    const buf = dma_alloc_coherent(dev, size, GFP_KERNEL);
    if (!buf) throw new KernelError(ENOMEM, `dma_alloc_coherent(${size}) failed`);
    this.system.cpu.fill(buf.cpuAddr, 0x3c, size);
    dma_free_coherent(dev, size, buf.cpuAddr, buf.dmaAddr);
    dma_pool_destroy(this.pool!);
    this.pool = undefined;
    this.pool = this.newPool();
  }

  /** Gives back the pool and the channel. */
  close(): void {
    if (this.pool) dma_pool_destroy(this.pool);
    this.pool = undefined;
    dma_release_channel(this.chan);
  }
}

export function run(system: System, params: ScenarioParams): DmaMixResult {
  const transfers = Number(params.transfers ?? 1000);
  const seed = Number(params.seed ?? 1);
  const maxSize = parseSize((params.maxSize as string | number | undefined) ?? 2048);
  if (!Number.isSafeInteger(transfers) || transfers < 0) throw new RangeError(`transfers must be a whole number, not "${params.transfers}"`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a whole number, not "${params.seed}"`);
  if (!isWholeIn(maxSize, 1)) throw new RangeError(`maxSize must be ${wholeNumberIn(1)}, not "${params.maxSize}"`);
  return withTeardown((defer) => {
    const t0 = system.now();
    const mix = new DmaMix(system, seed, maxSize);
    const close = defer(() => mix.close());
    for (let i = 0; i < transfers; i++) mix.step();
    close();
    return { transfers, bytesCopied: mix.bytesCopied, badCopies: mix.badCopies, simulatedPs: system.now() - t0 };
  });
}
