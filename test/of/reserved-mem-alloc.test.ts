// /reserved-memory regions placed at boot (__reserved_mem_alloc_size): a child with `size` and
// no `reg` gets memory top down — inside its alloc-ranges windows, else anywhere in RAM — once
// the fixed regions are reserved, aligned to its `alignment` or to the CMA minimum for a CMA
// candidate. Expected bases are worked out by hand on a Zynq with 512 MiB of RAM at 0, whose
// top 16 KB already hold dmasim's first-level page table at that point of boot (Linux keeps
// swapper_pg_dir below the kernel image instead).

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { of_reserved_mem_device_init } from "../../src/of/reserved-mem.js";
import { dma_alloc_coherent } from "../../src/dma/mapping.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { zynqWithReservedMemory, drainPageAllocator } from "../helpers/reserved-memory-board.js";
import type { System } from "../../src/system.js";

const MiB = 2 ** 20;
const KERNELS = ["modern", "v4.9"] as const;


const board = (reserved: string, dmacProps?: string) => zynqWithReservedMemory({ reserved, dmacProps, model: "placed reserved-memory test" });
const region = (s: System, name: string) => s.kernel.reservedMem.find((r) => r.name === name);


describe("a size-only CMA node (how boards declare linux,cma)", () => {
  for (const kernel of KERNELS) {
    it(`${kernel}: becomes the default CMA area at the top of RAM and serves a 16 MiB buffer`, async () => {
      const node = `linux,cma { compatible = "shared-dma-pool"; reusable; size = <0x4000000>; linux,cma-default; };`;
      const s = await createSystem({ dts: board(node), kernel });
      // 64 MiB, 4 MiB aligned, top-down from the end of RAM (512 MiB): only the image and
      // swapper_pg_dir, at the bottom, are taken before arm_memblock_init: 448 MiB.
      expect(region(s, "linux,cma")).toMatchObject({ base: 0x1c000000, size: 64 * MiB });
      const cma = s.kernel.mm.cma.defaultArea!;
      expect([cma.basePfn * 4096, cma.count * 4096]).toEqual([0x1c000000, 64 * MiB]);
      expect(s.kernel.printk.grep("OF: reserved mem").concat(s.kernel.printk.grep("Reserved memory"))).toEqual([
        "OF: reserved mem: initialized node linux,cma, compatible id shared-dma-pool",
        "Reserved memory: created CMA memory pool at 0x1c000000, size 64 MiB",
      ]);
      expect(s.kernel.printk.grep("not modelled")).toEqual([]);
      const buf = dma_alloc_coherent(s.device("f8003000.dma-controller")!, 16 * MiB, GFP_KERNEL)!;
      expect(buf.dmaAddr >= 0x1c000000 && buf.dmaAddr + 16 * MiB <= 0x20000000).toBe(true);
    });
  }

  it("a device whose memory-region names it allocates from it", async () => {
    const node = `cma: pool { compatible = "shared-dma-pool"; reusable; size = <0x800000>; alloc-ranges = <0x10000000 0x1000000>; };`;
    const s = await createSystem({ dts: board(node, "memory-region = <&cma>;") });
    // 8 MiB top-down in [256 MiB, 272 MiB): 264 MiB.
    expect(region(s, "pool")).toMatchObject({ base: 0x10800000, size: 8 * MiB });
    const dev = s.device("f8003000.dma-controller")!;
    expect(of_reserved_mem_device_init(dev)).toBe(0);
    expect(dev.cma_area?.basePfn).toBe(0x10800);
    expect(s.kernel.mm.cma.defaultArea).toBeNull();
  });
});

describe("plain size-only regions", () => {
  it("alloc-ranges, alignment and no-map: top-down in the first window that fits, out of the linear map", async () => {
    // The first window (1 MiB) cannot hold 2 MiB; the second one can: 2 MiB aligned below 0x0a000000.
    const node = `fw { size = <0x200000>; alignment = <0x200000>; alloc-ranges = <0x07000000 0x100000>, <0x08000000 0x02000000>; no-map; };`;
    const s = await createSystem({ dts: board(node) });
    expect(region(s, "fw")).toMatchObject({ base: 0x09e00000, size: 2 * MiB });
    const va = (pa: number) => s.kernel.mm.phys_to_virt(pa);
    expect(s.machine.mmu.translate(va(0x09e00000))).toMatchObject({ fault: 1 });
    expect(s.machine.mmu.translate(va(0x09e00000 - 4096))).toEqual({ pa: 0x09e00000 - 4096, attr: 0 });
    expect(drainPageAllocator(s).filter((p) => p >= 0x9e00 && p < 0xa000)).toEqual([]);
  });

  it("4.9 raises any shared-dma-pool to the CMA minimum; modern only a reusable one", async () => {
    const node = `pool { compatible = "shared-dma-pool"; size = <0x100000>; no-map; alloc-ranges = <0x08000000 0x00a00000>; };`;
    const modern = await createSystem({ dts: board(node), kernel: "modern" });
    const old = await createSystem({ dts: board(node), kernel: "v4.9" });
    expect(region(modern, "pool")?.base).toBe(0x08900000); // SMP_CACHE_BYTES: right below 0x08a00000
    expect(region(old, "pool")?.base).toBe(0x08800000); // 4 MiB aligned
  });

  it("modern fills a window that starts at a fixed region bottom-up; 4.9 always top-down", async () => {
    const nodes = `fw@11000000 { reg = <0x11000000 0x100000>; no-map; }; buf { size = <0x100000>; alloc-ranges = <0x11100000 0x1000000>; };`;
    const modern = await createSystem({ dts: board(nodes), kernel: "modern" });
    const old = await createSystem({ dts: board(nodes), kernel: "v4.9" });
    expect(region(modern, "buf")?.base).toBe(0x11100000);
    expect(region(old, "buf")?.base).toBe(0x12000000);
  });

  it("a region that does not fit is reported, in each kernel's words, and not recorded", async () => {
    const node = `big { size = <0x40000000>; };`;
    const modern = await createSystem({ dts: board(node), kernel: "modern" });
    expect(modern.kernel.printk.grep("failed to allocate")).toEqual(["OF: reserved mem: failed to allocate memory for node 'big': size 1024 MiB"]);
    expect(modern.kernel.printk.dmesg().find((l) => l.text.includes("failed to allocate"))?.level).toBe(3);
    const old = await createSystem({ dts: board(node), kernel: "v4.9" });
    expect(old.kernel.printk.grep("failed to allocate")).toEqual(["OF: reserved mem: failed to allocate memory for node 'big'"]);
    expect(old.kernel.printk.dmesg().find((l) => l.text.includes("failed to allocate"))?.level).toBe(6);
    expect(region(modern, "big")).toBeUndefined();
    expect(region(old, "big")).toBeUndefined();
  });

  it("a size property of the wrong length is refused", async () => {
    const s = await createSystem({ dts: board(`odd { size = <0x0 0x100000>; };`) });
    expect(s.kernel.printk.grep("invalid size")).toEqual(["OF: reserved mem: invalid size property in 'odd' node."]);
    expect(region(s, "odd")).toBeUndefined();
  });
});
