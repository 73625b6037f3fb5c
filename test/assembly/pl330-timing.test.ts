// PL330 timing in simulated time (spec pl330 §11): one instruction per AXI cycle, data beats of
// the 64-bit bus on independent read and write channels, outstanding-transaction limits,
// DRAM shared through the memory controller, the i-cache, and DMASEV against outstanding
// writes. Bounds come from the spec's figures: 8 B per AXI cycle of 4.5 ns (222.222 MHz).

import { describe, expect, it } from "vitest";
import { pl330Rig, pattern, firstDifference, ST, AXI_CYCLE_PS, type Rig } from "../helpers/pl330-rig.js";

const PROG = 0x100000;
const SRC = 0x400000;
const DST = 0xc00000;

/** A memcpy of `bursts` bursts of `beats` × 8 B from src to dst (nested loops as Linux emits),
 *  signalling event 0 once its last write has completed. */
function memcpy(g: Rig, at: number, src: number, dst: number, beats: number, bursts: number): void {
  const outer = Math.max(1, Math.floor(bursts / 256));
  const inner = bursts / outer;
  if (!Number.isInteger(inner) || inner > 256) throw new Error("bursts must be n×256 or ≤ 256");
  g.program(at, `DMAMOV SAR, ${src}
    DMAMOV DAR, ${dst}
    DMAMOV CCR, SB${beats} SS64 SAI DB${beats} DS64 DAI
    DMALP ${outer}
      DMALP ${inner}
        DMALD
        DMAST
      DMALPEND
    DMALPEND
    DMAWMB
    DMASEV E0
    DMAEND`);
}

/** Bytes per AXI cycle of a copy of `bytes` with bursts of `beats` beats. */
async function copyRate(beats: number, bytes: number): Promise<{ perCycle: number; ps: number }> {
  const g = await pl330Rig({ ramBytes: 64 << 20 });
  g.m.backdoor.write(SRC, pattern(bytes));
  memcpy(g, PROG, SRC, DST, beats, bytes / (8 * beats));
  const ps = g.timeToIrq(0, PROG, 1e10);
  expect(g.settle(0).state).toBe(ST.stopped);
  expect(firstDifference(g.m.backdoor.read(DST, bytes), pattern(bytes))).toBe(-1);
  return { perCycle: bytes / (ps / AXI_CYCLE_PS), ps };
}

