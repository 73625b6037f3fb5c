import { describe, expect, it } from "vitest";
import { setup_io_tlb_npages } from "../../src/dma/swiotlb-cmdline.js";

describe("swiotlb= (setup_io_tlb_npages)", () => {
  it("reads force, a slab count rounded up to 128-slab segments, and both", () => {
    expect(setup_io_tlb_npages("force")).toEqual({ force: true });
    // 32768 slabs × 2 KiB = 64 MiB.
    expect(setup_io_tlb_npages("32768")).toEqual({ size: 64 << 20, force: false });
    expect(setup_io_tlb_npages("32768,force")).toEqual({ size: 64 << 20, force: true });
    // 129 slabs round up to 256: 512 KiB.
    expect(setup_io_tlb_npages("129")).toEqual({ size: 256 * 2048, force: false });
    // simple_strtoul base 0: 0x hex, leading-0 octal (0200 = 128 slabs = 256 KiB).
    expect(setup_io_tlb_npages("0x80,force")).toEqual({ size: 128 * 2048, force: true });
    expect(setup_io_tlb_npages("0200")).toEqual({ size: 128 * 2048, force: false });
  });

  it("refuses what Linux would skip without a word", () => {
    expect(() => setup_io_tlb_npages("")).toThrow('"" is not a slab count or "force" (try force, 32768 or 32768,force)');
    expect(() => setup_io_tlb_npages("forced")).toThrow('"forced" is not a slab count or "force"');
    expect(() => setup_io_tlb_npages("64M")).toThrow('"64M" is not a slab count or "force"');
    expect(() => setup_io_tlb_npages("09")).toThrow('"09": 0 slabs is no bounce pool'); // strtoul reads the octal 0, then stops at 9
    expect(() => setup_io_tlb_npages("0")).toThrow('"0": 0 slabs is no bounce pool (give at least 1; try force, 32768 or 32768,force)');
    expect(() => setup_io_tlb_npages("1024,4,force")).toThrow("a second number (the modern kernel's area count) is not modelled");
    expect(() => setup_io_tlb_npages("noforce")).toThrow("noforce (no bouncing at all) is not modelled");
  });
});
