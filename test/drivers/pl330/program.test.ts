// Microcode the driver generates, against the worked outputs of spec pl330 §12.4 and the
// instruction encodings of §2.1.

import { describe, expect, it } from "vitest";
import {
  setupReq, prepareCcr, defaultReqConfig, PL330_QUIRK_BROKEN_NO_FLUSHP, PL330_QUIRK_PERIPH_BURST, type XferSpec,
} from "../../../src/drivers/pl330/program.js";
import { DMA_DEV_TO_MEM, DMA_MEM_TO_DEV, DMA_MEM_TO_MEM } from "../../../src/dmaengine/types.js";

const hex = (b: number[]) => b.map((x) => x.toString(16).padStart(2, "0")).join(" ");

function memcpy(bytes: number, src = 0x100000, dst = 0x200000, revision = 2): number[] {
  const rq = { ...defaultReqConfig() };
  let burst = 8;
  while ((src | dst | bytes) & (burst - 1)) burst /= 2;
  rq.brst_size = Math.log2(burst);
  rq.brst_len = burst === 8 ? 16 : 1;
  const xs: XferSpec = { ccr: prepareCcr(rq), rqtype: DMA_MEM_TO_MEM, px: { src_addr: src, dst_addr: dst, bytes }, revision };
  return setupReq(xs, 0);
}

describe("pl330 microcode (Linux _setup_req)", () => {
  it("4096 B, both 8-aligned: CCR 0x003DC0F7, one LC1 loop of 32", () => {
    expect(hex(memcpy(4096))).toBe(
      "bc 01 f7 c0 3d 00 bc 00 00 00 10 00 bc 02 00 00 20 00 22 1f 04 08 3c 02 34 00 00",
    );
  });

  it("_prepare_ccr places every field as spec §3 lays CCR out, the ones Linux leaves 0 too", () => {
    // Fixed addresses; privileged SP[0] 8 / DP[0] 22; insnaccess SP[2] 10 / DP[2] 24; 4-byte beats
    // SS 2<<1, DS 2<<15; 4 beats SB 3<<4, DB 3<<18; SC 3<<11; DC 2<<25; ES (32-bit swap) 2<<28.
    const rq = {
      ...defaultReqConfig(), src_inc: false, dst_inc: false, privileged: true, insnaccess: true,
      brst_size: 2, brst_len: 4, scctl: 3, dcctl: 2, swap: 2,
    };
    expect(prepareCcr(rq).toString(16)).toBe("254d1d34");
    // nonsecure: SP[1] 9 and DP[1] 23, on top of the 1-byte single beats of the defaults.
    expect(prepareCcr({ ...defaultReqConfig(), src_inc: false, dst_inc: false, nonsecure: true }).toString(16)).toBe("800200");
  });

  it("16-byte beats (SS = 4, a 128-bit bus): 256 B is one LC1 loop of 16 single-beat bursts", () => {
    // BRST_SIZE reads CCR[3:1] whole: 1 << 4 = 16 bytes a beat (spec §3: SS 0–4 valid).
    const rq = { ...defaultReqConfig(), brst_size: 4 };
    const xs: XferSpec = { ccr: prepareCcr(rq), rqtype: DMA_MEM_TO_MEM, px: { src_addr: 0x100000, dst_addr: 0x200000, bytes: 256 }, revision: 2 };
    expect(hex(setupReq(xs, 0).slice(18))).toBe("22 0f 04 08 3c 02 34 00 00");
  });

  it("1 MiB: outer LC0 32 × inner LC1 256", () => {
    expect(hex(memcpy(1 << 20).slice(18))).toBe("20 1f 22 ff 04 08 3c 02 38 06 34 00 00");
  });

  it("1000 B: 7 bursts of 128 B, then a 13-beat tail with its own CCR", () => {
    expect(hex(memcpy(1000).slice(18))).toBe("22 06 04 08 3c 02 bc 01 c7 c0 31 00 04 08 34 00 00");
  });

  it("1001 B: single-byte beats, nests of 3×256 and 233, no tail", () => {
    const p = memcpy(1001, 0x100000, 0x200001);
    expect(hex(p.slice(0, 6))).toBe("bc 01 01 40 00 00");
    expect(hex(p.slice(18))).toBe("20 02 22 ff 04 08 3c 02 38 06 22 e8 04 08 3c 02 34 00 00");
  });

  it("124 × 65536 single-byte bursts: an unrolled nest of 123 (cycmax = (255 - 8) / 2), then one of 1", () => {
    // _loop: with both loops, szlp = szlpend = 4 and a burst (DMALD DMAST) is 2 bytes, so at most
    // (255 - 8) / 2 = 123 bursts are unrolled inside LP0 256 × LP1 256; the other 65536 bursts
    // take a second nest. LPEND1 jumps back over the bursts, LPEND0 over LP1 too.
    const p = memcpy(124 * 65536, 0x100000, 0x200001);
    const nest1 = "20 ff 22 ff " + "04 08 ".repeat(123) + "3c f6 38 fa";
    expect(hex(p.slice(18))).toBe(`${nest1} 20 ff 22 ff 04 08 3c 02 38 06 34 00 00`);
  });

  it("r0p0 needs barriers between load and store", () => {
    expect(hex(memcpy(256, 0x100000, 0x200000, 0).slice(18))).toBe("22 01 04 12 08 13 3c 04 34 00 00");
  });

  it("r1p0 is the first lock-up free revision (PERIPH_REV_R1P0): no barriers", () => {
    expect(hex(memcpy(256, 0x100000, 0x200000, 1).slice(18))).toBe("22 01 04 08 3c 02 34 00 00");
  });
});

