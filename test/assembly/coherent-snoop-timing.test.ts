// What a coherent DMA port's snoops cost (assembly/snoop.ts snoopTime, charged by the PL330's AXI
// model): each transaction to RAM looks up the CPU's caches one cache line at a time, a line no
// cache holds for cpu.snoopLookupCycles before DRAM is asked, a line a cache holds answered for
// cpu.snoopHitCycles (a read then needs no DRAM). Each program is timed from DMAGO to its
// DMASEV (after DMAWMB) with the costs set and with both 0; the difference is the snoops on the
// critical path, counted here by hand from the Zynq's 32-byte CPU lines and 32-byte i-cache
// lines. Every program below is under 32 bytes at an aligned address: one i-cache fill, itself a
// snooped read of one line the CPU never touched.

import { describe, expect, it } from "vitest";
import { zynqPl330Machine, lowmem } from "../helpers/zynq-pl330-mmu.js";
import { Rig, pattern } from "../helpers/pl330-rig.js";
import { cyclesPs, ZYNQ_7000 } from "../helpers/profile-machine.js";
import type { Machine } from "../../src/hw/machine.js";

const PROG = 0x300000;
const SRC = 0x100000;
const DST = 0x200000;
const BYTES = 128; // one burst: 16 beats of 8 bytes
const LINE = ZYNQ_7000.l1d.lineBytes; // 32
const LOOKUP_CYCLES = 10;
const HIT_CYCLES = 20;
const lookupPs = cyclesPs(ZYNQ_7000, LOOKUP_CYCLES); // 15,000 ps at 666.667 MHz
const hitPs = cyclesPs(ZYNQ_7000, HIT_CYCLES); // 30,000 ps

interface Costs {
  lookup: number;
  hit: number;
}

/** One 128-byte burst from src to dst. */
const MEMCPY = (src: number) => `DMAMOV SAR, ${src}
  DMAMOV DAR, ${DST}
  DMAMOV CCR, SB16 SS64 SAI DB16 DS64 DAI
  DMALD
  DMAST
  DMAWMB
  DMASEV E0
  DMAEND`;

/** One 128-byte burst of zeros to DST. */
const ZEROS = `DMAMOV DAR, ${DST}
  DMAMOV CCR, SB16 SS64 SAI DB16 DS64 DAI
  DMASTZ
  DMAWMB
  DMASEV E0
  DMAEND`;

/** Runs `program` on a fresh machine after `prepare` (the CPU's part); returns the time from
 *  DMAGO to the DMASEV and the machine. */
async function timed(coherent: boolean, costs: Costs, program: string, prepare: (m: Machine) => void) {
  const m = await zynqPl330Machine(coherent, (p) => ({
    ...p, cpu: { ...p.cpu, snoopLookupCycles: costs.lookup, snoopHitCycles: costs.hit },
  }));
  const g = new Rig(m);
  expect(g.program(PROG, program).length).toBeLessThanOrEqual(32);
  prepare(m);
  return { ps: g.timeToIrq(0, PROG), m };
}

const FREE: Costs = { lookup: 0, hit: 0 };
const src = pattern(BYTES);
const cpuWritesSource = (m: Machine) => m.cpu.write(lowmem(SRC), src);
const sourceInDram = (m: Machine) => m.backdoor.write(SRC, src);

