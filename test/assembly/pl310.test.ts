// The PL310 outer cache through its registers (spec mmu-cache §4.2): line operations by physical
// address act on the line holding the written address; by set/way and whole ways; CTRL enables
// it. The L2 is reached by the CPU's misses only while enabled.

import { describe, expect, it } from "vitest";
import { profileMachine, put32, cyclesPs, dramTransferPs, ZYNQ_7000 } from "../helpers/profile-machine.js";
import { DC_CLEAN_INVAL, MMU_V7_SHORT, type Machine } from "../../src/hw/machine.js";

const L2C = 0xf8f02000; // mapped VA = PA (a device section)
const CTRL = 0x100, SYNC = 0x730, INV_PA = 0x770, CLEAN_PA = 0x7b0, CLEAN_INV_PA = 0x7f0;
const CLEAN_INV_IDX = 0x7f8, CLEAN_INV_WAY = 0x7fc, INV_WAY = 0x77c, CLEAN_IDX = 0x7b8, CLEAN_WAY = 0x7bc;
const va = (pa: number) => 0xc0000000 + pa;

/** The Zynq-7000's L2C-310, or one of `ways` ways of the same 512 KB; the A9's next-line
 *  prefetcher on if asked. */
async function zynq(opts: { ways?: number; prefetch?: boolean } = {}): Promise<Machine> {
  const m = await profileMachine(ZYNQ_7000, {
    ram: [{ base: 0, size: 64 << 20 }],
    tweak: (p) => ({
      ...p,
      l2: opts.ways === undefined ? p.l2 : { ...p.l2!, ways: opts.ways },
      cpu: opts.prefetch ? { ...p.cpu, prefetch: { nextLine: true, speculativeEvery: 0, speculativeWindow: 0 } } : p.cpu,
    }),
  });
  m.x.addPl310(L2C, 0x1000, 0); // register access untimed here
  for (let mb = 0; mb < 64; mb++) put32(m, 0x4000 + (0xc00 + mb) * 4, (mb << 20) | 0x1140e);
  put32(m, 0x4000 + 0xf8f * 4, 0xf8f00000 | 0x2 | 0x10 | 0x400 | 0x1000 | 0x10000); // n = 4, Device
  m.mmu.setTexRemap(0xff0a81a8, 0x40e040e0);
  m.mmu.setDacr(0x55555555);
  m.mmu.setTtbr(0, 0x4000);
  m.mmu.setFormat(MMU_V7_SHORT);
  return m;
}

const w = (m: Machine, off: number, v: number) => m.cpu.store(L2C + off, 4, v);
const fill = (n: number, v: number) => new Uint8Array(n).fill(v);

/** Three dirty lines in L2 (and not in L1) at pa, pa+32, pa+64, holding 0xaa. */
function dirtyInL2(m: Machine, pa: number): void {
  m.cpu.write(va(pa), fill(96, 0xaa));
  m.cpu.dcache(DC_CLEAN_INVAL, va(pa), 96); // by VA: L1 → L2 only
  for (let i = 0; i < 3; i++) expect(m.backdoor.lineState(2, pa + 32 * i)).toBe(2 + 4);
}

