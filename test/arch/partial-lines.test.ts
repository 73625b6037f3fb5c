// What a CPU read and a device read see after each streaming call when a buffer starts and ends
// inside cache lines it shares with other data (spec mmu-cache §4.3, §4.4; dma-api §2.2).
//
// Four lines are primed so that every byte tells where it came from: DRAM holds D, the CPU's
// L1 holds a dirty P1 and, on Zynq, the PL310 holds a dirty P2 beneath it. The buffer runs from
// 3L/8 into line 0 to L/8 into line 3. Each expectation is worked out by hand from Linux's
// routines: arch/arm/mm/cache-v7.S (v7_dma_clean_range, v7_dma_inv_range: partial edge lines
// cleaned and invalidated, interior lines discarded), arch/arm/mm/cache-l2x0.c (l2c210_clean_range,
// l2c210_inv_range, same edge rule by PA), arch/arm/mm/dma-mapping.c (__dma_page_cpu_to_dev: L1
// then PL310; __dma_page_dev_to_cpu: PL310 then L1), arch/arm64/mm/cache.S (dcache_clean_poc,
// dcache_inval_poc) and the arm64 map/unmap wrappers of each generation.

import { beforeAll, describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import type { System } from "../../src/system.js";
import { DC_CLEAN, DC_CLEAN_INVAL } from "../../src/hw/machine.js";
import {
  dma_map_page, dma_map_sg, dma_map_single, dma_sync_single_for_cpu, dma_sync_single_for_device, dma_unmap_page,
  dma_unmap_sg, dma_unmap_single, dma_alloc_coherent, dma_free_coherent,
} from "../../src/dma/mapping.js";
import { sg_alloc, sg_dma_address, sg_set_buf } from "../../src/dma/scatterlist.js";
import { DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { GFP_KERNEL, __GFP_HIGHMEM } from "../../src/mm/gfp.js";
import { VM_MAP } from "../../src/mm/vmalloc.js";
import type { Device } from "../../src/kernel/device.js";

const PL310_PA = 0xf8f02000;
const CLEAN_INV_LINE_PA = 0x7f0;
const CACHE_SYNC = 0x730;

type Config = "zynq-7000 v4.9" | "zynq-7000 modern" | "arm64 v4.9" | "arm64 modern";
const CONFIGS: Config[] = ["zynq-7000 v4.9", "zynq-7000 modern", "arm64 v4.9", "arm64 modern"];

/** Byte i of a source: i xor its tag, so at every byte the sources differ. */
const TAG = { D: 0x00, P2: 0x55, P1: 0xaa, W: 0xff, P4: 0x33, P5: 0xcc } as const;
type Source = keyof typeof TAG;

interface Rig {
  s: System;
  dev: Device;
  zynq: boolean;
  version: "v4.9" | "modern";
  L: number;
  pl310: number;
}

function pattern(src: Source, n: number, from = 0): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => ((from + i) ^ TAG[src]) & 0xff);
}

/** Concatenates [source, end offset] runs over the 4-line window. */
function expected(runs: [Source, number][]): Uint8Array {
  const out: number[] = [];
  let at = 0;
  for (const [src, end] of runs) {
    out.push(...pattern(src, end - at, at));
    at = end;
  }
  return Uint8Array.from(out);
}

async function rig(config: Config, memory?: string): Promise<Rig> {
  const [board, version] = config.split(" ") as ["zynq-7000" | "arm64", "v4.9" | "modern"];
  const zynq = board === "zynq-7000";
  const s = await createSystem({ board: zynq ? "zynq-7000" : "arm64-ref", kernel: version, ...(memory ? { memory } : {}) });
  const dev = s.device(zynq ? "f8003000.dma-controller" : "ff6e0000.dma-controller");
  const pl310 = zynq ? s.kernel.mm.ioremap(PL310_PA, 0x1000)! : 0;
  return { s, dev, zynq, version, L: s.machine.cpu.lineBytes, pl310 };
}

