// The PL310 outer cache through its registers (spec mmu-cache §4.2): line operations by physical
// address act on the line holding the written address; by set/way and whole ways; CTRL enables
// it. The L2 is reached by the CPU's misses only while enabled.

import { describe, expect, it } from "vitest";
import { profileMachine, put32, ZYNQ_7000 } from "../helpers/profile-machine.js";
import { DC_CLEAN_INVAL, MMU_V7_SHORT, type Machine } from "../../src/hw/machine.js";

const L2C = 0xf8f02000; // mapped VA = PA (a device section)
const CTRL = 0x100, SYNC = 0x730, INV_PA = 0x770, CLEAN_PA = 0x7b0, CLEAN_INV_PA = 0x7f0;
const CLEAN_INV_IDX = 0x7f8, CLEAN_INV_WAY = 0x7fc, INV_WAY = 0x77c;
const va = (pa: number) => 0xc0000000 + pa;

async function zynq(): Promise<Machine> {
  const m = await profileMachine(ZYNQ_7000, { ram: [{ base: 0, size: 64 << 20 }] });
  m.x.addPl310(L2C, 0x1000);
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

  it("counts the line operations the kernel issued", async () => {
    const m = await zynq();
    for (let i = 0; i < 5; i++) w(m, CLEAN_PA, 0x100000 + 32 * i);
    expect(m.x.pl310LineOps(0)).toBe(5);
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
});
