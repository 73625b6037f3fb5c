// /reserved-memory regions as boot reserves them (fdt_scan_reserved_mem, fdt_init_reserved_mem)
// and as drivers claim them (of_reserved_mem_device_init): a no-map shared-dma-pool leaves the
// page allocator and the linear map; devices get it by memory-region or the kernel's errors;
// reusable pools become CMA areas (size-only regions: reserved-mem-alloc.test.ts).

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { of_reserved_mem_device_init, of_reserved_mem_device_init_by_idx, of_reserved_mem_device_release } from "../../src/of/reserved-mem.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { dma_alloc_coherent } from "../../src/dma/mapping.js";
import { zynqWithReservedMemory, drainPageAllocator } from "../helpers/reserved-memory-board.js";
import type { System } from "../../src/system.js";

// The pool this file's board carves out of its 512 MiB: 1 MiB at 256 MiB.
const POOL_BASE = 0x10000000;
const POOL_SIZE = 0x100000;


const zynqDts = (reserved: string, dmacProps?: string, uartProps?: string) =>
  zynqWithReservedMemory({ reserved, dmacProps, uartProps: uartProps ?? "", model: "reserved-memory pool test" });

const POOL = `dma_pool: pool@10000000 { compatible = "shared-dma-pool"; reg = <0x10000000 0x100000>; no-map; };`;
const FW = `fw: fw@11000000 { reg = <0x11000000 0x100000>; no-map; };`;