/** A fresh page's first four lines (its VA and PA), primed: DRAM = D, L2 = dirty P2 (Zynq),
 *  L1 = dirty P1. */
function prime(r: Rig, va: number, pa = r.s.kernel.mm.virt_to_phys(va)): number {
  const { s, L } = r;
  const n = 4 * L;
  const cpu = s.machine.cpu;
  cpu.dcache(DC_CLEAN_INVAL, va, n);
  if (r.zynq) {
    for (let x = 0; x < n; x += L) cpu.store(r.pl310 + CLEAN_INV_LINE_PA, 4, pa + x);
    cpu.store(r.pl310 + CACHE_SYNC, 4, 0);
  }
  s.machine.backdoor.write(pa, pattern("D", n));
  if (r.zynq) {
    cpu.write(va, pattern("P2", n));
    cpu.dcache(DC_CLEAN, va, n); // L1 → PL310, which keeps the lines dirty
  }
  cpu.write(va, pattern("P1", n));
  for (let x = 0; x < n; x += L) {
    expect(s.machine.backdoor.lineState(1, pa + x) & 3).toBe(2);
    if (r.zynq) expect(s.machine.backdoor.lineState(2, pa + x) & 3).toBe(2);
  }
  expect(s.machine.backdoor.read(pa, n)).toEqual(pattern("D", n));
  return pa;
}

function freshPage(r: Rig): number {
  return r.s.kernel.kmalloc(4096, GFP_KERNEL);
}

/** The device's view (DRAM) first, then the CPU's (which may fill lines). */
function views(r: Rig, va: number, pa: number): { device: Uint8Array; cpu: Uint8Array } {
  const n = 4 * r.L;
  const device = r.s.machine.backdoor.read(pa, n);
  return { device, cpu: r.s.machine.cpu.read(va, n) };
}

function deviceWrites(r: Rig, pa: number, src: Source, from: number, to: number): void {
  r.s.machine.backdoor.write(pa + from, pattern(src, to - from, from));
}

