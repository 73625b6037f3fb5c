// The backdoor's statistics describe the machine at the present instant: a DMAC that ran while
// the CPU executed instructions has its bursts counted, and DRAM its traffic, even though no
// CPU access reached a device since. The Zynq copy (test/helpers/zynq-dmac-copy.ts) moves
// 1 KB: 8 loops of one 16-beat, 8-byte-wide burst read and one burst write (128 bytes each);
// its 28-byte program (3 DMAMOV of 6 bytes, DMALP 2, DMALD 1, DMAST 1, DMALPEND 2, DMAWMB 1,
// DMASEV 2, DMAEND 1) at a 32-byte boundary is one instruction-cache line fill, one read burst
// more that moves no data.

import { describe, expect, it } from "vitest";
import { raiseInstant, startCopy, zynqWithDmac } from "../helpers/zynq-dmac-copy.js";

describe("backdoor statistics after CPU time passed without a device access", () => {
  it("count the DMAC's copy that ended during the CPU's instructions", async () => {
    const T = await raiseInstant();
    const m = await zynqWithDmac();
    startCopy(m);
    const end = m.now() + 3_000_000;
    expect(T).toBeLessThan(end);
    m.cpu.spend(2000); // 3 µs of instructions, long enough for the whole copy
    expect(m.backdoor.stats().dram.bytesWritten).toBe(1024);
    const d = m.backdoor.dmacStats(0);
    expect([d.bytesRead, d.bytesWritten, d.readBursts, d.writeBursts]).toEqual([1024, 1024, 8 + 1, 8]);
  });
});