function slave(
  dir: number, bytes: number, size: number, len: number,
  opts: { peri?: number; quirks?: number; fifo?: number; mem?: number; kernel?: "v4.9" } = {},
): number[] {
  const rq = { ...defaultReqConfig(), src_inc: dir === DMA_MEM_TO_DEV, dst_inc: dir === DMA_DEV_TO_MEM, brst_size: size, brst_len: len };
  const fifo = opts.fifo ?? 0xe0001100;
  const mem = opts.mem ?? 0x200000;
  const px = dir === DMA_MEM_TO_DEV ? { src_addr: mem, dst_addr: fifo, bytes } : { src_addr: fifo, dst_addr: mem, bytes };
  return setupReq({ ccr: prepareCcr(rq), rqtype: dir as 1 | 2, px, revision: 2, peri: opts.peri ?? 0, quirks: opts.quirks ?? 0, kernel: opts.kernel }, 0);
}

describe("pl330 peripheral microcode (Linux _ldst_peripheral)", () => {
  it("DEV→MEM 1024 B, periph 0, 4 B × 8: spec §12.4 byte for byte", () => {
    expect(hex(slave(DMA_DEV_TO_MEM, 1024, 2, 8))).toBe(
      "bc 01 74 40 1d 00 bc 00 00 11 00 e0 bc 02 00 00 20 00 22 1f 35 00 32 00 27 00 0b 3c 07 34 00 00",
    );
  });

  it("DEV→MEM 1026 B of 4-byte beats: the 2 bytes that make no whole beat add no tail (BYTE_MOD_BURST_LEN counts beats)", () => {
    // (1026 / 4) % 8 = 256 % 8 = 0 leftover beats in C: the same program as for 1024 B (§12.4).
    expect(hex(slave(DMA_DEV_TO_MEM, 1026, 2, 8))).toBe(
      "bc 01 74 40 1d 00 bc 00 00 11 00 e0 bc 02 00 00 20 00 22 1f 35 00 32 00 27 00 0b 3c 07 34 00 00",
    );
  });

  it("MEM→DEV single bytes (a UART without bursts): FLUSHP, WFPS, LDS, STPS per byte", () => {
    const p = slave(DMA_MEM_TO_DEV, 100, 0, 1);
    expect(hex(p.slice(0, 6))).toBe("bc 01 01 00 00 00");
    expect(hex(p.slice(18))).toBe("22 63 35 00 30 00 05 29 00 3c 07 34 00 00");
  });

  it("arm,pl330-periph-burst: the B forms even for one-beat bursts", () => {
    expect(hex(slave(DMA_MEM_TO_DEV, 100, 0, 1, { quirks: PL330_QUIRK_PERIPH_BURST }).slice(18))).toBe(
      "22 63 35 00 32 00 07 2b 00 3c 07 34 00 00",
    );
  });

  it("arm,pl330-broken-no-flushp: no DMAFLUSHP", () => {
    expect(hex(slave(DMA_MEM_TO_DEV, 100, 0, 1, { quirks: PL330_QUIRK_BROKEN_NO_FLUSHP }).slice(18))).toBe(
      "22 63 30 00 05 29 00 3c 05 34 00 00",
    );
  });

  it("a tail shorter than a burst: its own CCR, then one B-form body on the same peripheral", () => {
    // 1000 B of 1-byte beats, 16 per burst, peripheral 3: 62 bursts, then 8 beats.
    const p = slave(DMA_MEM_TO_DEV, 1000, 0, 16, { peri: 3 });
    expect(hex(p.slice(0, 6))).toBe("bc 01 f1 00 3c 00");
    expect(hex(p.slice(18))).toBe("22 3d 35 18 32 18 07 2b 18 3c 07 bc 01 71 00 1c 00 35 18 32 18 07 2b 18 34 00 00");
  });
});

describe("Linux 4.9 peripheral microcode (_ldst_memtodev / _ldst_devtomem, 4.13-era copy)", () => {
  it("MEM→DEV single bytes, periph 3: WFPS, LD, STPS, FLUSHP per byte (20 30 … in §2.1 encodings)", () => {
    // DMALP_1 100: 22 63; DMAWFPS P3: 30 18; DMALD: 04; DMASTPS P3: 29 18; DMAFLUSHP P3: 35 18;
    // DMALPEND_1 back 7: 3c 07.
    expect(hex(slave(DMA_MEM_TO_DEV, 100, 0, 1, { peri: 3, kernel: "v4.9" }).slice(18))).toBe(
      "22 63 30 18 04 29 18 35 18 3c 07 34 00 00",
    );
  });

  it("arm,pl330-broken-no-flushp: the B forms (cond = BURST) and no DMAFLUSHP", () => {
    // DMAWFPB P0: 32 00; DMALDPB P0: 27 00; DMAST: 08; loop body 5 bytes.
    expect(hex(slave(DMA_DEV_TO_MEM, 64, 1, 1, { quirks: PL330_QUIRK_BROKEN_NO_FLUSHP, kernel: "v4.9" }).slice(18))).toBe(
      "22 1f 32 00 27 00 08 3c 05 34 00 00",
    );
  });

  it("ignores arm,pl330-periph-burst, which 4.9's of_quirks does not list", () => {
    expect(hex(slave(DMA_MEM_TO_DEV, 2, 0, 1, { quirks: PL330_QUIRK_PERIPH_BURST, kernel: "v4.9" }).slice(18))).toBe(
      "22 01 30 00 04 29 00 35 00 3c 07 34 00 00",
    );
  });
});