for (const config of CONFIGS) {
  describe(`${config}: partial lines at both ends of a buffer`, () => {
    let r: Rig;
    let a: number; // buffer start (offset in line 0)
    let e: number; // buffer end (offset L/8 into line 3)
    let L: number;
    beforeAll(async () => {
      r = await rig(config);
      L = r.L;
      a = (3 * L) / 8;
      e = 3 * L + L / 8;
    });
    const arm64 = config.startsWith("arm64");
    /** The CPU writes P4 into the bytes beside the buffer in its edge lines (and beyond). */
    const cpuWritesNeighbours = (va: number) => {
      r.s.machine.cpu.write(va, pattern("P4", a));
      r.s.machine.cpu.write(va + e, pattern("P4", 4 * L - e, e));
    };

    it("map TO_DEVICE and BIDIRECTIONAL clean every line the buffer touches, to DRAM", () => {
      for (const dir of [DMA_TO_DEVICE, DMA_BIDIRECTIONAL] as const) {
        const va = freshPage(r);
        const pa = prime(r, va);
        const dma = dma_map_single(r.dev, va + a, e - a, dir);
        expect(dma).toBe(pa + a);
        const v = views(r, va, pa);
        expect(v.device).toEqual(expected([["P1", 4 * L]]));
        expect(v.cpu).toEqual(expected([["P1", 4 * L]]));
      }
    });

    it("map FROM_DEVICE: edge lines written back; interior lines discarded (4.9, arm) or cleaned (modern arm64)", () => {
      const va = freshPage(r);
      const pa = prime(r, va);
      dma_map_single(r.dev, va + a, e - a, DMA_FROM_DEVICE);
      const want = arm64 && r.version === "modern"
        ? expected([["P1", 4 * L]])
        : expected([["P1", L], ["D", 3 * L], ["P1", 4 * L]]);
      const v = views(r, va, pa);
      expect(v.device).toEqual(want);
      expect(v.cpu).toEqual(want);
    });

    it("unmap FROM_DEVICE: the CPU sees the device's bytes in the buffer and its own around it", () => {
      const va = freshPage(r);
      const pa = prime(r, va);
      const dma = dma_map_single(r.dev, va + a, e - a, DMA_FROM_DEVICE);
      deviceWrites(r, pa, "W", a, e);
      dma_unmap_single(r.dev, dma, e - a, DMA_FROM_DEVICE);
      const want = expected([["P1", a], ["W", e], ["P1", 4 * L]]);
      const v = views(r, va, pa);
      expect(v.device).toEqual(want);
      expect(v.cpu).toEqual(want);
    });

    it("a neighbour written before the device writes: the unmap's edge write-back puts the CPU's stale buffer bytes back", () => {
      for (const dir of [DMA_FROM_DEVICE, DMA_BIDIRECTIONAL] as const) {
        const va = freshPage(r);
        const pa = prime(r, va);
        const dma = dma_map_single(r.dev, va + a, e - a, dir);
        cpuWritesNeighbours(va);
        deviceWrites(r, pa, "W", a, e);
        dma_unmap_single(r.dev, dma, e - a, dir);
        const cpu = expected([["P4", a], ["P1", L], ["W", 3 * L], ["P1", e], ["P4", 4 * L]]);
        const v = views(r, va, pa);
        // Zynq unmaps the PL310 first and L1 second, so the edge lines L1 writes back stay dirty
        // in the PL310: DRAM keeps what the map left there and the device wrote.
        expect(v.device).toEqual(r.zynq ? expected([["P1", a], ["W", e], ["P1", 4 * L]]) : cpu);
        expect(v.cpu).toEqual(cpu);
      }
    });

    it("a neighbour written after the device wrote: no bytes lost, except where modern arm64 kept the line", () => {
      const va = freshPage(r);
      const pa = prime(r, va);
      const dma = dma_map_single(r.dev, va + a, e - a, DMA_FROM_DEVICE);
      deviceWrites(r, pa, "W", a, e);
      cpuWritesNeighbours(va);
      dma_unmap_single(r.dev, dma, e - a, DMA_FROM_DEVICE);
      // Modern arm64 only cleaned at map time: the edge lines stayed valid with P1, the
      // neighbour writes hit them, and the unmap writes the stale buffer bytes back.
      const cpu = arm64 && r.version === "modern"
        ? expected([["P4", a], ["P1", L], ["W", 3 * L], ["P1", e], ["P4", 4 * L]])
        : expected([["P4", a], ["W", e], ["P4", 4 * L]]);
      const v = views(r, va, pa);
      expect(v.device).toEqual(r.zynq ? expected([["P1", a], ["W", e], ["P1", 4 * L]]) : cpu);
      expect(v.cpu).toEqual(cpu);
    });

    it("sync_for_cpu then sync_for_device: a second transfer is seen, the CPU's reads in between are not kept", () => {
      const va = freshPage(r);
      const pa = prime(r, va);
      const dma = dma_map_single(r.dev, va + a, e - a, DMA_FROM_DEVICE);
      deviceWrites(r, pa, "W", a, e);
      dma_sync_single_for_cpu(r.dev, dma, e - a, DMA_FROM_DEVICE);
      expect(r.s.machine.cpu.read(va, 4 * L)).toEqual(expected([["P1", a], ["W", e], ["P1", 4 * L]]));
      dma_sync_single_for_device(r.dev, dma, e - a, DMA_FROM_DEVICE);
      deviceWrites(r, pa, "P5", a, e);
      dma_sync_single_for_cpu(r.dev, dma, e - a, DMA_FROM_DEVICE);
      const v = views(r, va, pa);
      expect(v.cpu).toEqual(expected([["P1", a], ["P5", e], ["P1", 4 * L]]));
      dma_unmap_single(r.dev, dma, e - a, DMA_FROM_DEVICE);
    });

    it("sync_for_device TO_DEVICE after the CPU rewrote the buffer: the device reads the new bytes", () => {
      const va = freshPage(r);
      const pa = prime(r, va);
      const dma = dma_map_single(r.dev, va + a, e - a, DMA_TO_DEVICE);
      r.s.machine.cpu.write(va + a, pattern("P5", e - a, a));
      dma_sync_single_for_device(r.dev, dma, e - a, DMA_TO_DEVICE);
      const v = views(r, va, pa);
      expect(v.device).toEqual(expected([["P1", a], ["P5", e], ["P1", 4 * L]]));
      dma_unmap_single(r.dev, dma, e - a, DMA_TO_DEVICE);
    });

    it("dma_map_page with an offset past the first page maintains the lines at page + offset", () => {
      const mm = r.s.kernel.mm;
      const base = r.s.kernel.kmalloc(8192, GFP_KERNEL);
      const va = base + 4096;
      const pa = prime(r, va);
      const pfn = mm.virt_to_pfn(base);
      const dma = dma_map_page(r.dev, pfn, 4096 + a, e - a, DMA_FROM_DEVICE);
      expect(dma).toBe(pa + a);
      deviceWrites(r, pa, "W", a, e);
      dma_unmap_page(r.dev, dma, e - a, DMA_FROM_DEVICE);
      const want = expected([["P1", a], ["W", e], ["P1", 4 * L]]);
      expect(views(r, va, pa).cpu).toEqual(want);
    });

    it("an sg list whose two entries share a cache line", () => {
      const va = freshPage(r);
      const pa = prime(r, va);
      const mid = L + L / 4; // entry 0 ends, entry 1 starts, inside line 1
      const sgl = sg_alloc(2);
      sg_set_buf(sgl[0], va + a, mid - a);
      sg_set_buf(sgl[1], va + mid, e - mid);
      expect(dma_map_sg(r.dev, sgl, 2, DMA_FROM_DEVICE)).toBe(2);
      expect([sg_dma_address(sgl[0]), sg_dma_address(sgl[1])]).toEqual([pa + a, pa + mid]);
      // Entry 0's invalidate writes lines 0 and 1 back (its edges); entry 1's finds line 1 gone,
      // writes line 3 back and discards line 2. Modern arm64 cleans all four.
      const atMap = arm64 && r.version === "modern"
        ? expected([["P1", 4 * L]])
        : expected([["P1", 2 * L], ["D", 3 * L], ["P1", 4 * L]]);
      expect(r.s.machine.backdoor.read(pa, 4 * L)).toEqual(atMap);
      deviceWrites(r, pa, "W", a, e);
      dma_unmap_sg(r.dev, sgl, 2, DMA_FROM_DEVICE);
      expect(views(r, va, pa).cpu).toEqual(expected([["P1", a], ["W", e], ["P1", 4 * L]]));
    });

    it("dma_alloc_coherent: a page with dirty lines comes back zero to the device, through its mapping and through the linear alias", () => {
      const mm = r.s.kernel.mm;
      const pfn = mm.alloc_pages(GFP_KERNEL, 0);
      const lin = mm.page_address(pfn);
      const pa = prime(r, lin);
      mm.__free_pages(pfn, 0);
      const buf = dma_alloc_coherent(r.dev, 4096, GFP_KERNEL)!;
      expect(buf.dmaAddr).toBe(pa);
      const zero = new Uint8Array(4 * L);
      expect(r.s.machine.backdoor.read(pa, 4 * L)).toEqual(zero);
      expect(r.s.machine.cpu.read(buf.cpuAddr, 4 * L)).toEqual(zero);
      // Modern arm64 follows the spec's arch_dma_prep_coherent (a clean, §5.2): the alias keeps
      // its lines, so only the 4.9 and arm flushes leave nothing behind. The kept lines hold
      // what the CPU wrote before (P1, now clean), not the zeroes written through the remap.
      if (!(arm64 && r.version === "modern")) expect(r.s.machine.cpu.read(lin, 4 * L)).toEqual(zero);
      else {
        for (let x = 0; x < 4 * L; x += L) expect(r.s.machine.backdoor.lineState(1, pa + x) & 3).toBe(1);
        expect(r.s.machine.cpu.read(lin, 4 * L)).toEqual(pattern("P1", 4 * L));
      }
      dma_free_coherent(r.dev, 4096, buf.cpuAddr, buf.dmaAddr);
    });
  });
}

