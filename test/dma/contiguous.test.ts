// Coherent allocations from CMA (spec dma-api §5.1–5.3, mmu-cache §3.5): the default area of
// cma= and the areas of reusable /reserved-memory pools, on each arch and kernel generation.
// A 16 MiB buffer is four times the largest buddy block, so without CMA it cannot be had.

import { describe, expect, it } from "vitest";
import { zynqWithReservedMemory } from "../helpers/reserved-memory-board.js";
import { createSystem } from "../../src/create.js";
import { dma_alloc_coherent, dma_free_coherent } from "../../src/dma/mapping.js";
import { of_reserved_mem_device_init } from "../../src/of/reserved-mem.js";
import { GFP_ATOMIC, GFP_KERNEL } from "../../src/mm/gfp.js";
import type { System } from "../../src/system.js";
import type { WalkResult } from "../../src/hw/machine.js";

const MiB = 2 ** 20;
const BOARDS = [
  { board: "zynq-7000", dmac: "f8003000.dma-controller" },
  { board: "arm64-ref", dmac: "ff6e0000.dma-controller" },
] as const;
const KERNELS = ["modern", "v4.9"] as const;

function area(s: System, i = 0) {
  const c = s.kernel.mm.cma.areas[i];
  return { base: c.basePfn * 4096, end: (c.basePfn + c.count) * 4096 };
}

const inside = (a: { base: number; end: number }, pa: number, size = 1) => pa >= a.base && pa + size <= a.end;

