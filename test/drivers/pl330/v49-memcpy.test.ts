// Linux 4.9's memcpy microcode, disassembled and compared with the programs derived by hand from
// the 4.13–4.17-era drivers/dma/pl330.c that stands in for 4.9's (ARIES-Embedded/linux-socfpga
// 0d658e3e3155b1ee88ddc4e26b8f583090ba17a4). The lines the programs follow:
//
//   pl330_prep_dma_memcpy:
//       burst = pl330->pcfg.data_bus_width / 8;
//       while ((src | dst | len) & (burst - 1)) burst /= 2;
//       desc->rqcfg.brst_size = log2(burst);
//       desc->rqcfg.brst_len = get_burst_len(desc, len);
//   get_burst_len:
//       burst_len = data_bus_width / 8 * (data_buf_dep / num_chan) >> brst_size;
//       if (burst_len > 16) burst_len = 16;
//       while (burst_len > 1) { if (!(len % (burst_len << brst_size))) break; burst_len--; }
//   _setup_req: DMAMOV CCR, SAR, DAR; _loop for bursts <= 256: one DMALP_1 of `bursts` around
//       DMALD DMAST (r1p0 and later); > 256: DMALP_0 of bursts / 256 around DMALP_1 of 256; no
//       tail for leftover beats (a length not a whole number of bursts is -EINVAL). DMASEV, DMAEND.
//
// Both boards' DMACs (Zynq, RK3399 PERI on arm64-ref) have a 64-bit bus, 128 MFIFO lines and 8
// channels: the search starts at 8 * 16 >> brst_size, capped at 16.
//   4096 B: 8-byte beats; 16 × 8 = 128 divides 4096 → SB16, 32 bursts.
//   100 B:  100 & 7 = 4 → 4-byte beats; 16 … 6 beats × 4 do not divide 100, 5 × 4 = 20 does
//           → SB5, 5 bursts (modern: SB1, 25 beats).
//   4100 B: 4-byte beats; 64, 60, 56, …, 24 do not divide 4100, 20 does → SB5, 205 bursts
//           (modern: SB1, 1025 beats: DMALP 4 × DMALP 256 and one more burst).
//   2056 B: 8-byte beats; 128 … 16 do not divide 2056 (= 8 × 257), 8 does → SB1, 257 bursts:
//           DMALP_0 1 around DMALP_1 256, then one burst.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../../src/create.js";
import { dma_alloc_coherent } from "../../../src/dma/mapping.js";
import { GFP_KERNEL } from "../../../src/mm/gfp.js";
import { dma_request_chan_by_mask } from "../../../src/dmaengine/dmaengine.js";
import {
  dma_async_issue_pending, dma_sync_wait, dmaengine_prep_dma_memcpy, dmaengine_submit,
} from "../../../src/dmaengine/transfer.js";
import { DMA_COMPLETE, DMA_MEMCPY, DMA_PREP_INTERRUPT, type DmaChan } from "../../../src/dmaengine/types.js";
import { disassemble } from "../../../src/tools/pl330/disassembler.js";
import type { Pl330Chan } from "../../../src/drivers/pl330/channel.js";
import type { System } from "../../../src/system.js";

type Board = "zynq-7000" | "arm64-ref";
const hex8 = (v: number) => `0x${v.toString(16).padStart(8, "0")}`;

/** The program in request slot 0 of the channel's thread, up to its DMAEND, as text. */
function program(s: System, chan: DmaChan): string[] {
  const code = s.cpu.read((chan.priv as Pl330Chan).thread!.req[0].mc_cpu, 128);
  const texts = disassemble(code).map((l) => l.text);
  return texts.slice(0, texts.indexOf("DMAEND") + 1);
}

/** A memcpy of `len` bytes between two page-aligned coherent buffers, source filled with a
 *  pattern; returns once it is issued. */
async function memcpy(board: Board, kernel: "modern" | "v4.9", len: number, maxBurst = 0) {
  const s = await createSystem({ board, kernel });
  const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
  (chan.priv as Pl330Chan).dmac.params.memcpy_max_burst = maxBurst;
  const src = dma_alloc_coherent(chan.device.dev, 8192, GFP_KERNEL)!;
  const dst = dma_alloc_coherent(chan.device.dev, 8192, GFP_KERNEL)!;
  const data = Uint8Array.from({ length: len }, (_, i) => (i * 7 + 3) & 0xff);
  s.cpu.write(src.cpuAddr, data);
  s.cpu.write(dst.cpuAddr, new Uint8Array(len + 64));
  const cookie = dmaengine_submit(dmaengine_prep_dma_memcpy(chan, dst.dmaAddr, src.dmaAddr, len, DMA_PREP_INTERRUPT)!);
  dma_async_issue_pending(chan);
  const ev = (chan.priv as Pl330Chan).thread!.ev;
  return { s, chan, cookie, data, src, dst, ev };
}

/** The CCR text for incrementing memcpy beats of `bytes`, `len` per burst, as the Zynq's and
 *  the RK3399's secure manager get them. */
const ccr = (len: number, bytes: number) =>
  `DMAMOV CCR, SB${len} SS${bytes * 8} SAI SP0 SC0 DB${len} DS${bytes * 8} DAI DP0 DC0 ES8`;

