// DMA masks (spec dma-api §3.1): which masks each generation and profile accepts, and the
// required mask, computed by hand from the boards' RAM.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import {
  dma_set_mask, dma_set_coherent_mask, dma_set_mask_and_coherent, dma_get_required_mask, dma_get_mask,
} from "../../src/dma/mapping.js";
import { DMA_BIT_MASK } from "../../src/dma/constants.js";

const EIO = -5;

describe("DMA_BIT_MASK", () => {
  it("sets n low bits for n = 0 … 64 and refuses any other n with a RangeError", () => {
    expect(DMA_BIT_MASK(0)).toBe(0n);
    expect(DMA_BIT_MASK(1)).toBe(1n);
    expect(DMA_BIT_MASK(32)).toBe(0xffffffffn);
    expect(DMA_BIT_MASK(63)).toBe(0x7fffffffffffffffn);
    expect(DMA_BIT_MASK(64)).toBe(0xffffffffffffffffn);
    for (const n of [-1, 65, 32.5, NaN]) {
      expect(() => DMA_BIT_MASK(n)).toThrow(RangeError);
      expect(() => DMA_BIT_MASK(n)).toThrow(`DMA_BIT_MASK: n must be a whole number from 0 to 64, not ${n}`);
    }
  });
});

describe("dma_set_mask", () => {
  it("modern dma-direct: ≥ 32 bits always; smaller masks must reach the last page of RAM", async () => {
    const s = await createSystem({ board: "arm64-ref" }); // RAM 0x40000000-0x7fffffff
    const dev = s.device("ff6e0000.dma-controller");
    expect(dma_set_mask(dev, DMA_BIT_MASK(24))).toBe(EIO);
    expect(dma_set_mask(dev, DMA_BIT_MASK(30))).toBe(EIO);
    expect(dma_set_mask(dev, 0x7ffff000n)).toBe(0);
    expect(dma_set_mask(dev, DMA_BIT_MASK(40))).toBe(0);
    expect(dma_get_mask(dev)).toBe(DMA_BIT_MASK(40));
  });

  it("modern dma-direct: a 32-bit mask works even with all of RAM above 4 GB; a 31-bit one does not", async () => {
    // dma_direct_supported returns 1 for mask >= DMA_BIT_MASK(32) before looking at RAM ("32-bit
    // DMA masks are so common…"). Here RAM is 1 GiB at 0x100000000 and no dma-ranges bound
    // ZONE_DMA, so a smaller mask must reach the last page, 0x13ffff000.
    const dts = readFileSync(new URL("../../examples/boards/arm64-ref.dts", import.meta.url), "utf8")
      .replace("memory@40000000", "memory@100000000")
      .replace("reg = <0x0 0x40000000 0x0 0x40000000>;", "reg = <0x1 0x0 0x0 0x40000000>;");
    const s = await createSystem({ dts });
    const dev = s.device("ff6e0000.dma-controller");
    expect(dma_set_mask(dev, DMA_BIT_MASK(32))).toBe(0);
    expect(dma_set_mask(dev, DMA_BIT_MASK(31))).toBe(EIO);
    expect(dma_get_mask(dev)).toBe(DMA_BIT_MASK(32));
  });

  it("modern dma-direct: a mask below 32 bits that reaches the end of ZONE_DMA is enough, though RAM goes on", async () => {
    // dma_direct_supported (kernel/dma/direct.c): min_mask = min((max_pfn - 1) << PAGE_SHIFT,
    // zone_dma_limit). zone_dma_bits = 30 puts that limit at 0x3fffffff, below arm64-ref's RAM
    // (0x40000000-0x7fffffff), so DMA_BIT_MASK(30) is supported and DMA_BIT_MASK(29) is not.
    const s = await createSystem({ board: "arm64-ref", zoneDmaBits: 30 });
    const dev = s.device("ff6e0000.dma-controller");
    expect(dma_set_mask(dev, DMA_BIT_MASK(29))).toBe(EIO);
    expect(dma_set_mask(dev, DMA_BIT_MASK(30))).toBe(0);
    expect(dma_get_mask(dev)).toBe(DMA_BIT_MASK(30));
  });

  it("4.9 arm64: any mask while the swiotlb flag is clear; with RAM above 4 GB it must cover the pool", async () => {
    const ref = await createSystem({ board: "arm64-ref", kernel: "v4.9" });
    expect(dma_set_mask(ref.device("ff6e0000.dma-controller"), DMA_BIT_MASK(24))).toBe(0);
    const hi = await createSystem({ board: "arm64-highmem", kernel: "v4.9" });
    const dev = hi.device("ff6e0000.dma-controller");
    const end = hi.kernel.dma.swiotlb!.end; // the pool is at the top of the low bank
    expect(end).toBe(0x90000000);
    expect(dma_set_mask(dev, BigInt(end - 2))).toBe(EIO);
    expect(dma_set_mask(dev, BigInt(end - 1))).toBe(0);
  });

  it("4.9 arm: the mask must reach the last page frame of RAM", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel: "v4.9" }); // 512 MB at 0
    const dev = s.device("f8003000.dma-controller");
    expect(dma_set_mask(dev, 0x1ffeffffn)).toBe(EIO);
    expect(dma_set_mask(dev, 0x1ffff000n)).toBe(0);
  });

  it("modern arm without LPAE truncates a mask to the 32-bit dma_addr_t", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const dev = s.device("f8003000.dma-controller");
    expect(dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64))).toBe(0);
    expect([dev.dma_mask, dev.coherent_dma_mask]).toEqual([0xffffffffn, 0xffffffffn]);
  });

  it("a device without a streaming mask: dma_set_mask fails, and _and_coherent leaves the coherent mask", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const dev = s.device("ff1a0000.serial");
    dev.dma_mask = null;
    expect(dma_set_mask_and_coherent(dev, DMA_BIT_MASK(40))).toBe(EIO);
    expect(dev.coherent_dma_mask).toBe(DMA_BIT_MASK(32));
    expect(dma_set_coherent_mask(dev, DMA_BIT_MASK(40))).toBe(0);
  });
});

describe("dma_get_required_mask", () => {
  it("is the smallest all-ones mask covering the last page of RAM, for both generations", async () => {
    const cases: [string, bigint][] = [["arm64-ref", 0x7fffffffn], ["arm64-highmem", 0xfffffffffn], ["zynq-7000", 0x1fffffffn]];
    for (const [board, mask] of cases) {
      for (const kernel of ["v4.9", "modern"] as const) {
        const s = await createSystem({ board, kernel });
        const dev = [...s.kernel.devices.values()].find((d) => d.driverName)!;
        expect(dma_get_required_mask(dev)).toBe(mask);
      }
    }
  });
});
