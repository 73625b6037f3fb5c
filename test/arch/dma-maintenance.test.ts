// The cache maintenance matrix of spec dma-api §2.2, per profile and kernel generation, seen
// the way a user sees it: which lines are still cached and what DRAM holds after each call.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import type { System } from "../../src/system.js";
import { dma_map_page, dma_map_single, dma_unmap_page, dma_unmap_single } from "../../src/dma/mapping.js";
import { DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_TO_DEVICE, type DmaDirection } from "../../src/dma/constants.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { PG_dcache_clean } from "../../src/mm/buddy.js";

type Op = "clean" | "inv" | "none";
const DIRS: [string, DmaDirection][] = [["TO_DEVICE", DMA_TO_DEVICE], ["FROM_DEVICE", DMA_FROM_DEVICE], ["BIDIRECTIONAL", DMA_BIDIRECTIONAL]];

// Spec §2.2, written out per (profile, generation): [map op, unmap op] for TO, FROM, BIDIR.
const MATRIX: Record<string, Record<string, [Op, Op]>> = {
  "arm64 v4.9": { TO_DEVICE: ["clean", "none"], FROM_DEVICE: ["inv", "inv"], BIDIRECTIONAL: ["clean", "inv"] },
  "arm64 modern": { TO_DEVICE: ["clean", "none"], FROM_DEVICE: ["clean", "inv"], BIDIRECTIONAL: ["clean", "inv"] },
  "zynq-7000 v4.9": { TO_DEVICE: ["clean", "none"], FROM_DEVICE: ["inv", "inv"], BIDIRECTIONAL: ["clean", "inv"] },
  "zynq-7000 modern": { TO_DEVICE: ["clean", "none"], FROM_DEVICE: ["inv", "inv"], BIDIRECTIONAL: ["clean", "inv"] },
};

const BOARD: Record<string, [string, string]> = { arm64: ["arm64-ref", "ff6e0000.dma-controller"], "zynq-7000": ["zynq-7000", "f8003000.dma-controller"] };
const fill = (n: number, v: number) => new Uint8Array(n).fill(v);

/** Cached state of the buffer's first line: 0 absent, 1 clean, 2 dirty (in L1). */
function l1(s: System, pa: number): number {
  return s.machine.backdoor.lineState(1, pa) & 3;
}

function expectAfter(s: System, op: Op, pa: number, before: number): void {
  const dram = s.machine.backdoor.read(pa, 64);
  if (op === "clean") {
    expect(l1(s, pa)).toBe(1);
    expect(dram).toEqual(fill(64, 0xab));
  } else if (op === "inv") {
    expect(l1(s, pa)).toBe(0);
  } else {
    expect(l1(s, pa)).toBe(before);
  }
}

describe("streaming maintenance matrix", () => {
  for (const key of Object.keys(MATRIX)) {
    const [profile, kernel] = key.split(" ") as [string, "v4.9" | "modern"];
    for (const [name, dir] of DIRS) {
      it(`${key} ${name}: map ${MATRIX[key][name][0]}, unmap ${MATRIX[key][name][1]}`, async () => {
        const [board, dmac] = BOARD[profile];
        const s = await createSystem({ board, kernel });
        const dev = s.device(dmac);
        const va = s.kernel.kmalloc(4096, GFP_KERNEL);
        const pa = s.kernel.mm.virt_to_phys(va);
        s.cpu.write(va, fill(4096, 0xab)); // dirty in the caches, not yet in DRAM
        expect(l1(s, pa)).toBe(2);
        expect(s.machine.backdoor.read(pa, 64)).not.toEqual(fill(64, 0xab));
        const [mapOp, unmapOp] = MATRIX[key][name];
        const dma = dma_map_single(dev, va, 4096, dir);
        expectAfter(s, mapOp, pa, 2);
        const mid = l1(s, pa);
        dma_unmap_single(dev, dma, 4096, dir);
        expectAfter(s, unmapOp === "inv" ? "inv" : "none", pa, mid);
      });
    }
  }
});