describe("PL310 line operations by physical address", () => {
  it("clean writes back the line holding the (unaligned) address and keeps it", async () => {
    const m = await zynq();
    dirtyInL2(m, 0x200000);
    w(m, CLEAN_PA, 0x200000 + 32 + 7);
    w(m, SYNC, 0);
    expect(m.backdoor.read(0x200000, 96)).toEqual(Uint8Array.from([...fill(32, 0), ...fill(32, 0xaa), ...fill(32, 0)]));
    expect(m.backdoor.lineState(2, 0x200020)).toBe(1);
  });

  it("invalidate discards a dirty line; clean+invalidate writes it back first", async () => {
    const m = await zynq();
    dirtyInL2(m, 0x200000);
    w(m, INV_PA, 0x200000);
    w(m, CLEAN_INV_PA, 0x200040 + 31);
    expect(m.backdoor.lineState(2, 0x200000)).toBe(0);
    expect(m.backdoor.lineState(2, 0x200040)).toBe(0);
    expect(m.backdoor.read(0x200000, 96)).toEqual(Uint8Array.from([...fill(64, 0), ...fill(32, 0xaa)]));
    expect(m.cpu.read(va(0x200000), 32)).toEqual(fill(32, 0)); // the discarded data is gone
  });

  it("by set/way and by way mask", async () => {
    const m = await zynq();
    dirtyInL2(m, 0x200000);
    // An empty set fills way 0 first; index = PA[15:5] for 2048 sets of 32 bytes.
    w(m, CLEAN_INV_IDX, (0 << 28) | (((0x200020 >> 5) & 2047) << 5));
    expect(m.backdoor.lineState(2, 0x200020)).toBe(0);
    expect(m.backdoor.read(0x200020, 32)).toEqual(fill(32, 0xaa));
    w(m, CLEAN_INV_WAY, 0xff);
    expect(m.backdoor.lineState(2, 0x200000)).toBe(0);
    expect(m.backdoor.read(0x200000, 96)).toEqual(fill(96, 0xaa));
    dirtyInL2(m, 0x300000);
    w(m, INV_WAY, 0xff);
    expect(m.backdoor.read(0x300000, 96)).toEqual(fill(96, 0));
  });

  it("CACHE_SYNC completes when the write-backs of the line operations before it are in DRAM", async () => {
    // A register write costs the CPU the profile's MMIO time (60 ns: this PL310 has no latency
    // of its own); a line operation's write-back leaves before that time and is in DRAM 80 ns
    // + 8337 ps (32 bytes at 3838 MB/s) later. Line operations are 63 ns apart: no queueing.
    const mmioPs = ZYNQ_7000.cpu.mmioNs * 1000;
    const dramPs = ZYNQ_7000.dram.latencyNs * 1000 + dramTransferPs(ZYNQ_7000, 32);
    const m = await zynq();
    dirtyInL2(m, 0x200000);
    for (let i = 0; i < 3; i++) w(m, CLEAN_PA, 0x200000 + 32 * i);
    // The third write-back left mmioPs before now and reaches DRAM dramPs after it left; the
    // sync's own write then takes mmioPs.
    let t = m.now();
    w(m, SYNC, 0);
    expect(m.now() - t).toBe(dramPs); // dramPs − mmioPs of waiting, then the write
    // Nothing left in flight: a second sync, or one after an invalidate, costs its write only.
    t = m.now();
    w(m, SYNC, 0);
    expect(m.now() - t).toBe(mmioPs);
    dirtyInL2(m, 0x300000);
    w(m, INV_PA, 0x300000);
    t = m.now();
    w(m, SYNC, 0);
    expect(m.now() - t).toBe(mmioPs);
    // A whole-way clean is drained as line operations are: its two write-backs are waited for.
    w(m, CLEAN_WAY, 0xff);
    t = m.now();
    w(m, SYNC, 0);
    expect(m.now() - t).toBeGreaterThan(mmioPs);
    expect(m.backdoor.read(0x300020, 64)).toEqual(fill(64, 0xaa));
    t = m.now();
    w(m, SYNC, 0);
    expect(m.now() - t).toBe(mmioPs);
  });

  it("counts the line operations the kernel issued", async () => {
    const m = await zynq();
    for (let i = 0; i < 5; i++) w(m, CLEAN_PA, 0x100000 + 32 * i);
    expect(m.x.pl310LineOps(0)).toBe(5);
  });

  it("clean by set/way and clean by way mask write dirty lines back and keep them, in the selected ways only", async () => {
    const m = await zynq();
    dirtyInL2(m, 0x200000); // an empty set fills way 0 first: the three lines sit in way 0
    w(m, CLEAN_IDX, (0 << 28) | (((0x200020 >> 5) & 2047) << 5));
    expect(m.backdoor.read(0x200000, 96)).toEqual(Uint8Array.from([...fill(32, 0), ...fill(32, 0xaa), ...fill(32, 0)]));
    expect(m.backdoor.lineState(2, 0x200020)).toBe(1); // clean, still cached
    w(m, CLEAN_WAY, 0x02); // way 1 holds none of them
    expect(m.backdoor.lineState(2, 0x200000)).toBe(2 + 4);
    expect(m.backdoor.read(0x200000, 32)).toEqual(fill(32, 0));
    w(m, CLEAN_WAY, 0x01);
    expect([0x200000, 0x200020, 0x200040].map((pa) => m.backdoor.lineState(2, pa))).toEqual([1, 1, 1]);
    expect(m.backdoor.read(0x200000, 96)).toEqual(fill(96, 0xaa));
    expect(m.cpu.read(va(0x200000), 96)).toEqual(fill(96, 0xaa));
  });

  it("on an 8-way L2 the set/way way field is [30:28]: way 8 (bit 31 set) names way 0", async () => {
    const m = await zynq();
    dirtyInL2(m, 0x200000); // the three lines sit in way 0
    w(m, CLEAN_INV_IDX, ((8 << 28) | (((0x200020 >> 5) & 2047) << 5)) >>> 0);
    expect(m.backdoor.lineState(2, 0x200020)).toBe(0);
    expect(m.backdoor.read(0x200020, 32)).toEqual(fill(32, 0xaa));
    // Way 9 is way 1, which holds none of them: way 0's line at 0x200040 stays dirty.
    w(m, CLEAN_IDX, ((9 << 28) | (((0x200040 >> 5) & 2047) << 5)) >>> 0);
    expect(m.backdoor.lineState(2, 0x200040)).toBe(2 + 4);
    expect(m.backdoor.read(0x200040, 32)).toEqual(fill(32, 0));
  });

  it("on a 16-way L2 the set/way way field is [31:28]: way 8 is a way of its own, not way 0", async () => {
    // AUX_CTRL [16] = 1: 16 ways. 512 KB of 16 ways of 32-byte lines is 1024 sets: index PA[14:5].
    const m = await zynq({ ways: 16 });
    dirtyInL2(m, 0x200000); // an empty set fills way 0 first: the three lines sit in way 0
    w(m, CLEAN_INV_IDX, ((8 << 28) | (((0x200020 >> 5) & 1023) << 5)) >>> 0);
    expect(m.backdoor.lineState(2, 0x200020)).toBe(2 + 4); // still dirty in way 0
    expect(m.backdoor.read(0x200020, 32)).toEqual(fill(32, 0));
    w(m, CLEAN_INV_IDX, (0 << 28) | (((0x200020 >> 5) & 1023) << 5));
    expect(m.backdoor.lineState(2, 0x200020)).toBe(0);
    expect(m.backdoor.read(0x200020, 32)).toEqual(fill(32, 0xaa));
  });
});