describe.each<Board>(["zynq-7000", "arm64-ref"])("Linux 4.9 pl330 memcpy microcode on %s", (board) => {
  it("4096 bytes: 32 bursts of 16 × 8 bytes", async () => {
    const { s, chan, src, dst, ev } = await memcpy(board, "v4.9", 4096);
    expect(program(s, chan)).toEqual([
      ccr(16, 8), `DMAMOV SAR, ${hex8(src.dmaAddr)}`, `DMAMOV DAR, ${hex8(dst.dmaAddr)}`,
      "DMALP LC1, 32", "DMALD", "DMAST", "DMALPEND LC1 ; back 2 to 0x0014", `DMASEV E${ev}`, "DMAEND",
    ]);
  });

  it("100 bytes: 5 bursts of 5 × 4 bytes, no tail", async () => {
    const { s, chan, src, dst, ev } = await memcpy(board, "v4.9", 100);
    expect(program(s, chan)).toEqual([
      ccr(5, 4), `DMAMOV SAR, ${hex8(src.dmaAddr)}`, `DMAMOV DAR, ${hex8(dst.dmaAddr)}`,
      "DMALP LC1, 5", "DMALD", "DMAST", "DMALPEND LC1 ; back 2 to 0x0014", `DMASEV E${ev}`, "DMAEND",
    ]);
  });

  it("4100 bytes: 205 bursts of 5 × 4 bytes in one loop", async () => {
    const { s, chan, src, dst, ev } = await memcpy(board, "v4.9", 4100);
    expect(program(s, chan)).toEqual([
      ccr(5, 4), `DMAMOV SAR, ${hex8(src.dmaAddr)}`, `DMAMOV DAR, ${hex8(dst.dmaAddr)}`,
      "DMALP LC1, 205", "DMALD", "DMAST", "DMALPEND LC1 ; back 2 to 0x0014", `DMASEV E${ev}`, "DMAEND",
    ]);
  });

  it("2056 bytes: 257 single 8-byte beats, a loop nest and one more burst", async () => {
    const { s, chan, src, dst, ev } = await memcpy(board, "v4.9", 2056);
    expect(program(s, chan)).toEqual([
      ccr(1, 8), `DMAMOV SAR, ${hex8(src.dmaAddr)}`, `DMAMOV DAR, ${hex8(dst.dmaAddr)}`,
      "DMALP LC0, 1", "DMALP LC1, 256", "DMALD", "DMAST", "DMALPEND LC1 ; back 2 to 0x0016",
      "DMALPEND LC0 ; back 6 to 0x0014", "DMALD", "DMAST", `DMASEV E${ev}`, "DMAEND",
    ]);
  });

  it.each([4096, 100, 4100, 2056])("a %i-byte copy arrives whole and stops at its end", async (len) => {
    const { s, chan, cookie, data, dst } = await memcpy(board, "v4.9", len);
    expect(dma_sync_wait(chan, cookie)).toBe(DMA_COMPLETE);
    expect(s.cpu.read(dst.cpuAddr, len)).toEqual(data);
    expect(s.cpu.read(dst.cpuAddr + len, 64)).toEqual(new Uint8Array(64));
  });
});

describe("Linux 4.9 pl330 memcpy under dmasim's memcpy_max_burst", () => {
  // The cap starts get_burst_len's search: 4100 B with cap 4 tries 4, 3, 2 × 4 bytes (16, 12,
  // 8: none divides 4100) and ends at 1; 4096 B with cap 4 keeps 4 × 8 = 32, which divides it.
  it("4100 bytes, cap 4: 1025 single beats, still no tail", async () => {
    const { s, chan, src, dst, ev } = await memcpy("zynq-7000", "v4.9", 4100, 4);
    expect(program(s, chan)).toEqual([
      ccr(1, 4), `DMAMOV SAR, ${hex8(src.dmaAddr)}`, `DMAMOV DAR, ${hex8(dst.dmaAddr)}`,
      "DMALP LC0, 4", "DMALP LC1, 256", "DMALD", "DMAST", "DMALPEND LC1 ; back 2 to 0x0016",
      "DMALPEND LC0 ; back 6 to 0x0014", "DMALD", "DMAST", `DMASEV E${ev}`, "DMAEND",
    ]);
  });

  it("4096 bytes, cap 4: 128 bursts of 4 × 8 bytes", async () => {
    const { s, chan, src, dst, ev } = await memcpy("zynq-7000", "v4.9", 4096, 4);
    expect(program(s, chan)).toEqual([
      ccr(4, 8), `DMAMOV SAR, ${hex8(src.dmaAddr)}`, `DMAMOV DAR, ${hex8(dst.dmaAddr)}`,
      "DMALP LC1, 128", "DMALD", "DMAST", "DMALPEND LC1 ; back 2 to 0x0014", `DMASEV E${ev}`, "DMAEND",
    ]);
  });
});

describe("modern pl330 memcpy keeps its fixed burst and tail", () => {
  it("4100 bytes on the Zynq: 1025 single 4-byte beats (DMALP 4 × 256, then one)", async () => {
    const { s, chan, src, dst, ev } = await memcpy("zynq-7000", "modern", 4100);
    expect(program(s, chan)).toEqual([
      ccr(1, 4), `DMAMOV SAR, ${hex8(src.dmaAddr)}`, `DMAMOV DAR, ${hex8(dst.dmaAddr)}`,
      "DMALP LC0, 4", "DMALP LC1, 256", "DMALD", "DMAST", "DMALPEND LC1 ; back 2 to 0x0016",
      "DMALPEND LC0 ; back 6 to 0x0014", "DMALD", "DMAST", `DMASEV E${ev}`, "DMAEND",
    ]);
  });
});
