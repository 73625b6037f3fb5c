import { describe, expect, it } from "vitest";
import { setup_io_tlb_npages, swiotlbCmdlineText } from "../../src/dma/swiotlb-cmdline.js";

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

  it("reads 0 as no slabs (ALIGN(0, IO_TLB_SEGSIZE) = 0) and noforce (4.10+) as its own word", () => {
    expect(setup_io_tlb_npages("0")).toEqual({ size: 0, force: false });
    expect(setup_io_tlb_npages("noforce")).toEqual({ force: false, noforce: true });
    // The count is still read before the word (default_nslabs), 100 slabs rounding up to 128.
    expect(setup_io_tlb_npages("100,noforce")).toEqual({ size: 128 * 2048, force: false, noforce: true });
  });

  it("refuses what Linux would skip without a word", () => {
    expect(() => setup_io_tlb_npages("")).toThrow('"" is not a slab count or "force" (try force, 32768 or 32768,force)');
    expect(() => setup_io_tlb_npages("forced")).toThrow('"forced" is not a slab count or "force"');
    expect(() => setup_io_tlb_npages("noforced")).toThrow('"noforced" is not a slab count or "force"');
    expect(() => setup_io_tlb_npages("64M")).toThrow('"64M" is not a slab count or "force"');
    // strtoul reads the octal 0 and stops at 9, which mainline then reads as the area count.
    expect(() => setup_io_tlb_npages("09")).toThrow("\"09\": a second number (the modern kernel's area count) is not modelled");
    expect(() => setup_io_tlb_npages("1024,4,force")).toThrow("a second number (the modern kernel's area count) is not modelled");
  });
});

describe("swiotlb= as the command line carries it (swiotlbCmdlineText)", () => {
  it("writes the slab count (bytes / 2 KiB) and the word", () => {
    expect(swiotlbCmdlineText({ size: 256 << 10, force: true })).toBe("128,force");
    expect(swiotlbCmdlineText({ size: 0 })).toBe("0");
    expect(swiotlbCmdlineText({ size: 0, force: false })).toBe("0");
    expect(swiotlbCmdlineText({ force: true })).toBe("force");
    expect(swiotlbCmdlineText({ noforce: true })).toBe("noforce");
    expect(swiotlbCmdlineText({ size: 2 << 20, noforce: true })).toBe("1024,noforce");
  });

  it("reads back what setup_io_tlb_npages read", () => {
    for (const text of ["0", "128", "128,force", "force", "noforce", "1024,noforce"]) {
      expect(swiotlbCmdlineText(setup_io_tlb_npages(text))).toBe(text);
    }
  });

  it("has no text for what swiotlb= cannot say", () => {
    expect(swiotlbCmdlineText({ size: 3000 })).toBeUndefined(); // not whole 2 KiB slabs
    expect(swiotlbCmdlineText({ force: false })).toBeUndefined(); // nothing set
    expect(swiotlbCmdlineText({ force: true, noforce: true })).toBeUndefined(); // one word only
    expect(swiotlbCmdlineText({ size: 2048, extra: 1 })).toBeUndefined();
  });
});
