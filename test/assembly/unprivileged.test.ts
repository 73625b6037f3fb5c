// Unprivileged (EL0 / PL0) accesses through the CPU port over hand-written tables. The expected
// permissions per AP encoding are worked out by hand from spec mmu-cache §1.2 (AP[2:1], APTable)
// and §3.3 (AP[2:0] with SCTLR.AFE = 0).

import { describe, expect, it } from "vitest";
import { profileMachine, put32, put64, ZYNQ_7000, ARM64_A53 } from "../helpers/profile-machine.js";
import { CpuFault, MMU_V7_SHORT, MMU_V8_4K, type Machine } from "../../src/hw/machine.js";

type Access = "r" | "w";

/** What one access does: "ok", or the fault kind and address the port reports. */
function attempt(m: Machine, va: number, how: Access, user: boolean): string {
  m.cpu.setUnprivileged(user);
  try {
    if (how === "r") m.cpu.load(va + 4, 4);
    else m.cpu.store(va + 4, 4, 0x1234);
    return "ok";
  } catch (e) {
    if (!(e instanceof CpuFault)) throw e;
    expect(e.address).toBe(va + 4);
    expect(e.user).toBe(user);
    return e.kind === 3 ? "perm" : `fault ${e.kind}`;
  } finally {
    m.cpu.setUnprivileged(false);
  }
}

/** [PL1 read, PL1 write, PL0 read, PL0 write] of the page at va. */
function rights(m: Machine, va: number): string[] {
  return [attempt(m, va, "r", false), attempt(m, va, "w", false), attempt(m, va, "r", true), attempt(m, va, "w", true)];
}

const OK = "ok", NO = "perm";

// ---- ARMv7 short descriptors -------------------------------------------------------------------

const TTB = 0x4000;
const PT = 0x100000;
// Small page, n = 7 (TEX[0] C B: write-back write-allocate), AP[1:0] at [5:4], APX at 9.
const SMALL_WB = 0x2 | 0x40 | 0x8 | 0x4;
const APX = 0x200;
const V7_USER = 0x00400000; // L1 index 4 → the coarse table PT

/** AP[2:0] of each small page at V7_USER + i * 4 KB. */
const V7_AP = [0b000, 0b001, 0b010, 0b011, 0b101, 0b110, 0b111];

async function v7(): Promise<Machine> {
  const m = await profileMachine(ZYNQ_7000, { ram: [{ base: 0, size: 64 << 20 }] });
  put32(m, TTB + 4 * 4, PT | 0x1); // coarse table, domain 0
  V7_AP.forEach((ap, i) => {
    put32(m, PT + i * 4, (0x00200000 + i * 0x1000) | SMALL_WB | ((ap & 3) << 4) | (ap & 4 ? APX : 0));
  });
  m.mmu.setTexRemap(0xff0a81a8, 0x40e040e0);
  m.mmu.setDacr(0x55555555);
  m.mmu.setTtbr(0, TTB);
  m.mmu.setFormat(MMU_V7_SHORT);
  return m;
}

describe("ARMv7 PL0 accesses (AP[2:0], AFE = 0)", () => {
  it("grants each AP encoding what the architecture gives PL1 and PL0", async () => {
    const m = await v7();
    const got = Object.fromEntries(V7_AP.map((ap, i) => [ap.toString(2).padStart(3, "0"), rights(m, V7_USER + i * 0x1000)]));
    expect(got).toEqual({
      "000": [NO, NO, NO, NO],
      "001": [OK, OK, NO, NO],
      "010": [OK, OK, OK, NO], // PL1 read/write, PL0 read-only
      "011": [OK, OK, OK, OK],
      "101": [OK, NO, NO, NO],
      "110": [OK, NO, OK, NO],
      "111": [OK, NO, OK, NO],
    });
  });

  it("checks the privilege on a TLB hit: a page the kernel just touched still faults at PL0", async () => {
    const m = await v7();
    const va = V7_USER + 1 * 0x1000; // AP = 001
    m.cpu.load(va, 4);
    const hits = m.backdoor.stats().tlb.hits;
    expect(attempt(m, va, "r", true)).toBe(NO);
    expect(m.backdoor.stats().tlb.hits).toBe(hits + 1);
  });

  it("a manager domain skips AP at PL0 too, a no-access domain faults", async () => {
    const m = await v7();
    m.mmu.setDacr(0x55555555 | 3); // domain 0: manager
    expect(attempt(m, V7_USER, "w", true)).toBe(OK); // AP = 000
    m.mmu.setDacr(0x55555555 & ~3);
    expect(attempt(m, V7_USER + 3 * 0x1000, "r", true)).toBe("fault 5");
  });
});

