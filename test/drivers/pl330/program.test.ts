// Microcode the driver generates, against the worked outputs of spec pl330 §12.4.

import { describe, expect, it } from "vitest";
import { setupReq, prepareCcr, defaultReqConfig, type XferSpec } from "../../../src/drivers/pl330/program.js";
import { DMA_MEM_TO_MEM } from "../../../src/dmaengine/types.js";

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

  it("r0p0 needs barriers between load and store", () => {
    expect(hex(memcpy(256, 0x100000, 0x200000, 0).slice(18))).toBe("22 01 04 12 08 13 3c 04 34 00 00");
  });
});