describe("CACHE_SYNC completes when all the PL310's buffers are empty (TRM: LRB, LFB, STB, EB)", () => {
  // Zynq: a register write costs the CPU 60 ns (the profile's MMIO time); DRAM answers 80 ns
  // after a request and moves 3838 MB/s, so a 32-byte line holds the bus 8337 ps and a 4-byte
  // store 1042 ps. Nothing else is on the bus when each transfer is requested.
  const mmioPs = ZYNQ_7000.cpu.mmioNs * 1000;
  const latencyPs = ZYNQ_7000.dram.latencyNs * 1000;
  const maintPs = cyclesPs(ZYNQ_7000, ZYNQ_7000.cpu.maintCycles); // 3000: a DCCIMVAC
  const lineOut = latencyPs + dramTransferPs(ZYNQ_7000, 32);
  const wordOut = latencyPs + dramTransferPs(ZYNQ_7000, 4);
  /** The walk to the register window, so that a sync's time is its own. */
  const walkToRegisters = (m: Machine) => m.cpu.load(L2C + CTRL, 4);
  /** How long a CACHE_SYNC write takes the CPU. */
  const sync = (m: Machine) => {
    const t = m.now();
    w(m, SYNC, 0);
    return m.now() - t;
  };

  /** Lines 64 KB apart share one set of the 2048-set L2. Eight of them fill their set with dirty
   *  lines; then a ninth, dirty in L1 only (written while the L2 was off), is cleaned by VA into
   *  that set, which sends a dirty victim to DRAM. Returns when that victim left. */
  function evictDirtyVictim(m: Machine): number {
    const A = 0x200000;
    for (let k = 1; k <= 8; k++) {
      m.cpu.write(va(A + k * 0x10000), fill(32, k));
      m.cpu.dcache(DC_CLEAN_INVAL, va(A + k * 0x10000), 32); // L1 → L2, dirty there
    }
    for (let k = 1; k <= 8; k++) expect(m.backdoor.lineState(2, A + k * 0x10000)).toBe(2 + 4);
    w(m, CTRL, 0);
    m.cpu.write(va(A), fill(32, 0xaa)); // filled from DRAM into L1 alone
    w(m, CTRL, 1);
    const written = m.backdoor.stats().dram.bytesWritten;
    const t0 = m.now();
    m.cpu.dcache(DC_CLEAN_INVAL, va(A), 32);
    expect(m.now() - t0).toBe(maintPs); // the clean into L2; the victim's write-back is posted
    expect(m.backdoor.stats().dram.bytesWritten - written).toBe(32);
    expect(m.backdoor.lineState(2, A)).toBe(2 + 4);
    return m.now();
  }

  it("a sync right after an eviction's write-back waits for it to reach DRAM; the DSB before it does not", async () => {
    const m = await zynq();
    const left = evictDirtyVictim(m);
    m.cpu.barrier(); // v7_dma_clean_range's DSB: the victim is not the program's access
    expect(m.now()).toBe(left);
    // outer_clean_range's CACHE_SYNC: the eviction buffer drains lineOut after the victim left.
    expect(sync(m)).toBe(lineOut + mmioPs);
    expect(sync(m)).toBe(mmioPs);
  });

  it("a sync long after the eviction costs its register write only", async () => {
    const m = await zynq();
    evictDirtyVictim(m);
    m.cpu.spend(1000); // 1.5 us of instructions
    expect(sync(m)).toBe(mmioPs);
  });

  it("a write-through store and a posted non-cacheable store pass the store buffer: a sync right after waits for them", async () => {
    const m = await zynq();
    // Sections of their own, TEX remap n = TEX[0]:C:B: n = 2 (C) is inner write-through, n = 1
    // (B) Normal non-cacheable in Linux's PRRR/NMRR (0xff0a81a8 / 0x40e040e0).
    put32(m, 0x4000 + 0xd00 * 4, (1 << 20) | 0x1040a);
    put32(m, 0x4000 + 0xd01 * 4, (2 << 20) | 0x10406);
    const WT = 0xd0000000, NC = 0xd0100000;
    m.cpu.store(WT, 4, 1); // the walks, then wait out the stores
    m.cpu.store(NC, 4, 1);
    walkToRegisters(m);
    m.cpu.spend(1000);
    expect(sync(m)).toBe(mmioPs);
    // The write-through store misses L1 and L2, allocates nothing, and leaves for DRAM as it ends.
    m.cpu.store(WT + 64, 4, 0x1234);
    expect(m.backdoor.lineState(2, (1 << 20) + 64)).toBe(0);
    expect(sync(m)).toBe(wordOut + mmioPs);
    // The non-cacheable store is posted: it ends once issued, and reaches DRAM wordOut later.
    m.cpu.store(NC + 64, 4, 0x5678);
    expect(sync(m)).toBe(wordOut + mmioPs);
    expect(m.backdoor.read((1 << 20) + 64, 2)).toEqual(Uint8Array.of(0x34, 0x12));
    expect(m.backdoor.read((2 << 20) + 64, 2)).toEqual(Uint8Array.of(0x78, 0x56));
  });

  it("a prefetched line still on its way holds a sync until it arrives (line fill buffer)", async () => {
    const m = await zynq({ prefetch: true });
    m.cpu.load(va(0x400000), 4); // the walk; its miss prefetches the next line
    walkToRegisters(m);
    m.cpu.spend(1000);
    expect(sync(m)).toBe(mmioPs);
    // A miss at 0x400100: the load waits for its line, then the prefetcher requests 0x400120,
    // which arrives lineOut after the load ends.
    m.cpu.load(va(0x400100), 4);
    expect(m.backdoor.lineState(1, 0x400120)).toBe(1);
    expect(sync(m)).toBe(lineOut + mmioPs);
  });

  it("cached loads and stores that hit leave nothing in the buffers", async () => {
    const m = await zynq();
    m.cpu.write(va(0x300000), fill(256, 1)); // misses: their fills are waited for
    walkToRegisters(m);
    m.cpu.spend(1000);
    expect(sync(m)).toBe(mmioPs);
    m.cpu.write(va(0x300000), fill(256, 2));
    m.cpu.read(va(0x300000), 256);
    expect(sync(m)).toBe(mmioPs);
  });
});