describe("a zero-length mapping still maintains the line holding its address", () => {
  // dcache_by_line_op (arm64) and v7_dma_clean_range test the loop condition after the first
  // DC instruction; l2c210_clean_range rounds the start down and tests before the first register
  // write, so the PL310 cleans the line only when the address is not line-aligned.
  for (const config of CONFIGS) {
    it(`${config}: map TO_DEVICE of 0 bytes cleans one L1 line`, async () => {
      const r = await rig(config);
      const L = r.L;
      for (const off of [L, L + 8]) {
        const va = freshPage(r);
        const pa = prime(r, va);
        dma_map_single(r.dev, va + off, 0, DMA_TO_DEVICE);
        const v = views(r, va, pa);
        const reachesDram = !r.zynq || off % L !== 0;
        expect(v.device).toEqual(reachesDram ? expected([["D", L], ["P1", 2 * L], ["D", 4 * L]]) : expected([["D", 4 * L]]));
        expect(v.cpu).toEqual(expected([["P1", 4 * L]]));
      }
      r.s.dispose();
    });
  }
});

describe("highmem pages (Zynq with 1 GiB: lowmem ends at 768 MiB)", () => {
  // dma_cache_maint_page maps each highmem page with kmap_atomic and runs the L1 op through
  // that mapping, one page at a time; the PL310 works by physical address anyway.
  for (const config of ["zynq-7000 v4.9", "zynq-7000 modern"] as const) {
    it(`${config}: a buffer across two highmem pages is maintained like a lowmem one`, async () => {
      const r = await rig(config, "1G");
      const { s, L } = r;
      const mm = s.kernel.mm;
      const pfn = mm.alloc_pages(GFP_KERNEL | __GFP_HIGHMEM, 1);
      expect([mm.PageHighMem(pfn), mm.PageHighMem(pfn + 1)]).toEqual([true, true]);
      const vm = mm.vmap([pfn, pfn + 1], "kernel", VM_MAP, "test")!;
      const win = 4096 - 2 * L; // lines 0-1 in the first page, 2-3 in the second
      const a = (3 * L) / 8;
      const e = 3 * L + L / 8;
      for (const dir of [DMA_TO_DEVICE, DMA_FROM_DEVICE] as const) {
        const pa = prime(r, vm + win, pfn * 4096 + win);
        const dma = dma_map_page(r.dev, pfn, win + a, e - a, dir);
        expect(dma).toBe(pa + a);
        const atMap = dir === DMA_TO_DEVICE ? expected([["P1", 4 * L]]) : expected([["P1", L], ["D", 3 * L], ["P1", 4 * L]]);
        expect(s.machine.backdoor.read(pa, 4 * L)).toEqual(atMap);
        deviceWrites(r, pa, "W", a, e);
        dma_unmap_page(r.dev, dma, e - a, dir);
        const cpu = dir === DMA_TO_DEVICE ? expected([["P1", 4 * L]]) : expected([["P1", a], ["W", e], ["P1", 4 * L]]);
        expect(s.machine.cpu.read(vm + win, 4 * L)).toEqual(cpu);
      }
      s.dispose();
    });
  }
});