// ---- VMSAv8-64 -----------------------------------------------------------------------------

const L1 = 0x40000000, L2 = 0x40001000, L3 = 0x40002000, L3_NOEL0 = 0x40003000, L3_RO = 0x40004000;
const MAIR_49 = 0x0000bbff440c0400n; // index 4: Normal WB
const PAGE = 3n | (1n << 10n) | (3n << 8n) | (4n << 2n); // valid page, AF, inner shareable, Normal WB
const AP_USER = 1n << 6n; // AP[1]
const AP_RO = 1n << 7n; // AP[2]
const APTABLE_NO_EL0 = 1n << 61n; // APTable[0]
const APTABLE_RO = 1n << 62n; // APTable[1]
const V8_USER = 0x400000; // L1[0] → L2[2] → L3

async function v8(): Promise<Machine> {
  const m = await profileMachine(ARM64_A53, { ram: [{ base: 0x40000000, size: 64 << 20 }] });
  put64(m, L1, BigInt(L2) | 3n);
  put64(m, L2 + 2 * 8, BigInt(L3) | 3n);
  const ap = [0n, AP_USER, AP_RO, AP_USER | AP_RO];
  ap.forEach((bits, i) => put64(m, L3 + i * 8, BigInt(0x40100000 + i * 0x1000) | PAGE | bits));
  // The same user read/write page below tables that take EL0 away, or writes.
  put64(m, L2 + 3 * 8, BigInt(L3_NOEL0) | 3n | APTABLE_NO_EL0);
  put64(m, L3_NOEL0, 0x40110000n | PAGE | AP_USER);
  put64(m, L2 + 4 * 8, BigInt(L3_RO) | 3n | APTABLE_RO);
  put64(m, L3_RO, 0x40120000n | PAGE | AP_USER);
  m.mmu.setMair(MAIR_49);
  m.mmu.setTtbr(0, L1);
  m.mmu.setFormat(MMU_V8_4K, 39);
  return m;
}

describe("ARMv8 EL0 accesses (AP[2:1], APTable)", () => {
  it("grants each AP[2:1] what the architecture gives EL1 and EL0", async () => {
    const m = await v8();
    const got = ["00", "01", "10", "11"].map((ap, i) => [ap, rights(m, V8_USER + i * 0x1000)]);
    expect(Object.fromEntries(got)).toEqual({
      "00": [OK, OK, NO, NO],
      "01": [OK, OK, OK, OK],
      "10": [OK, NO, NO, NO],
      "11": [OK, NO, OK, NO],
    });
  });

  it("APTable[0] takes EL0 access away below a table, APTable[1] writes at every level", async () => {
    const m = await v8();
    expect(rights(m, 0x600000)).toEqual([OK, OK, NO, NO]);
    expect(rights(m, 0x800000)).toEqual([OK, NO, OK, NO]);
  });

  it("a bulk EL0 read into a page EL0 may not read faults at the page's first byte", async () => {
    const m = await v8();
    m.cpu.setUnprivileged(true);
    // 0x401000 is EL0 read/write; 0x402000 (AP = 10) is not EL0's.
    expect(() => m.cpu.read(V8_USER + 0x1f00, 0x200)).toThrow(/user process: unhandled permission fault at 0x0000000000402000 \(SIGSEGV\)/);
    m.cpu.setUnprivileged(false);
    expect(m.cpu.read(V8_USER + 0x1f00, 0x200)).toHaveLength(0x200);
  });

  it("an EL0 access costs exactly what the same EL1 access costs", async () => {
    const run = async (user: boolean) => {
      const m = await v8();
      m.cpu.setUnprivileged(user);
      const va = V8_USER + 0x1000;
      m.cpu.write(va, new Uint8Array(300).fill(7));
      const v = m.cpu.load(va + 8, 4);
      m.cpu.store(va + 0x40, 2, 0xbeef);
      const bytes = m.cpu.read(va + 0x3e, 4);
      return { now: m.now(), v, bytes: [...bytes] };
    };
    const el1 = await run(false);
    expect(el1.v).toBe(0x07070707);
    expect(el1.bytes).toEqual([7, 7, 0xef, 0xbe]);
    expect(await run(true)).toEqual(el1);
  });
});
