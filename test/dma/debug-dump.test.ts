// /sys/kernel/debug/dma-api/dump as 6.x's dump_show prints each live entry:
//   "%s %s %s idx %d P=%pa D=%llx L=%llx cln=%pa %s %s\n"
// Expected lines written from that format and the addresses mapped: idx is the hash bucket
// (dev_addr >> 13) & 16383; %pa is "0x" and phys_addr_t's width in hex digits (8 on Zynq's arm
// without LPAE, 16 on arm64); D and L plain hex; cln the first cache line's number, pa >> 6
// (64-byte lines: modern arm64's L1_CACHE_SHIFT, and a CPU_V7 arm build's). Neither board
// offsets DMA addresses, so a buffer's device address is its physical address.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { dma_alloc_coherent, dma_map_sg, dma_map_single, dma_mapping_error } from "../../src/dma/mapping.js";
import { DMA_FROM_DEVICE, DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { sg_alloc, sg_set_buf } from "../../src/dma/scatterlist.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";

const BOARDS = [
  { board: "zynq-7000", dmac: "f8003000.dma-controller", digits: 8 },
  { board: "arm64-ref", dmac: "ff6e0000.dma-controller", digits: 16 },
] as const;

const idx = (dma: number) => Math.floor(dma / 8192) % 16384;

for (const { board, dmac, digits } of BOARDS) {
  describe(`dump on ${board}`, () => {
    const pa = (a: number) => "0x" + a.toString(16).padStart(digits, "0");
    const boot = () => createSystem({ board, dmaDebug: true });
    /** The dump's lines for the device address `dma` (the pl330's own microcode allocation is
     *  listed too). */
    const linesAt = (text: string, dma: number) => text.split("\n").filter((l) => l.includes(` D=${dma.toString(16)} `));

    it("a single mapping: unchecked, then checked by dma_mapping_error", async () => {
      const s = await boot();
      const dev = s.device(dmac);
      const va = s.kernel.kmalloc(4096, GFP_KERNEL);
      const phys = s.kernel.mm.virt_to_phys(va);
      const dma = dma_map_single(dev, va + 0x140, 0x80, DMA_TO_DEVICE);
      expect(dma).toBe(phys + 0x140);
      const line = (state: string) =>
        `dma-pl330 ${dmac} single idx ${idx(dma)} P=${pa(phys + 0x140)} D=${dma.toString(16)} L=80 cln=${pa((phys + 0x140) / 64)} DMA_TO_DEVICE dma map error ${state}`;
      expect(linesAt(s.readFile("/sys/kernel/debug/dma-api/dump"), dma)).toEqual([line("not checked")]);
      dma_mapping_error(dev, dma);
      expect(linesAt(s.readFile("/sys/kernel/debug/dma-api/dump"), dma)).toEqual([line("checked")]);
    });

    it("an sg mapping: one scather-gather line per mapped segment, no map-error check to make", async () => {
      const s = await boot();
      const dev = s.device(dmac);
      const va = s.kernel.kmalloc(8192, GFP_KERNEL);
      const phys = s.kernel.mm.virt_to_phys(va);
      const sgl = sg_alloc(2);
      sg_set_buf(sgl[0], va, 0x200);
      sg_set_buf(sgl[1], va + 0x1000, 0x300);
      expect(dma_map_sg(dev, sgl, 2, DMA_FROM_DEVICE)).toBe(2);
      const dump = s.readFile("/sys/kernel/debug/dma-api/dump");
      for (const [off, len] of [[0, "200"], [0x1000, "300"]] as const) {
        const a = phys + off;
        expect(linesAt(dump, a)).toEqual([
          `dma-pl330 ${dmac} scather-gather idx ${idx(a)} P=${pa(a)} D=${a.toString(16)} L=${len} cln=${pa(a / 64)} DMA_FROM_DEVICE dma map error check not applicable`,
        ]);
      }
    });

    it("a coherent allocation: bidirectional, its physical start as %pa", async () => {
      const s = await boot();
      const dev = s.device(dmac);
      const buf = dma_alloc_coherent(dev, 0x3000, GFP_KERNEL)!;
      const dma = buf.dmaAddr;
      expect(linesAt(s.readFile("/sys/kernel/debug/dma-api/dump"), dma)).toEqual([
        `dma-pl330 ${dmac} coherent idx ${idx(dma)} P=${pa(dma)} D=${dma.toString(16)} L=3000 cln=${pa(dma / 64)} DMA_BIDIRECTIONAL dma map error check not applicable`,
      ]);
    });
  });
}

describe("dump", () => {
  it("is a file of modern kernels only (5.1 added it)", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel: "v4.9", dmaDebug: true });
    expect(s.readdir("/sys/kernel/debug/dma-api")).not.toContain("dump");
  });
});
