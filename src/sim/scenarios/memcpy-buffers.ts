// Where the memcpy scenario's source and destination come from, one pair per descriptor:
//   coherent   dma_alloc_coherent, a pair per segment
//   streaming  kmalloc, mapped later with dma_map_single (so is "bounced": the same buffers,
//              whose mappings go through swiotlb)
//   pool       two blocks of a dma_pool made on the DMAC's device, a pair per block
// Each pair comes with its release; a failed allocation gives back what it took before throwing
// -ENOMEM, so the scenario's teardown only ever sees whole pairs.

import type { System } from "../../system.js";
import { GFP_KERNEL } from "../../mm/gfp.js";
import { ENOMEM, KernelError } from "../../kernel/errno.js";
import { dma_alloc_coherent, dma_free_coherent } from "../../dma/mapping.js";
import { dma_pool_alloc, dma_pool_create, dma_pool_free, type DmaPool } from "../../dma/pool.js";
import { dev_get_cma_area } from "../../dma/contiguous.js";
import type { Device } from "../../kernel/device.js";
import type { DmaChan } from "../../dmaengine/types.js";
import type { DmaAddr, VirtAddr } from "../../hw/address.js";
import { formatBytes } from "../../units.js";

export interface Buffers {
  src: { cpu: VirtAddr; dma: DmaAddr };
  dst: { cpu: VirtAddr; dma: DmaAddr };
  release(): void;
}

export function coherentBuffers(chan: DmaChan, len: number, where: string): Buffers {
  const dev = chan.device.dev;
  const a = dma_alloc_coherent(dev, len, GFP_KERNEL);
  const b = a && dma_alloc_coherent(dev, len, GFP_KERNEL);
  if (!a || !b) {
    if (a) dma_free_coherent(dev, len, a.cpuAddr, a.dmaAddr);
    const cma = dev_get_cma_area(dev);
    const hint = cma ? `; the CMA area ${cma.name} (${formatBytes(cma.count * 4096)}) serves this device: a larger cma= may help` : "";
    throw new KernelError(ENOMEM, `dma_alloc_coherent(${len}) failed: no room for a source and a destination${where}${hint}`);
  }
  return {
    src: { cpu: a.cpuAddr, dma: a.dmaAddr },
    dst: { cpu: b.cpuAddr, dma: b.dmaAddr },
    release: () => {
      dma_free_coherent(dev, len, a.cpuAddr, a.dmaAddr);
      dma_free_coherent(dev, len, b.cpuAddr, b.dmaAddr);
    },
  };
}

export function streamingBuffers(system: System, len: number, where: string): Buffers {
  const k = system.kernel;
  const s = k.kmalloc(len, GFP_KERNEL);
  const d = s && k.kmalloc(len, GFP_KERNEL);
  if (!s || !d) {
    if (s) k.kfree(s);
    throw new KernelError(ENOMEM, `kmalloc(${len}) failed: no room for a source and a destination${where}`);
  }
  return {
    src: { cpu: s, dma: 0 },
    dst: { cpu: d, dma: 0 },
    release: () => {
      k.kfree(s);
      k.kfree(d);
    },
  };
}

/** Blocks start on 8-byte boundaries: the PL330's AXI beat on these boards, so a block's bursts
 *  are never split at its start. */
export const POOL_ALIGN = 8;

/** dma_pool_create for blocks of `block` bytes; its NULL (a size or alignment Linux refuses)
 *  becomes the -ENOMEM a driver's probe returns for it. */
export function createBlockPool(dev: Device, block: number): DmaPool {
  const pool = dma_pool_create("memcpy-blocks", dev, block, POOL_ALIGN, 0);
  if (pool) return pool;
  const why = block === 0 ? "a size of 0" : `a size above INT_MAX (${0x7fffffff})`;
  throw new KernelError(ENOMEM, `dma_pool_create("memcpy-blocks", ${dev.name}, ${block}, ${POOL_ALIGN}, 0) returned NULL: Linux refuses ${why}; give block=1…${formatBytes(4 << 20)}`);
}

export function poolBuffers(pool: DmaPool, where: string): Buffers {
  const a = dma_pool_alloc(pool, GFP_KERNEL);
  const b = a && dma_pool_alloc(pool, GFP_KERNEL);
  if (!a || !b) {
    if (a) dma_pool_free(pool, a.cpuAddr, a.dmaAddr);
    throw new KernelError(ENOMEM, `dma_pool_alloc(${pool.name}) failed: no room for a source and a destination block of ${pool.size} bytes${where}`);
  }
  return {
    src: { cpu: a.cpuAddr, dma: a.dmaAddr },
    dst: { cpu: b.cpuAddr, dma: b.dmaAddr },
    release: () => {
      dma_pool_free(pool, a.cpuAddr, a.dmaAddr);
      dma_pool_free(pool, b.cpuAddr, b.dmaAddr);
    },
  };
}
