// The cache levels through the CPU port: real data, write-back and write-allocate, replacement,
// and the counters a PMU would show. Expected counts come from hand traces and from a small
// reference model written here (LRU by stamps for the arm64 profile; the documented 16-bit LFSR
// for the Zynq profile's pseudo-random replacement).

import { describe, expect, it } from "vitest";
import { profileMachine, put32, put64, ARM64_A53, ZYNQ_7000 } from "../helpers/profile-machine.js";
import { DC_CLEAN_INVAL, MMU_V7_SHORT, MMU_V8_4K, type Machine } from "../../src/hw/machine.js";
import type { MachineProfile } from "../../src/hw/profile.js";
import { toVirt } from "../../src/hw/address.js";

const noWalkFills = (p: MachineProfile): MachineProfile => ({ ...p, walk: { ...p.walk, allocateInL2: false } });

/** arm64: RAM at 0x4000_0000 mapped by one 1 GB block at VA 0xffffffc0_4000_0000. */
async function arm64(tweak = noWalkFills): Promise<{ m: Machine; va: (pa: number) => number }> {
  const m = await profileMachine(ARM64_A53, { ram: [{ base: 0x40000000, size: 64 << 20 }], tweak });
  put64(m, 0x40000000 + 257 * 8, 0x40000000n | 0x00e8000000000711n);
  m.mmu.setMair(0x0000bbff440c0400n);
  m.mmu.setTtbr(1, 0x40000000);
  m.mmu.setFormat(MMU_V8_4K, 39);
  return { m, va: (pa) => toVirt(0xffffffc000000000n + BigInt(pa)) };
}

/** Zynq: RAM at 0 mapped by lowmem sections at 0xc000_0000 (n = 7, write-back write-allocate). */
async function zynq(tweak = noWalkFills): Promise<{ m: Machine; va: (pa: number) => number }> {
  const m = await profileMachine(ZYNQ_7000, { ram: [{ base: 0, size: 64 << 20 }], tweak });
  for (let mb = 0; mb < 64; mb++) put32(m, 0x4000 + (0xc00 + mb) * 4, (mb << 20) | 0x1140e);
  m.mmu.setTexRemap(0xff0a81a8, 0x40e040e0);
  m.mmu.setDacr(0x55555555);
  m.mmu.setTtbr(0, 0x4000);
  m.mmu.setFormat(MMU_V7_SHORT);
  return { m, va: (pa) => 0xc0000000 + pa };
}

const delta = (m: Machine, f: () => void) => {
  const a = m.backdoor.stats();
  f();
  const b = m.backdoor.stats();
  const d = (x: { [k: string]: number }, y: { [k: string]: number }) =>
    Object.fromEntries(Object.keys(x).map((k) => [k, y[k] - x[k]]));
  return { l1: d(a.l1 as never, b.l1 as never), l2: d(a.l2 as never, b.l2 as never), dram: d(a.dram as never, b.dram as never) };
};