function availableKiB(s: System): number {
  return Number(/Memory: (\d+)K\//.exec(s.kernel.printk.grep("Memory: ")[0])![1]);
}


describe("a no-map shared-dma-pool at boot", () => {
  it("leaves the page allocator: 1024K less available, and no page comes from it", async () => {
    const without = await createSystem({ dts: zynqDts("") });
    const s = await createSystem({ dts: zynqDts(POOL) });
    expect(availableKiB(s)).toBe(availableKiB(without) - POOL_SIZE / 1024);
    const pfns = drainPageAllocator(s);
    expect(pfns.length).toBeGreaterThan(100000);
    expect(pfns.filter((p) => p * 4096 >= POOL_BASE && p * 4096 < POOL_BASE + POOL_SIZE)).toEqual([]);
  });

  it("leaves the linear map, around it RAM stays mapped", async () => {
    const s = await createSystem({ dts: zynqDts(POOL) });
    const va = (pa: number) => s.kernel.mm.phys_to_virt(pa);
    expect(s.machine.mmu.translate(va(POOL_BASE))).toMatchObject({ fault: 1 });
    expect(s.machine.mmu.translate(va(POOL_BASE + POOL_SIZE - 4096))).toMatchObject({ fault: 1 });
    expect(s.machine.mmu.translate(va(POOL_BASE - 4096))).toEqual({ pa: POOL_BASE - 4096, attr: 0 });
    expect(s.machine.mmu.translate(va(POOL_BASE + POOL_SIZE))).toEqual({ pa: POOL_BASE + POOL_SIZE, attr: 0 });
  });

  it("cuts the linear map to pages around a pool that is not MB aligned", async () => {
    const s = await createSystem({ dts: zynqDts(`p: pool@10010000 { compatible = "shared-dma-pool"; reg = <0x10010000 0x8000>; no-map; };`) });
    const va = (pa: number) => s.kernel.mm.phys_to_virt(pa);
    expect(s.machine.mmu.translate(va(0x10010000))).toMatchObject({ fault: 1 });
    expect(s.machine.mmu.translate(va(0x10017000))).toMatchObject({ fault: 1 });
    for (const pa of [0x10000000, 0x1000f000, 0x10018000, 0x101ff000, 0x10200000]) {
      expect(s.machine.mmu.translate(va(pa))).toEqual({ pa, attr: 0 });
    }
  });

  it("is remembered as a reserved-mem region and announced", async () => {
    const s = await createSystem({ dts: zynqDts(POOL) });
    expect(s.kernel.reservedMem.map((r) => [r.name, r.base, r.size])).toEqual([["pool@10000000", POOL_BASE, POOL_SIZE]]);
    expect(s.dmesg()).toContain("Reserved memory: created DMA memory pool at 0x10000000, size 1 MiB");
    expect(s.dmesg()).toContain("OF: reserved mem: initialized node pool@10000000, compatible id shared-dma-pool");
  });

  it("4.9 memblock_remove()s it: the total drops as well", async () => {
    const without = await createSystem({ dts: zynqDts(""), kernel: "v4.9" });
    const s = await createSystem({ dts: zynqDts(POOL), kernel: "v4.9" });
    const total = (x: System) => Number(/Memory: \d+K\/(\d+)K/.exec(x.kernel.printk.grep("Memory: ")[0])![1]);
    expect(total(s)).toBe(total(without) - 1024);
    expect(availableKiB(s)).toBe(availableKiB(without) - 1024);
  });
});

describe("of_reserved_mem_device_init", () => {
  it("assigns the pool named by memory-region; 0", async () => {
    const s = await createSystem({ dts: zynqDts(POOL, "memory-region = <&dma_pool>;") });
    const dev = s.device("f8003000.dma-controller");
    expect(of_reserved_mem_device_init(dev)).toBe(0);
    expect(s.dmesg()).toContain("dma-pl330 f8003000.dma-controller: assigned reserved memory node pool@10000000");
  });

  it("-ENODEV for a device without memory-region, -EINVAL for a region without pool ops", async () => {
    const s = await createSystem({ dts: zynqDts(`${POOL} ${FW}`, "memory-region = <&fw>;") });
    expect(of_reserved_mem_device_init(s.device("e0001000.serial"))).toBe(-19);
    const dmac = s.device("f8003000.dma-controller");
    expect(of_reserved_mem_device_init(dmac)).toBe(-22);
    expect(of_reserved_mem_device_init_by_idx(dmac, dmac.ofNode, 1)).toBe(-19); // one entry only
  });

  it("by index: the second memory-region entry", async () => {
    const s = await createSystem({ dts: zynqDts(`${POOL} ${FW}`, "memory-region = <&fw>, <&dma_pool>;") });
    const dmac = s.device("f8003000.dma-controller");
    expect(of_reserved_mem_device_init_by_idx(dmac, dmac.ofNode, 1)).toBe(0);
  });

  it("arm refuses a shared-dma-pool without no-map; modern gives the region back to the page allocator", async () => {
    const without = await createSystem({ dts: zynqDts("") });
    const s = await createSystem({
      dts: zynqDts(`mapped: pool@10000000 { compatible = "shared-dma-pool"; reg = <0x10000000 0x100000>; };`, "memory-region = <&mapped>;"),
    });
    expect(s.dmesg()).toContain("Reserved memory: regions without no-map are not yet supported");
    expect(availableKiB(s)).toBe(availableKiB(without));
    expect(of_reserved_mem_device_init(s.device("f8003000.dma-controller"))).toBe(-22);
  });

  it("release: the device's coherent allocations come from the page allocator again", async () => {
    const s = await createSystem({ dts: zynqDts(POOL, "memory-region = <&dma_pool>;") });
    const dev = s.device("f8003000.dma-controller");
    expect(of_reserved_mem_device_init(dev)).toBe(0);
    of_reserved_mem_device_release(dev);
    const buf = dma_alloc_coherent(dev, 4096, GFP_KERNEL)!;
    expect(buf.dmaAddr < POOL_BASE || buf.dmaAddr >= POOL_BASE + POOL_SIZE).toBe(true);
  });
});

describe("reusable (CMA) pools", () => {
  it("become CMA areas: counted as available, kept from the buddy allocator, mapped, and given to the device", async () => {
    const without = await createSystem({ dts: zynqDts("") });
    const cma = `cma: linux,cma@18000000 { compatible = "shared-dma-pool"; reusable; reg = <0x18000000 0x400000>; linux,cma-default; };`;
    const s = await createSystem({ dts: zynqDts(cma, "memory-region = <&cma>;") });
    const line = s.kernel.printk.dmesg().find((l) => l.text.includes("CMA memory pool"));
    expect(line?.level).toBe(6); // KERN_INFO
    expect(line?.text).toBe("Reserved memory: created CMA memory pool at 0x18000000, size 4 MiB");
    // Less only the two page-table pages that map its 4 MiB with 4 KB pages (one per 2 MiB).
    expect(availableKiB(s)).toBe(availableKiB(without) - 8);
    expect(drainPageAllocator(s).filter((p) => p * 4096 >= 0x18000000 && p * 4096 < 0x18400000)).toEqual([]);
    // Its first page holds the PL330's microcode buffer (remapped Normal-NC); the rest is cacheable.
    expect(s.machine.mmu.translate(s.kernel.mm.phys_to_virt(0x18100000))).toEqual({ pa: 0x18100000, attr: 0 });
    const dev = s.device("f8003000.dma-controller");
    expect(of_reserved_mem_device_init(dev)).toBe(0);
    expect(dev.cma_area?.basePfn).toBe(0x18000);
  });
});