describe("the default area from the cma option", () => {
  for (const { board, dmac } of BOARDS) {
    for (const kernel of KERNELS) {
      it(`${board} ${kernel}: a 16 MiB coherent buffer fails without CMA and comes from the area with it`, async () => {
        const plain = await createSystem({ board, kernel });
        expect(dma_alloc_coherent(plain.device(dmac)!, 16 * MiB, GFP_KERNEL)).toBeNull();
        expect(plain.kernel.mm.cma.areas).toEqual([]);

        const s = await createSystem({ board, kernel, cma: "64M" });
        const a = area(s);
        expect(a.end - a.base).toBe(64 * MiB);
        const pa = "0x" + a.base.toString(16).padStart(board === "arm64-ref" ? 16 : 8, "0");
        expect(s.kernel.printk.grep("cma: Reserved")).toEqual([`cma: Reserved 64 MiB at ${pa}${kernel === "modern" ? " on node -1" : ""}`]);
        // Below the allocation limit: arm's lowmem (512 MiB of RAM from 0), arm64's 4 GiB.
        expect(a.end).toBeLessThanOrEqual(board === "arm64-ref" ? 2 ** 32 : 512 * MiB);
        const dev = s.device(dmac)!;
        const buf = dma_alloc_coherent(dev, 16 * MiB, GFP_KERNEL)!;
        expect(buf).not.toBeNull();
        expect(inside(a, buf.dmaAddr, 16 * MiB)).toBe(true);
        expect(buf.dmaAddr % MiB).toBe(0); // order 12 asked, CONFIG_CMA_ALIGNMENT caps it at 8
        expect(s.cpu.read(buf.cpuAddr + 16 * MiB - 4096, 4096)).toEqual(new Uint8Array(4096));
        // The CPU's writes reach DRAM with no cache maintenance: the buffer is uncached.
        s.cpu.write(buf.cpuAddr + 12345, Uint8Array.of(9, 8, 7, 6));
        expect(s.machine.backdoor.read(buf.dmaAddr + 12345, 4)).toEqual(Uint8Array.of(9, 8, 7, 6));
        dma_free_coherent(dev, 16 * MiB, buf.cpuAddr, buf.dmaAddr);
        const again = dma_alloc_coherent(dev, 16 * MiB, GFP_KERNEL)!;
        expect(again.dmaAddr).toBe(buf.dmaAddr);
      });
    }
  }

  it("places arm64's area below 4 GiB when RAM goes beyond it", async () => {
    const s = await createSystem({ board: "arm64-highmem", cma: "64M" });
    expect(area(s).end).toBeLessThanOrEqual(2 ** 32);
  });

  // The atomic pools come from the default area: first fit from its bottom. The areas, placed
  // as Linux orders boot:
  // - Zynq (512 MiB from 0): arm_memblock_init reserves it before paging_init, when only the
  //   image and swapper_pg_dir (both at the bottom of RAM) are taken: 64 MiB top-down, 4 MiB
  //   aligned, ends at the end of RAM: 0x20000000 - 0x4000000 = 0x1c000000.
  // - arm64-ref 4.9 (RAM 0x40000000..0x80000000): arm64_memblock_init, before paging_init, only
  //   the image taken: 0x80000000 - 0x4000000 = 0x7c000000.
  // - arm64-ref modern: bootmem_init, after paging_init and sparse_init took from the top:
  //   two table pages (0x7ffff000 image, 0x7fffe000 linear map), the mem_section roots
  //   (8192 × 8 = 64 KiB at 0x7ffee000), one section root page (0x7ffed000), the usemaps
  //   (8 × 56 = 448 bytes, 64-aligned: 0x7ffed000 - 0x1c0 = 0x7ffece40), then the 16 MiB
  //   vmemmap buffer (8 sections × 2 MiB, 2 MiB aligned below 0x7ffece40: 0x7ee00000). The
  //   area, 2 MiB aligned below it: 0x7ee00000 - 0x4000000 = 0x7ae00000.
  for (const kernel of KERNELS) {
    it(`zynq-7000 ${kernel}: the 256 KB atomic pool is the area's first 256 KB, mapped in place`, async () => {
      const s = await createSystem({ board: "zynq-7000", kernel, cma: "64M" });
      expect(area(s)).toEqual({ base: 0x1c000000, end: 0x20000000 });
      // The pool's 64 pages at boot, then the PL330 probe's one-page microcode buffer.
      expect(s.kernel.mm.cma.freePages).toBe(16384 - 64 - 1);
      const dev = s.device("f8003000.dma-controller")!;
      const atomic = dma_alloc_coherent(dev, 8192, GFP_ATOMIC)!;
      expect(atomic.dmaAddr).toBe(0x1c000000);
      // Lowmem CMA pages keep their linear address, remapped non-cacheable like any CMA buffer.
      expect(atomic.cpuAddr).toBe(s.kernel.mm.phys_to_virt(0x1c000000));
      const big = dma_alloc_coherent(dev, 16 * MiB, GFP_KERNEL)!;
      expect(big.dmaAddr).toBe(0x1c100000); // the next 1 MiB-aligned run after the pool
      expect(s.machine.mmu.translate(atomic.cpuAddr)).toEqual({ pa: 0x1c000000, attr: (s.machine.mmu.translate(big.cpuAddr) as WalkResult & { attr: number }).attr });
      expect(s.dmesg()).toContain("DMA: preallocated 256 KiB pool for atomic coherent allocations");
    });
  }

  it("arm64 4.9: the 256 KB pool from the area, remapped in vmalloc", async () => {
    const s = await createSystem({ board: "arm64-ref", kernel: "v4.9", cma: "64M" });
    expect(area(s)).toEqual({ base: 0x7c000000, end: 0x80000000 });
    expect(s.kernel.mm.cma.freePages).toBe(16384 - 64 - 1); // the pool, then the PL330's microcode page
    const buf = dma_alloc_coherent(s.device("ff6e0000.dma-controller")!, 8192, GFP_ATOMIC)!;
    expect(buf.dmaAddr).toBe(0x7c000000);
    expect(s.kernel.dma.legacyPool!.has(buf.cpuAddr, 8192)).toBe(true);
    expect(s.machine.mmu.translate(buf.cpuAddr)).toMatchObject({ pa: 0x7c000000 });
  });

  it("arm64 modern: the 128 KB DMA pool, the only one (all RAM is ZONE_DMA), from the area", async () => {
    const s = await createSystem({ board: "arm64-ref", cma: "64M" });
    expect(area(s)).toEqual({ base: 0x7ae00000, end: 0x7ee00000 });
    expect(s.kernel.mm.cma.freePages).toBe(16384 - 32); // one page never comes from the default area
    const buf = dma_alloc_coherent(s.device("ff6e0000.dma-controller")!, 8192, GFP_ATOMIC)!;
    expect(buf.dmaAddr).toBe(0x7ae00000);
  });

  it("modern arm64 skips the default area for one page; 4.9 arm64 does not", async () => {
    const modern = await createSystem({ board: "arm64-ref", cma: "64M" });
    expect(inside(area(modern), dma_alloc_coherent(modern.device("ff6e0000.dma-controller")!, 4096, GFP_KERNEL)!.dmaAddr)).toBe(false);
    expect(inside(area(modern), dma_alloc_coherent(modern.device("ff6e0000.dma-controller")!, 8192, GFP_KERNEL)!.dmaAddr)).toBe(true);
    const old = await createSystem({ board: "arm64-ref", kernel: "v4.9", cma: "64M" });
    expect(inside(area(old), dma_alloc_coherent(old.device("ff6e0000.dma-controller")!, 4096, GFP_KERNEL)!.dmaAddr)).toBe(true);
  });

  it("arm: the area's linear map is 4 KB pages; an allocation turns them Normal-NC in place and freeing turns them back", async () => {
    for (const kernel of KERNELS) {
      const s = await createSystem({ board: "zynq-7000", kernel, cma: "64M" });
      const mm = s.kernel.mm;
      const a = area(s);
      const walk = (va: number) => s.machine.mmu.walk(va) as WalkResult;
      expect(walk(mm.phys_to_virt(a.base)).size).toBe(4096);
      expect(walk(mm.phys_to_virt(a.base - MiB)).size).toBe(MiB); // outside: sections
      const dev = s.device("f8003000.dma-controller")!;
      const buf = dma_alloc_coherent(dev, 16 * MiB, GFP_KERNEL)!;
      expect(buf.cpuAddr).toBe(mm.phys_to_virt(buf.dmaAddr)); // no second alias
      for (const off of [0, 8 * MiB, 16 * MiB - 4096]) {
        const w = walk(buf.cpuAddr + off);
        // mmu-cache §3.4: small page S|AP0|B|XN = 0x417, TEX remap index 1 (BUFFERABLE).
        expect([w.pa, Number(w.descriptor) & 0xfff, w.memAttr]).toEqual([buf.dmaAddr + off, 0x417, 1]);
      }
      dma_free_coherent(dev, 16 * MiB, buf.cpuAddr, buf.dmaAddr);
      const w = walk(buf.cpuAddr);
      // PAGE_KERNEL: S|TEX0|AP0|C|B|XN = 0x45f, index 7 (WRITEALLOC).
      expect([Number(w.descriptor) & 0xfff, w.memAttr]).toEqual([0x45f, 7]);
    }
  });

  it("memcpy: an area too small for the copy's buffers is named in the -ENOMEM message", async () => {
    const s = await createSystem({ board: "zynq-7000", cma: "8M" });
    // 8 MiB per channel: two 4 MiB segments, each needing a source and a destination (16 MiB).
    expect(() => s.run("memcpy", { size: "8M" })).toThrow(/the CMA area reserved \(8 MiB\) serves this device: a larger cma= may help/);
  });

  it("rejects a size that is not one", async () => {
    await expect(createSystem({ board: "zynq-7000", cma: "lots" })).rejects.toThrow(/cma: not a size/);
  });
});