describe("hand traces", () => {
  it("arm64 (LRU): a fifth line in a 4-way set evicts the least recent; dirty victims go to L2", async () => {
    const { m, va } = await arm64();
    const A = (i: number) => va(0x40100000 + i * 8192); // 128 sets × 64 B: 8 KB apart, one set
    for (let i = 0; i < 5; i++) m.mmu.translate(A(i)); // TLB warm: walks read DRAM too
    const d = delta(m, () => {
      for (let i = 0; i < 5; i++) m.cpu.store(A(i), 4, 0x100 + i);
      expect(m.cpu.load(A(0), 4)).toBe(0x100);
    });
    // L1: 6 misses; A4 evicts A0 (dirty → L2, where A0's fill left it: a hit); loading A0 again
    // evicts A1 (dirty → L2 hit) and finds A0 in L2. L2: misses for A0..A4 fills, 3 hits.
    expect(d.l1).toMatchObject({ hits: 0, misses: 6, writebacks: 2, evictions: 2 });
    expect(d.l2).toMatchObject({ hits: 3, misses: 5, writebacks: 0, evictions: 0 });
    expect(d.dram.bytesRead).toBe(5 * 64);
    expect(d.dram.bytesWritten).toBe(0);
    // A0 is back in L1, clean, from L2's dirty copy: neither matches DRAM, which still has zeros.
    expect(m.backdoor.lineState(1, 0x40100000)).toBe(1 + 4);
    expect(m.backdoor.lineState(2, 0x40100000)).toBe(2 + 4);
  });

  it("zynq (pseudo-random): with no empty way the LFSR picks the victim (0xACE1 → 0x5670: way 0)", async () => {
    const { m, va } = await zynq();
    const A = (i: number) => va(0x100000 + i * 8192); // 256 sets × 32 B: 8 KB apart
    const d = delta(m, () => {
      for (let i = 0; i < 5; i++) m.cpu.store(A(i), 4, 0x200 + i);
    });
    expect(d.l1).toMatchObject({ misses: 5, writebacks: 1, evictions: 1 });
    expect(m.backdoor.lineState(1, 0x100000)).toBe(0); // A0 was in way 0
    expect(m.backdoor.lineState(2, 0x100000)).toBe(2 + 4);
    for (let i = 1; i < 5; i++) expect(m.backdoor.lineState(1, 0x100000 + i * 8192)).toBe(2 + 4);
  });

  it("arm64: a line is found in its L2 set past a line with the same tag hash dropped before it", async () => {
    const { m, va } = await arm64();
    // 16 MiB apart: the same set in L1 and L2, and the same low tag byte in the 1024-set L2.
    const Z = 0x40100000, X = Z + (16 << 20);
    m.mmu.translate(va(Z));
    m.mmu.translate(va(X));
    m.cpu.load(va(Z), 4); // L1 way 0, L2 way 0
    m.cpu.store(va(X), 4, 0x5a5a5a5a); // L1 way 1, L2 way 1
    m.cpu.dcache(DC_CLEAN_INVAL, va(Z), 4); // way 0 of both sets is empty again
    expect(m.backdoor.lineState(2, Z)).toBe(0);
    expect(m.backdoor.lineState(2, X)).toBe(1);
    // Cleaning X writes L1's dirty copy into L2's copy in way 1 (a hit, not a second fill),
    // then to DRAM.
    const d = delta(m, () => m.cpu.dcache(DC_CLEAN_INVAL, va(X), 4));
    expect(d.l1).toMatchObject({ writebacks: 1 });
    expect(d.l2).toMatchObject({ hits: 1, misses: 0, writebacks: 1 });
    expect(d.dram.bytesWritten).toBe(64);
    expect(m.backdoor.read(X, 4)).toEqual(Uint8Array.from([0x5a, 0x5a, 0x5a, 0x5a]));
  });

  it("write-allocate: a store miss fills the line from below, keeping the bytes it did not write", async () => {
    const { m, va } = await arm64();
    m.backdoor.write(0x40100000, Uint8Array.from({ length: 64 }, (_, i) => i));
    m.cpu.store(va(0x40100010), 4, 0xaabbccdd);
    const want = Uint8Array.from({ length: 64 }, (_, i) => i);
    want.set([0xdd, 0xcc, 0xbb, 0xaa], 16);
    expect(m.cpu.read(va(0x40100000), 64)).toEqual(want);
    expect(m.backdoor.read(0x40100000, 64)).toEqual(Uint8Array.from({ length: 64 }, (_, i) => i));
  });
});

// ---- a reference model ------------------------------------------------------------------------

class RefCache {
  tags: number[];
  stamps: number[];
  dirty: boolean[];
  clock = 0;
  lfsr = 0xace1;
  hits = 0;
  misses = 0;
  writebacks = 0;
  victim = -1;

  constructor(readonly sets: number, readonly ways: number, readonly random: boolean) {
    this.tags = new Array(sets * ways).fill(-1);
    this.stamps = new Array(sets * ways).fill(0);
    this.dirty = new Array(sets * ways).fill(false);
  }

  /** 0 hit, 1 miss, 2 miss with a dirty victim (its line in `victim`). */
  access(line: number, write: boolean): number {
    const base = (line % this.sets) * this.ways;
    for (let w = 0; w < this.ways; w++) {
      if (this.tags[base + w] === line) {
        this.stamps[base + w] = ++this.clock;
        if (write) this.dirty[base + w] = true;
        this.hits++;
        return 0;
      }
    }
    this.misses++;
    let v = -1;
    for (let w = 0; w < this.ways && v < 0; w++) if (this.tags[base + w] === -1) v = w;
    if (v < 0) {
      if (this.random) {
        const x = this.lfsr;
        const bit = (x ^ (x >> 2) ^ (x >> 3) ^ (x >> 5)) & 1;
        this.lfsr = (x >> 1) | (bit << 15);
        v = this.lfsr % this.ways;
      } else {
        v = 0;
        for (let w = 1; w < this.ways; w++) if (this.stamps[base + w] < this.stamps[base + v]) v = w;
      }
    }
    let r = 1;
    if (this.dirty[base + v]) {
      this.writebacks++;
      this.victim = this.tags[base + v];
      r = 2;
    }
    this.tags[base + v] = line;
    this.stamps[base + v] = ++this.clock;
    this.dirty[base + v] = write;
    return r;
  }
}

