// The DMA mapping API's own speed: host-side calls per second through the real code path —
// entry point, dma-direct, the arm64 cache maintenance it issues to the silicon (DC CVAC over
// the buffer's 64 lines and a DSB) and back — and dma_pool alloc/free with the free list kept
// in the pool's coherent memory. Measured on the arm64 reference board (modern kernel, a
// non-coherent PL330, DMA-API debug off), 1,000 calls per sample.
//
// Comparisons in the same run: BIDIRECTIONAL (clean at map, invalidate at unmap), the silicon's
// DC CVAC of 4 KB on its own (the floor under any map), and the 4.9 pool.

import { createSystem } from "../src/create.js";
import { GFP_KERNEL } from "../src/mm/gfp.js";
import { dma_map_single, dma_unmap_single } from "../src/dma/mapping.js";
import { DMA_BIDIRECTIONAL, DMA_TO_DEVICE } from "../src/dma/constants.js";
import { dma_pool_alloc, dma_pool_create, dma_pool_free, type DmaPoolBlock } from "../src/dma/pool.js";
import { DC_CLEAN } from "../src/hw/machine.js";
import type { BenchTask } from "./suite.js";

const BATCH = 1000;
const DMAC = "ff6e0000.dma-controller";

export async function dmaBenchmarks(): Promise<BenchTask[]> {
  const s = await createSystem({ board: "arm64-ref" });
  const dev = s.device(DMAC);
  // A transmit buffer the driver has just written: its lines are in the caches.
  const buf = s.kernel.kmalloc(4096, GFP_KERNEL);
  s.cpu.fill(buf, 0x5a, 4096);
  const rx = s.kernel.kmalloc(4096, GFP_KERNEL);
  s.cpu.fill(rx, 0, 4096);
  const pool = dma_pool_create("bench", dev, 64, 64, 0)!;
  const old = await createSystem({ board: "arm64-ref", kernel: "v4.9" });
  const oldPool = dma_pool_create("bench", old.device(DMAC), 64, 64, 0)!;
  const blk: DmaPoolBlock = { cpuAddr: 0, dmaAddr: 0 };
  const perSec = (ms: number) => BATCH / (ms / 1000);
  return [
    {
      name: "dma.mapUnmap4K",
      fn: () => {
        for (let i = 0; i < BATCH; i++) dma_unmap_single(dev, dma_map_single(dev, buf, 4096, DMA_TO_DEVICE), 4096, DMA_TO_DEVICE);
      },
      metrics: (ms) => ({ "dma.mapUnmap4K.perSec": perSec(ms) }),
    },
    {
      name: "dma.mapUnmap4K.bidir",
      fn: () => {
        for (let i = 0; i < BATCH; i++) dma_unmap_single(dev, dma_map_single(dev, rx, 4096, DMA_BIDIRECTIONAL), 4096, DMA_BIDIRECTIONAL);
      },
      metrics: (ms) => ({ "dma.mapUnmap4K.bidir.perSec": perSec(ms) }),
    },
    {
      name: "silicon.dcacheClean4K",
      fn: () => {
        for (let i = 0; i < BATCH; i++) s.machine.cpu.dcache(DC_CLEAN, buf, 4096);
      },
      metrics: (ms) => ({ "silicon.dcacheClean4K.perSec": perSec(ms) }),
    },
    {
      name: "dma.poolAllocFree",
      fn: () => {
        for (let i = 0; i < BATCH; i++) {
          dma_pool_alloc(pool, GFP_KERNEL, blk);
          dma_pool_free(pool, blk.cpuAddr, blk.dmaAddr);
        }
      },
      metrics: (ms) => ({ "dma.poolAllocFree.perSec": perSec(ms) }),
    },
    {
      name: "dma.poolAllocFree.v49",
      fn: () => {
        for (let i = 0; i < BATCH; i++) {
          dma_pool_alloc(oldPool, GFP_KERNEL, blk);
          dma_pool_free(oldPool, blk.cpuAddr, blk.dmaAddr);
        }
      },
      metrics: (ms) => ({ "dma.poolAllocFree.v49.perSec": perSec(ms) }),
    },
  ];
}