describe("a coherent port's snoops take time", () => {
  it("a memcpy that misses every cache: one lookup per line of the fill and of the load", async () => {
    const costs = { lookup: LOOKUP_CYCLES, hit: HIT_CYCLES };
    const free = await timed(true, FREE, MEMCPY(SRC), sourceInDram);
    const paid = await timed(true, costs, MEMCPY(SRC), sourceInDram);
    // The i-cache fill (1 line) and the load (128 / 32 = 4 lines) wait for their lookups. The
    // store's 4 lookups start at its address phase, one AXI cycle after the load's, and end
    // long before the load's data (80 ns of DRAM latency behind its lookups) reaches the MFIFO.
    expect(paid.ps - free.ps).toBe((1 + BYTES / LINE) * lookupPs);
    expect(paid.m.backdoor.read(DST, BYTES)).toEqual(src);
  });

  it("counts the lines a burst touches: 128 bytes from 16 bytes into a line are 5", async () => {
    const costs = { lookup: LOOKUP_CYCLES, hit: 0 };
    const at = (m: Machine) => m.backdoor.write(SRC + 16, src);
    const free = await timed(true, FREE, MEMCPY(SRC + 16), at);
    const paid = await timed(true, costs, MEMCPY(SRC + 16), at);
    expect(paid.ps - free.ps).toBe((1 + 5) * lookupPs);
    expect(paid.m.backdoor.read(DST, BYTES)).toEqual(src);
  });

  it("a memcpy whose source the CPU holds dirty: the hit's cost per line, the bytes from the cache", async () => {
    const costs = { lookup: 0, hit: HIT_CYCLES };
    const free = await timed(true, FREE, MEMCPY(SRC), cpuWritesSource);
    const paid = await timed(true, costs, MEMCPY(SRC), cpuWritesSource);
    expect(paid.ps - free.ps).toBe((BYTES / LINE) * hitPs);
    expect(paid.m.backdoor.read(DST, BYTES)).toEqual(src);
    expect(paid.m.cpu.read(lowmem(DST), BYTES)).toEqual(src);
    // The snoop left the source dirty in the cache: DRAM still has zeros there.
    expect(paid.m.backdoor.read(SRC, BYTES)).toEqual(new Uint8Array(BYTES));
  });

  it("a cache hit serves a read sooner than DRAM: a hit costs its own latency, not DRAM's", async () => {
    const costs = { lookup: LOOKUP_CYCLES, hit: HIT_CYCLES };
    const fromDram = await timed(true, costs, MEMCPY(SRC), sourceInDram);
    const fromCache = await timed(true, costs, MEMCPY(SRC), cpuWritesSource);
    // Either way the read's 16 beats (72 ns) take longer than DRAM moves 128 bytes (3,838 MB/s:
    // 33 ns), so it ends 72 ns after its first data: after 4 lookups and DRAM's 80 ns, or after
    // 4 hits. Everything else (the fill, the store) is the same in both.
    const lines = BYTES / LINE;
    expect(fromDram.ps - fromCache.ps).toBe(lines * lookupPs + ZYNQ_7000.dram.latencyNs * 1000 - lines * hitPs);
    expect(fromCache.m.backdoor.read(DST, BYTES)).toEqual(src);
  });

  it("DMASTZ to lines no cache holds: the write reaches DRAM after the lookups", async () => {
    const costs = { lookup: LOOKUP_CYCLES, hit: HIT_CYCLES };
    const dirty = (m: Machine) => m.backdoor.write(DST, src);
    const free = await timed(true, FREE, ZEROS, dirty);
    const paid = await timed(true, costs, ZEROS, dirty);
    // Its zeros are in the MFIFO at once, so the write's 4 lookups, not its data, hold it back.
    expect(paid.ps - free.ps).toBe((1 + BYTES / LINE) * lookupPs);
    expect(paid.m.backdoor.read(DST, BYTES)).toEqual(new Uint8Array(BYTES));
  });

  it("DMASTZ to lines the CPU holds: the hit's cost per line, and the CPU's copies are zeroed too", async () => {
    const costs = { lookup: 0, hit: HIT_CYCLES };
    const cached = (m: Machine) => m.cpu.write(lowmem(DST), src);
    const free = await timed(true, FREE, ZEROS, cached);
    const paid = await timed(true, costs, ZEROS, cached);
    expect(paid.ps - free.ps).toBe((BYTES / LINE) * hitPs);
    expect(paid.m.cpu.read(lowmem(DST), BYTES)).toEqual(new Uint8Array(BYTES));
    expect(paid.m.backdoor.cacheLineSummary(lowmem(DST), BYTES).differFromDram).toBe(0);
  });

  it("a port that does not snoop pays nothing, whatever the profile's snoop costs", async () => {
    const costs = { lookup: LOOKUP_CYCLES, hit: HIT_CYCLES };
    for (const prepare of [sourceInDram, cpuWritesSource]) {
      const free = await timed(false, FREE, MEMCPY(SRC), prepare);
      const paid = await timed(false, costs, MEMCPY(SRC), prepare);
      expect(paid.ps).toBe(free.ps);
      expect(paid.m.backdoor.read(DST, BYTES)).toEqual(paid.m.backdoor.read(SRC, BYTES));
    }
  });
});