describe("device registers", () => {
  it("take 32-bit accesses only: a byte load is an alignment fault", async () => {
    const m = await zynq();
    expect(() => m.cpu.load(L2C + CTRL, 1)).toThrow(/alignment fault at 0xf8f02100/);
  });
});

describe("PL310 enable", () => {
  it("while disabled, CPU misses bypass L2 and its lines are neither seen nor lost", async () => {
    const m = await zynq();
    dirtyInL2(m, 0x200000);
    expect(m.cpu.load(L2C + CTRL, 4)).toBe(1);
    w(m, CTRL, 0);
    expect(m.cpu.read(va(0x200000), 32)).toEqual(fill(32, 0)); // from DRAM
    m.cpu.dcache(DC_CLEAN_INVAL, va(0x200000), 32);
    w(m, CTRL, 1);
    expect(m.cpu.read(va(0x200000), 32)).toEqual(fill(32, 0xaa));
  });

  it("while disabled, a table walk reads its descriptor from DRAM; enabled again, it sees L2's copy", async () => {
    const m = await zynq();
    const descriptor = 0x4000 + 0xc03 * 4; // the section of va(0x300000)
    put32(m, 0x300040, 0x11111111);
    put32(m, 0x500040, 0x22222222);
    m.cpu.load(va(0x300000), 4); // its walk brings the descriptor's line into L2
    w(m, CTRL, 0);
    put32(m, descriptor, (5 << 20) | 0x1140e); // remapped to PA 0x500000 in DRAM only
    m.x.tlbiAll();
    expect(m.cpu.load(va(0x300040), 4) >>> 0).toBe(0x22222222);
    w(m, CTRL, 1);
    m.x.tlbiAll();
    // L2's line still holds the old descriptor, which the walk now finds (nobody maintained it).
    expect(m.cpu.load(va(0x300040), 4) >>> 0).toBe(0x11111111);
  });
});