describe("profile details", () => {
  it("early Cortex-A53 (ARM64_WORKAROUND_CLEAN_CACHE): a clean also invalidates", async () => {
    const s = await createSystem({ board: "arm64-ref", workaroundCleanCache: true });
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    const pa = s.kernel.mm.virt_to_phys(va);
    s.cpu.write(va, fill(4096, 0xab));
    dma_map_single(s.device("ff6e0000.dma-controller"), va, 4096, DMA_TO_DEVICE);
    expect(s.machine.backdoor.read(pa, 64)).toEqual(fill(64, 0xab));
    expect(l1(s, pa)).toBe(0);
  });

  it("zynq: the PL310 is maintained by physical address, one register write per 32-byte line, then one CACHE_SYNC", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    const before = s.machine.x.pl310LineOps(0);
    const syncsBefore = s.machine.x.pl310Syncs(0);
    dma_map_single(s.device("f8003000.dma-controller"), va, 4096, DMA_TO_DEVICE);
    expect(s.machine.x.pl310LineOps(0) - before).toBe(4096 / 32);
    // outer_clean_range: l2c210_clean_range ends with __l2c210_cache_sync, once per range.
    expect(s.machine.x.pl310Syncs(0) - syncsBefore).toBe(1);
  });

  it("zynq: pages handed back wholly to the CPU are marked PG_dcache_clean", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const mm = s.kernel.mm;
    const va = s.kernel.kmalloc(3 * 4096, GFP_KERNEL) + 2048; // covers half, one, one and a half pages
    const dma = dma_map_single(s.device("f8003000.dma-controller"), va, 2 * 4096, DMA_FROM_DEVICE);
    dma_unmap_single(s.device("f8003000.dma-controller"), dma, 2 * 4096, DMA_FROM_DEVICE);
    const pfn = mm.virt_to_pfn(va);
    expect([0, 1, 2].map((i) => mm.buddy.pageFlags(pfn + i) & PG_dcache_clean)).toEqual([0, PG_dcache_clean, 0]);
  });

  it("zynq: a page-aligned two-page unmap marks both pages, the last one too (`while (left >= PAGE_SIZE)`)", async () => {
    // __dma_page_dev_to_cpu (arch/arm/mm/dma-mapping.c) marks a page while at least a whole
    // page is left: 8192 bytes from a page boundary are pages 0 and 1; page 2 is untouched.
    const s = await createSystem({ board: "zynq-7000" });
    const mm = s.kernel.mm;
    const dev = s.device("f8003000.dma-controller");
    const pfn = mm.alloc_pages(GFP_KERNEL, 2);
    const dma = dma_map_page(dev, pfn, 0, 2 * 4096, DMA_FROM_DEVICE);
    dma_unmap_page(dev, dma, 2 * 4096, DMA_FROM_DEVICE);
    expect([0, 1, 2].map((i) => mm.buddy.pageFlags(pfn + i) & PG_dcache_clean)).toEqual([PG_dcache_clean, PG_dcache_clean, 0]);
  });

  it("costs simulated time in proportion to the range maintained", async () => {
    for (const board of ["arm64-ref", "zynq-7000"]) {
      const s = await createSystem({ board });
      const dev = s.device(BOARD[board === "arm64-ref" ? "arm64" : "zynq-7000"][1]);
      const t = s.kernel.dma.time;
      const cost = (n: number) => {
        const va = s.kernel.kmalloc(n, GFP_KERNEL);
        s.cpu.fill(va, 1, n);
        const before = t.snapshot();
        dma_unmap_single(dev, dma_map_single(dev, va, n, DMA_TO_DEVICE), n, DMA_TO_DEVICE);
        const d = t.since(before);
        expect(d.maintainedBytes).toBe(n);
        return d.maintenancePs;
      };
      // A clean's DSB waits for the last write-back: one DRAM latency (90 ns on arm64-ref) on
      // top of the per-line time, which sizes of 64 KB and more make a small share.
      const ratio = cost(262144) / cost(65536);
      expect(ratio).toBeGreaterThan(3.8);
      expect(ratio).toBeLessThan(4.2);
    }
  });
});
