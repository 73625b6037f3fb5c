// The kernel's address arithmetic on a booted system (kernel-addresses.ts): the VA layouts of
// both generations, the linear-map and kernel-image conversions, and how far lowmem reaches on a
// 1 GB Zynq.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { toVirt } from "../../src/hw/address.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";

describe("kernel layouts and conversions", () => {
  it("arm64 4.9: linear map at 0xffffffc0…, image at 0xffffff8008080000", async () => {
    const s = await createSystem({ board: "arm64-ref", kernel: "v4.9" });
    const mm = s.kernel.mm;
    expect(mm.phys_to_virt(0x40000000)).toBe(toVirt(0xffffffc000000000n));
    expect(mm.virt_to_phys(toVirt(0xffffffc000123456n))).toBe(0x40123456);
    // __virt_to_phys of a kernel image address goes through kimage_voffset.
    expect(mm.virt_to_phys(toVirt(0xffffff8008080010n))).toBe(0x40080010);
    expect(s.machine.mmu.walk(toVirt(0xffffff8008080000n))).toMatchObject({ pa: 0x40080000 });
    expect(mm.layout.vmallocStart).toBe(toVirt(0xffffff8008000000n));
    expect(mm.layout.vmallocEnd).toBe(toVirt(0xffffffbebfff0000n));
  });

  it("arm64 modern: the flipped layout, linear map at 0xffffff80…", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const mm = s.kernel.mm;
    expect(mm.phys_to_virt(0x40000000)).toBe(toVirt(0xffffff8000000000n));
    expect(mm.isLinear(toVirt(0xffffff803fffffffn))).toBe(true);
    expect(mm.isVmalloc(toVirt(0xffffffc080000000n))).toBe(true);
  });

  it("arm: lowmem from 0xc0000000, vmalloc from ALIGN(high_memory + 8 MB, 8 MB)", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const mm = s.kernel.mm;
    expect(mm.phys_to_virt(0x1000)).toBe(0xc0001000);
    expect(mm.layout.vmallocStart).toBe(0xe0800000);
  });

  it("a 1 GB Zynq has 768 MB of lowmem and the rest in ZONE_HIGHMEM, used by vmalloc only", async () => {
    const s = await createSystem({ board: "zynq-7000", memory: "1G" });
    const mm = s.kernel.mm;
    expect(mm.buddyinfo()).toMatch(/zone   Normal .*\nNode 0, zone  HighMem /);
    expect(mm.layout.vmallocStart).toBe(0xf0800000);
    const va = s.kernel.vmalloc(4096);
    expect(mm.vmalloc_to_pfn(va) * 4096).toBeGreaterThanOrEqual(768 << 20);
    expect(mm.page_address(mm.vmalloc_to_pfn(va))).toBe(0);
    expect(mm.virt_to_phys(s.kernel.kmalloc(64, GFP_KERNEL))).toBeLessThan(768 << 20);
  });
});