// Cache Type and RAM latency control as a driver reads them (L2C-310 TRM r3p3 §3.3.1, §3.3.4;
// Zynq's values from UG585 appendix B). Expected words are assembled here field by field.
const CACHE_TYPE = 0x004, AUX = 0x104, TAG_LAT = 0x108, DATA_LAT = 0x10c;
const r = (m: Machine, off: number) => m.cpu.load(L2C + off, 4) >>> 0;

/** Data banking, ctype 0b1111 (lockdown by master and by line), unified, 32-byte lines. */
function cacheType(waySizeCode: number, sixteenWays: boolean): number {
  const a = sixteenWays ? 1 : 0;
  return ((1 << 31) | (0xf << 25) | (waySizeCode << 20) | (a << 18) | (waySizeCode << 8) | (a << 6)) >>> 0;
}

describe("PL310 Cache Type", () => {
  it("reports Zynq's 512 KB, 8 × 64 KB ways: 0x9E300300, as UG585 gives it", async () => {
    const m = await zynq();
    expect(r(m, AUX)).toBe(0x02060000);
    expect(r(m, CACHE_TYPE)).toBe(cacheType(0b011, false));
    expect(r(m, CACHE_TYPE)).toBe(0x9e300300);
  });

  it("mirrors the way size and associativity software writes to AUX_CTRL while disabled", async () => {
    const m = await zynq();
    w(m, CTRL, 0);
    w(m, AUX, 0x02000000 | (0b101 << 17) | (1 << 16)); // 256 KB ways, 16 ways
    expect(r(m, CACHE_TYPE)).toBe(cacheType(0b101, true));
    w(m, CTRL, 1);
    w(m, AUX, 0x02000000 | (0b010 << 17)); // ignored while enabled
    expect(r(m, CACHE_TYPE)).toBe(cacheType(0b101, true));
  });

  it("describes the L2 the profile configures: 256 KB of 16 ways is 16 KB ways", async () => {
    const m = await profileMachine(ZYNQ_7000, {
      ram: [{ base: 0, size: 64 << 20 }],
      tweak: (p) => ({ ...p, l2: { ...p.l2!, sizeBytes: 256 * 1024, ways: 16 } }),
    });
    m.x.addPl310(L2C, 0x1000, 0); // register access untimed here
    // MMU off: the register window is reached at its physical address.
    expect(m.cpu.load(L2C + AUX, 4) >>> 0).toBe(0x02000000 | (0b001 << 17) | (1 << 16));
    expect(m.cpu.load(L2C + CACHE_TYPE, 4) >>> 0).toBe(cacheType(0b001, true));
  });
});