// A Zynq with reusable pools: the default one, a device's own one, and bad ones.
const dts = (pools: string, dmacRegion?: string) => zynqWithReservedMemory({ reserved: pools, dmacProps: dmacRegion, model: "cma test" });
const DMAC = "f8003000.dma-controller";

describe("areas from /reserved-memory", () => {
  it("a linux,cma-default pool is the default area", async () => {
    for (const kernel of KERNELS) {
      const s = await createSystem({ kernel, dts: dts(`linux,cma@10000000 { compatible = "shared-dma-pool"; reusable; reg = <0x10000000 0x2000000>; linux,cma-default; };`) });
      expect(s.kernel.printk.grep("CMA memory pool")).toEqual(["Reserved memory: created CMA memory pool at 0x10000000, size 32 MiB"]);
      const buf = dma_alloc_coherent(s.device(DMAC)!, 16 * MiB, GFP_KERNEL)!;
      expect(inside({ base: 0x10000000, end: 0x12000000 }, buf.dmaAddr, 16 * MiB)).toBe(true);
    }
  });

  it("a pool named by memory-region is that device's own area, used even for one page", async () => {
    const s = await createSystem({
      dts: dts(`mine: pool@10000000 { compatible = "shared-dma-pool"; reusable; reg = <0x10000000 0x1000000>; };`, "memory-region = <&mine>;"),
      cma: "16M",
    });
    const dev = s.device(DMAC)!;
    expect(s.kernel.mm.cma.areas.length).toBe(2);
    expect(of_reserved_mem_device_init(dev)).toBe(0);
    const buf = dma_alloc_coherent(dev, 4096, GFP_KERNEL)!;
    expect(buf.dmaAddr).toBe(0x10000000);
  });

  it("refuses a misaligned or no-map reusable pool: no area, the range given back on modern kernels", async () => {
    for (const kernel of KERNELS) {
      const s = await createSystem({ kernel, dts: dts(`linux,cma@10100000 { compatible = "shared-dma-pool"; reusable; reg = <0x10100000 0x1000000>; linux,cma-default; };`) });
      expect(s.kernel.printk.grep("CMA region")).toEqual(["Reserved memory: incorrect alignment of CMA region"]);
      expect(s.kernel.mm.cma.areas).toEqual([]);
      expect(dma_alloc_coherent(s.device(DMAC)!, 16 * MiB, GFP_KERNEL)).toBeNull();
      expect(s.kernel.printk.grep("compatible matching fail").length).toBe(kernel === "modern" ? 1 : 0);
    }
    const nomap = await createSystem({ dts: dts(`linux,cma@10000000 { compatible = "shared-dma-pool"; reusable; no-map; reg = <0x10000000 0x1000000>; };`) });
    expect(nomap.kernel.mm.cma.areas).toEqual([]);
  });

  it("modern kernels prefer cma= to a linux,cma-default node; 4.9 keeps the node's area", async () => {
    const node = `linux,cma@10000000 { compatible = "shared-dma-pool"; reusable; reg = <0x10000000 0x2000000>; linux,cma-default; };`;
    const modern = await createSystem({ dts: dts(node), cma: "16M" });
    expect(modern.kernel.printk.grep("bypass")).toEqual(["Reserved memory: bypass linux,cma@10000000 node, using cmdline CMA params instead"]);
    expect(modern.kernel.mm.cma.defaultArea!.count * 4096).toBe(16 * MiB);
    const old = await createSystem({ kernel: "v4.9", dts: dts(node), cma: "16M" });
    expect(old.kernel.mm.cma.defaultArea!.basePfn * 4096).toBe(0x10000000);
    expect(old.kernel.mm.cma.areas.length).toBe(1);
  });
});