function reference(p: MachineProfile, trace: { pa: number; write: boolean }[]) {
  const line = Math.log2(p.l1d.lineBytes);
  const sets = (s: { sizeBytes: number; ways: number; lineBytes: number }) => s.sizeBytes / (s.ways * s.lineBytes);
  const l1 = new RefCache(sets(p.l1d), p.l1d.ways, p.l1d.replacement === "random");
  const l2 = new RefCache(sets(p.l2!), p.l2!.ways, p.l2!.replacement === "random");
  for (const { pa, write } of trace) {
    const n = Math.floor(pa / 2 ** line);
    const r = l1.access(n, write);
    if (r) {
      if (r === 2) l2.access(l1.victim, true);
      l2.access(n, false);
    }
  }
  const c = (x: RefCache) => ({ hits: x.hits, misses: x.misses, writebacks: x.writebacks });
  return { l1: c(l1), l2: c(l2) };
}

/** A deterministic trace: 60 % a stride-4 sweep of 64 KB, 40 % uniform in 4 MB, 30 % stores. */
function trace(base: number, n: number) {
  let s = 0x9e3779b9;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  let seq = 0;
  const out: { pa: number; write: boolean }[] = [];
  for (let i = 0; i < n; i++) {
    const r = next();
    let off: number;
    if (r % 10 < 6) {
      off = seq;
      seq = (seq + 4) % 65536;
    } else off = 65536 + (next() % (4 << 20));
    out.push({ pa: base + (off & ~3), write: (r >>> 8) % 10 < 3 });
  }
  return out;
}

describe("a 20,000-access trace against a reference model", () => {
  for (const [name, profile, make, base] of [
    ["arm64 (L1 32 KB 4-way 64 B + L2 1 MB 16-way, LRU)", ARM64_A53, arm64, 0x40100000],
    ["zynq-7000 (L1 32 KB 4-way 32 B + PL310 512 KB 8-way, pseudo-random)", ZYNQ_7000, zynq, 0x100000],
  ] as const) {
    it(`gives the model's hit, miss and write-back counts on ${name}`, async () => {
      const { m, va } = await make(noWalkFills);
      const t = trace(base, 20000);
      const want = reference(profile, t);
      const d = delta(m, () => {
        for (const { pa, write } of t) {
          if (write) m.cpu.store(va(pa), 4, pa);
          else m.cpu.load(va(pa), 4);
        }
      });
      expect(d.l1).toMatchObject(want.l1);
      expect(d.l2).toMatchObject(want.l2);
      // And the data is right: every word reads back what was last stored there (or 0).
      const last = new Map<number, number>();
      for (const { pa, write } of t) if (write) last.set(pa, pa);
      for (const [pa, v] of [...last].slice(0, 200)) expect(m.cpu.load(va(pa), 4)).toBe(v >>> 0);
    });
  }
});

describe("statistics and time", () => {
  it("counts bytes to and from DRAM: a cold 4 KB read fills 64 lines, a clean writes them back", async () => {
    const { m, va } = await arm64();
    m.mmu.translate(va(0x40200000));
    const d = delta(m, () => m.cpu.read(va(0x40200000), 4096));
    expect(d.dram.bytesRead).toBe(4096);
    m.cpu.fill(va(0x40200000), 7, 4096);
    const c = delta(m, () => m.cpu.dcache(0, va(0x40200000), 4096));
    expect(c.dram.bytesWritten).toBe(4096);
    expect(c.l1.writebacks).toBe(64);
    expect(c.l2.writebacks).toBe(64);
  });

  it("an L1 hit costs the profile's l1HitCycles, an L2 hit l2HitCycles more", async () => {
    const { m, va } = await arm64();
    const cyc = 1e6 / ARM64_A53.cpu.clockMHz;
    m.cpu.load(va(0x40300000), 4); // TLB and lines warm
    let t = m.now();
    m.cpu.load(va(0x40300008), 4);
    expect(m.now() - t).toBe(Math.round(ARM64_A53.cpu.l1HitCycles * cyc));
    // Push the line out of L1 only: five more lines in its set.
    for (let i = 1; i <= 4; i++) m.cpu.load(va(0x40300000 + i * 8192), 4);
    expect(m.backdoor.lineState(1, 0x40300000)).toBe(0);
    t = m.now();
    m.cpu.load(va(0x40300000), 4);
    expect(m.now() - t).toBe(Math.round(ARM64_A53.cpu.l2HitCycles * cyc) + Math.round(ARM64_A53.cpu.l1HitCycles * cyc));
  });
});