describe("PL310 tag and data RAM latency control", () => {
  it("reset to 0x777 (8 cycles setup, read and write) and read back what is written while disabled", async () => {
    const m = await zynq();
    expect([r(m, TAG_LAT), r(m, DATA_LAT)]).toEqual([0x777, 0x777]);
    w(m, CTRL, 0);
    // Linux's L310_LATENCY_CTRL_{RD,WR,SETUP}(n - 1) for arm,tag-latency = <2 2 2> and
    // arm,data-latency = <3 2 2>: read at [6:4], write at [10:8], setup at [2:0].
    w(m, TAG_LAT, (1 << 4) | (1 << 8) | 1);
    w(m, DATA_LAT, (2 << 4) | (1 << 8) | 1);
    expect([r(m, TAG_LAT), r(m, DATA_LAT)]).toEqual([0x111, 0x121]);
    w(m, TAG_LAT, 0xffffffff); // reserved bits 3, 7 and [31:11] read 0
    expect(r(m, TAG_LAT)).toBe(0x777);
  });

  it("ignore writes while the cache is enabled, as AUX_CTRL does", async () => {
    const m = await zynq();
    w(m, TAG_LAT, 0x111);
    w(m, DATA_LAT, 0x121);
    expect([r(m, TAG_LAT), r(m, DATA_LAT)]).toEqual([0x777, 0x777]);
  });
});

describe("PL310 Debug Control (0xF40)", () => {
  it("DWB [1] and DCL [0] read back what is written; SPNIDEN [2] reads the input (held low), not the write", async () => {
    const m = await zynq();
    const DEBUG_CTRL = 0xf40;
    expect(r(m, DEBUG_CTRL)).toBe(0);
    w(m, DEBUG_CTRL, 0x7);
    expect(r(m, DEBUG_CTRL)).toBe(0x3);
    w(m, DEBUG_CTRL, 0x4);
    expect(r(m, DEBUG_CTRL)).toBe(0);
  });
});
