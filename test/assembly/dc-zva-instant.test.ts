// DC ZVA on a non-cacheable page writes its zeros to DRAM when they leave the core, after the
// walk of a TLB miss: a DMAC reading the block meanwhile must have run up to that instant
// first, as for every other uncached store. Here a PL330 on the arm64 profile reads the same
// 16 bytes of a Normal-NC page again and again and lays each copy down one after another, so
// its destination records when the zeros arrived: the copies read before hold the old bytes.
//
// The reference for each start instant is a twin machine whose TLB is warm and whose DC ZVA
// starts when the other's walk ends, so that its devices catch up at the start of the
// operation (begin), with nothing in between. A walk from L2 (the TLB warmed once, so its
// descriptors were filled into L2) touches no DRAM and changes nothing the DMAC sees.
//
// Costs by hand from the ARM64_A53 profile (1200 MHz, each figure rounded to ps as board.ts
// does): a TLB miss of 20 cycles (16.667 ns) and three descriptors (39-bit VA, 4 KB granule)
// read from L2 at 13 cycles (10.833 ns) each; a non-cacheable store issues in 2 cycles.

import { describe, expect, it } from "vitest";
import { ARM64_A53, cyclesPs, profileMachine, put64 } from "../helpers/profile-machine.js";
import { MMU_V8_4K, type Machine } from "../../src/hw/machine.js";
import { periodPs } from "../../src/hw/profile.js";
import { toVirt } from "../../src/hw/address.js";
import { assemble } from "../../src/tools/pl330/assembler.js";

const DMAC = 0xff6e0000;
const SRC = 0x40600000;
const DST = 0x40700000;
const PROG = 0x40800000;
const COPIES = 128;
const SRC_VA = toVirt(0xffffffc000002000n);
const NC_PAGE = 0x00e800000000070fn; // AttrIndx 3: Normal non-cacheable

/** The DMAC copying SRC[0..16) COPIES times into DST, started with the MMU off (its registers
 *  by PA), then the MMU on with SRC's page mapped Normal-NC and its translation walked once. */
async function a53Copying(): Promise<Machine> {
  const m = await profileMachine(ARM64_A53, { ram: [{ base: 0x40000000, size: 64 << 20 }] });
  const d = ARM64_A53.dmac.preset;
  m.x.addPl330(DMAC, 0x1000, d.channels, d.requests, d.events, d.dataWidthBits, d.bufferDepth, d.rdCap, d.wrCap,
    d.rdQueue, d.wrQueue, d.icacheLines, d.icacheLineBytes, d.revision, 0, 0, 0,
    periodPs(ARM64_A53.dmac.axiClockMHz), 0, ARM64_A53.dmac.deviceLatencyNs * 1000);
  m.backdoor.write(SRC, new Uint8Array(64).fill(0x22));
  const { bytes } = assemble(`DMAMOV SAR, ${SRC}
    DMAMOV DAR, ${DST}
    DMAMOV CCR, SB2 SS64 DB2 DS64 DAI
    DMALP ${COPIES}
      DMALD
      DMAST
    DMALPEND
    DMAWMB
    DMAEND`, { base: PROG });
  m.backdoor.write(PROG, bytes);
  put64(m, 0x40000000 + 256 * 8, 0x40001000n | 3n);
  put64(m, 0x40001000, 0x40002000n | 3n);
  put64(m, 0x40002000 + 2 * 8, BigInt(SRC) | NC_PAGE);
  m.mmu.setMair(0x0000bbff440c0400n);
  m.mmu.setTtbr(1, 0x40000000);
  m.cpu.store(DMAC + 0xd08, 4, 0x00a00000);
  m.cpu.store(DMAC + 0xd0c, 4, PROG);
  m.cpu.store(DMAC + 0xd04, 4, 0);
  m.mmu.setFormat(MMU_V8_4K, 39);
  m.cpu.load(SRC_VA, 4);
  return m;
}

/** DC ZVA of SRC's first block, starting at `at`; returns the op's length and, once the DMAC
 *  has finished, the first byte of each copy. */
async function zeroAt(at: number, tlb: "cold" | "warm"): Promise<{ ps: number; copies: number[] }> {
  const m = await a53Copying();
  expect(m.now()).toBeLessThan(at);
  m.idleUntil(at);
  if (tlb === "cold") m.mmu.tlbiAll();
  m.cpu.zva(SRC_VA);
  const ps = m.now() - at;
  m.idleUntil(at + 100_000_000);
  const dst = m.backdoor.read(DST, COPIES * 16);
  return { ps, copies: Array.from({ length: COPIES }, (_, i) => dst[i * 16]) };
}

describe("DC ZVA on a non-cacheable page after a TLB miss", () => {
  it("reaches DRAM after the copies the DMAC read during its walk, at any start instant", async () => {
    const issuePs = cyclesPs(ARM64_A53, 2);
    const walkPs = cyclesPs(ARM64_A53, 20) + 3 * cyclesPs(ARM64_A53, 13);
    let mixed = 0;
    for (let k = 0; k < 8; k++) {
      const start = 1_000_000 + k * 37_000;
      const cold = await zeroAt(start, "cold");
      expect(cold.ps).toBe(walkPs + issuePs);
      const twin = await zeroAt(start + walkPs, "warm");
      expect(twin.ps).toBe(issuePs);
      expect(cold.copies).toEqual(twin.copies);
      if (twin.copies.includes(0x22) && twin.copies.includes(0)) mixed++;
    }
    expect(mixed).toBe(8); // every start falls inside the copy: some copies before, some after
  });
});