describe("PL330 timing", () => {
  it("approaches 8 bytes per AXI cycle with 16-beat bursts", async () => {
    const { perCycle } = await copyRate(16, 1 << 20);
    expect(perCycle).toBeGreaterThan(7.2);
    expect(perCycle).toBeLessThanOrEqual(8);
  });

  it("falls well short of that with 1-beat bursts", async () => {
    const r16 = await copyRate(16, 256 << 10);
    const r1 = await copyRate(1, 256 << 10);
    // Three instructions issue per 8-byte burst: at most 8/3 B per cycle.
    expect(r1.perCycle).toBeLessThanOrEqual(8 / 3);
    expect(r1.perCycle).toBeLessThan(r16.perCycle / 2);
  });

  it("takes about twice as long for twice the bytes", async () => {
    const a = await copyRate(16, 512 << 10);
    const b = await copyRate(16, 1 << 20);
    expect(b.ps / a.ps).toBeGreaterThan(1.9);
    expect(b.ps / a.ps).toBeLessThan(2.1);
  });

  it("shares the bus between two channels copying at once", async () => {
    const bytes = 512 << 10;
    const alone = await copyRate(16, bytes);
    const g = await pl330Rig({ ramBytes: 64 << 20 });
    g.m.backdoor.write(SRC, pattern(bytes, 1));
    g.m.backdoor.write(SRC + bytes, pattern(bytes, 2));
    memcpy(g, PROG, SRC, DST, 16, bytes / 128);
    memcpy(g, PROG + 0x100, SRC + bytes, DST + bytes, 16, bytes / 128);
    g.w(0x020, 1);
    g.go(0, PROG);
    const t0 = g.m.now();
    g.go(1, PROG + 0x100);
    // Each program raises irq[0] when done: wait for both.
    let both = 0;
    for (let done = 0; done < 2; done++) {
      const at = g.m.waitForInterrupt(t0 + 1e10)!;
      both = at - t0;
      g.w(0x02c, 1);
    }
    expect([g.settle(0).state, g.settle(1).state]).toEqual([ST.stopped, ST.stopped]);
    expect(both / alone.ps).toBeGreaterThan(1.8); // each gets about half of the bus
    expect((2 * bytes) / (both / AXI_CYCLE_PS)).toBeLessThanOrEqual(8);
    expect(firstDifference(g.m.backdoor.read(DST, bytes), pattern(bytes, 1))).toBe(-1);
    expect(firstDifference(g.m.backdoor.read(DST + bytes, bytes), pattern(bytes, 2))).toBe(-1);
  });

  it("pays a line fill over AXI for an i-cache miss", async () => {
    const g = await pl330Rig();
    // 95 DMANOPs, DMASEV, DMAEND: 98 bytes at a line boundary, four 32-byte i-cache lines.
    g.program(PROG, `${"DMANOP\n".repeat(95)}DMASEV E0\nDMAEND`);
    const cold = g.timeToIrq(0, PROG);
    expect(g.x.pl330Stat(0, 5)).toBe(4);
    g.settle(0);
    const warm = g.timeToIrq(0, PROG);
    expect(g.x.pl330Stat(0, 5)).toBe(4); // all hits the second time
    // Each fill reads a 32-byte line from DRAM: its 80 ns latency and 4 beats of 8 bytes.
    const perFill = (cold - warm) / 4;
    expect(perFill).toBeGreaterThanOrEqual(80_000 + 4 * AXI_CYCLE_PS);
    expect(perFill).toBeLessThan(200_000);
  });

  it("lets every thread progress when threads outnumber the i-cache lines", async () => {
    // Two 8-byte lines, three channels running programs 4 KB apart: each fill evicts a line
    // another channel has just had filled. Found by `dmasim fuzz pl330`: the threads took each
    // other's lines forever, never executing.
    const g = await pl330Rig({ preset: { icacheLines: 2, icacheLineBytes: 8 } });
    const bytes = 4096;
    for (let ch = 0; ch < 3; ch++) {
      g.m.backdoor.write(SRC + ch * bytes, pattern(bytes, ch + 1));
      memcpy(g, PROG + ch * 0x1000, SRC + ch * bytes, DST + ch * bytes, 16, bytes / 128);
    }
    for (let ch = 0; ch < 3; ch++) g.go(ch, PROG + ch * 0x1000);
    for (let ch = 0; ch < 3; ch++) expect(g.settle(ch, 1e9).state).toBe(ST.stopped);
    for (let ch = 0; ch < 3; ch++) expect(firstDifference(g.m.backdoor.read(DST + ch * bytes, bytes), pattern(bytes, ch + 1))).toBe(-1);
  });

  it("raises a DMASEV interrupt before the writes ahead of it complete, unless DMAWMB waits", async () => {
    const irqAndStop = async (wmb: boolean) => {
      const g = await pl330Rig();
      g.m.backdoor.write(SRC, pattern(1024));
      g.program(PROG, `DMAMOV SAR, ${SRC}
        DMAMOV DAR, ${DST}
        DMAMOV CCR, SB16 SS64 SAI DB16 DS64 DAI
        DMALP 8
          DMALD
          DMAST
        DMALPEND
        ${wmb ? "DMAWMB" : "DMANOP"}
        DMASEV E0
        DMAEND`);
      g.w(0x020, 1);
      const t0 = g.m.now();
      g.go(0, PROG);
      const irq = g.m.waitForInterrupt(t0 + 1e9)! - t0;
      const { at } = g.settle(0);
      return { irq, stop: at - t0 };
    };
    const plain = await irqAndStop(false);
    const fenced = await irqAndStop(true);
    // Without the barrier the channel is still Completing (B responses due) when the IRQ fires.
    expect(plain.irq).toBeLessThan(plain.stop - 100_000);
    expect(fenced.irq).toBeGreaterThan(plain.irq + 100_000);
  });

  it("splits a burst that would cross a 4 KB boundary into two AXI transactions", async () => {
    const g = await pl330Rig();
    g.m.backdoor.write(SRC, pattern(8192));
    const bursts = (sar: number) => {
      g.program(PROG, `DMAMOV SAR, ${sar}
        DMAMOV DAR, ${DST}
        DMAMOV CCR, SB16 SS64 SAI DB16 DS64 DAI
        DMALD
        DMAST
        DMAEND`);
      const before = g.x.pl330Stat(0, 3);
      g.run(0, PROG);
      return g.x.pl330Stat(0, 3) - before;
    };
    expect(bursts(SRC)).toBe(1 + 1); // the data burst and the program's line fill
    expect(bursts(SRC + 0x1000 - 64)).toBe(2); // the program is cached now; the burst splits
    expect(g.m.backdoor.read(DST, 128)).toEqual(pattern(8192).subarray(0x1000 - 64, 0x1000 + 64));
  });

  it("is slower with fewer outstanding reads allowed (CRD rd_cap) when latency-bound", async () => {
    const rate = async (rdCap: number) => {
      const g = await pl330Rig({ preset: { rdCap } });
      g.m.backdoor.write(SRC, pattern(64 << 10));
      memcpy(g, PROG, SRC, DST, 1, 8192);
      return (64 << 10) / g.run(0, PROG, 1e10).ps;
    };
    const one = await rate(1);
    const eight = await rate(8);
    // With one read in flight each 8-byte read waits out the ~80 ns DRAM latency.
    expect(one).toBeLessThan(eight / 3);
    expect((64 << 10) / one).toBeGreaterThan(8192 * 80_000);
  });

  it("shows At barrier while a DMARMB waits for a read", async () => {
    const g = await pl330Rig();
    g.program(PROG, `DMAMOV SAR, ${SRC}
      DMAMOV CCR, SB16 SS64 SAI DB16 DS64 DAI
      DMALD
      DMARMB
      DMAST
      DMAEND`);
    g.go(0, PROG);
    const seen = new Set<number>();
    for (let i = 0; i < 100 && g.state(0) !== ST.stopped; i++) seen.add(g.state(0));
    expect(seen.has(ST.barrier)).toBe(true);
    expect(g.state(0)).toBe(ST.stopped);
  });
});
