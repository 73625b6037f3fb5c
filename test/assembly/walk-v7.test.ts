// ARMv7 short-descriptor walks over hand-written tables, with the TEX remap registers Linux sets
// (PRRR 0xff0a81a8, NMRR 0x40e040e0; spec mmu-cache §3). Expected values are decoded by hand.

import { describe, expect, it } from "vitest";
import { profileMachine, put32, ZYNQ_7000 } from "../helpers/profile-machine.js";
import { MMU_V7_SHORT, decodeAttr, type Machine, type WalkResult } from "../../src/hw/machine.js";

const TTB = 0x4000;
const PT = 0x100000; // a coarse table
const PT5 = 0x100400; // a coarse table in domain 5

// Small-page bits: [1] small, [0] XN, [2] B, [3] C, [5:4] AP[1:0], [8:6] TEX, [9] APX, [10] S, [11] nG.
const SMALL = 0x2, XN = 0x1, B = 0x4, C = 0x8, AP01 = 0x10, AP11 = 0x30, TEX0 = 0x40, APX = 0x200, S = 0x400, NG = 0x800;

async function v7(): Promise<Machine> {
  const m = await profileMachine(ZYNQ_7000, { ram: [{ base: 0, size: 64 << 20 }] });
  put32(m, TTB + 0xc00 * 4, 0x00000000 | 0x1140e); // lowmem section: S, TEX=001, AP=01, C, B (n = 7)
  // Supersection PA 0x2_4500_0000 (PA[35:32] = 2 in bits [23:20]), XN, repeated 16 times.
  for (let i = 0; i < 16; i++) put32(m, TTB + (0xd00 + i) * 4, 0x45000000 | (0x2 << 20) | (1 << 18) | 0x1140e | 0x10);
  put32(m, TTB + 0xc01 * 4, 0x00100000 | 0x2 | (5 << 5) | 0x400 | 0xc | 0x1000); // section in domain 5
  put32(m, TTB + 0xc02 * 4, 0x00200003); // 0b11: a PXN section, LPAE cores only
  put32(m, TTB + 0xe08 * 4, PT | 0x1);
  put32(m, TTB + 0xe09 * 4, PT5 | 0x1 | (5 << 5));
  put32(m, PT + 0x03 * 4, 0x00123000 | 0x417); // n = 1, the DMA-coherent page of spec §3.4
  put32(m, PT + 0x04 * 4, 0x00124000 | SMALL | XN | AP01 | TEX0 | S); // n = 4 device
  put32(m, PT + 0x05 * 4, 0x00125000 | SMALL | C | AP01); // n = 2 write-through
  put32(m, PT + 0x06 * 4, 0x00126000 | SMALL | C | B | AP01); // n = 3 write-back, no write-allocate
  put32(m, PT + 0x07 * 4, 0x00127000 | SMALL | AP01); // n = 0 strongly-ordered
  put32(m, PT + 0x08 * 4, 0x00128000 | SMALL | C | B | TEX0 | AP01 | APX); // read-only
  put32(m, PT + 0x09 * 4, 0x00129000 | SMALL | C | B | TEX0); // AP = 000: no access
  put32(m, PT + 0x0a * 4, 0x0012a000 | SMALL | C | B | TEX0 | AP11 | NG);
  // A 64 KB large page ([15] XN, [14:12] TEX, [11] nG, [10] S, [9] APX) in 16 consecutive entries.
  for (let i = 0x10; i < 0x20; i++) put32(m, PT + i * 4, 0x00200000 | 0x1 | 0x10 | 0xc | 0x400 | 0x1000);
  put32(m, PT5 + 0x00 * 4, 0x00130000 | SMALL | C | B | TEX0); // domain 5, AP = 000
  m.mmu.setTexRemap(0xff0a81a8, 0x40e040e0);
  m.mmu.setDacr(0x55555555);
  m.mmu.setTtbr(0, TTB);
  m.mmu.setFormat(MMU_V7_SHORT);
  return m;
}

function ok(r: ReturnType<Machine["mmu"]["walk"]>): WalkResult {
  if (!("pa" in r)) throw new Error(`unexpected fault ${JSON.stringify(r)}`);
  return r;
}

describe("ARMv7 short descriptors with Linux's TEX remap", () => {
  it("translates a 1 MB section (lowmem, n = 7 write-back write-allocate, shareable)", async () => {
    const m = await v7();
    const r = ok(m.mmu.walk(0xc0012345));
    expect(r).toMatchObject({ pa: 0x00012345, size: 1 << 20, memAttr: 7, descriptor: 0x1140en });
    expect(decodeAttr(r.attr)).toEqual({
      memType: "Normal WB", noWriteAllocate: false, readOnly: false, noAccess: false, user: false, userReadOnly: false,
      xn: false, pxn: false, shareability: "inner", global: true, domain: 0, level: 1,
    });
  });

  it("translates a 16 MB supersection to a physical address above 4 GB", async () => {
    const m = await v7();
    const r = ok(m.mmu.walk(0xd0123456));
    expect(r).toMatchObject({ pa: 0x245123456, size: 16 << 20 });
    expect(decodeAttr(r.attr)).toMatchObject({ xn: true, domain: 0 });
  });

  it("translates small and large pages of a coarse table", async () => {
    const m = await v7();
    expect(ok(m.mmu.walk(0xe0803abc))).toMatchObject({ pa: 0x00123abc, size: 4096, memAttr: 1 });
    const large = ok(m.mmu.walk(0xe081abcd));
    expect(large).toMatchObject({ pa: 0x0020abcd, size: 64 << 10, memAttr: 7 });
    expect(decodeAttr(large.attr)).toMatchObject({ memType: "Normal WB", level: 2, xn: false });
  });

  it("indexes the coarse table with VA[19:12], all 8 bits: entry 0x80 and above", async () => {
    const m = await v7();
    // 256 entries of 4 bytes (the 1 KB table): VA 0xe08ff000 reads entry 0xff, 0xe0880000 entry 0x80.
    put32(m, PT + 0x80 * 4, 0x00180000 | SMALL | C | B | TEX0 | AP01);
    put32(m, PT + 0xff * 4, 0x001ff000 | SMALL | C | B | TEX0 | AP01);
    expect(ok(m.mmu.walk(0xe0880123))).toMatchObject({ pa: 0x00180123, size: 4096, memAttr: 7 });
    expect(ok(m.mmu.walk(0xe08ffffc))).toMatchObject({ pa: 0x001ffffc, size: 4096, memAttr: 7 });
  });

  it("remaps every TEX[0]:C:B index Linux uses to its memory type", async () => {
    const m = await v7();
    const type = (va: number) => decodeAttr(ok(m.mmu.walk(va)).attr);
    expect(type(0xe0803000)).toMatchObject({ memType: "Normal NC", xn: true, shareability: "inner" }); // n 1
    expect(type(0xe0805000)).toMatchObject({ memType: "Normal WT", shareability: "non-shareable" }); // n 2
    expect(type(0xe0806000)).toMatchObject({ memType: "Normal WB", noWriteAllocate: true }); // n 3
    expect(type(0xe0804000)).toMatchObject({ memType: "Device", shareability: "inner" }); // n 4, S
    expect(type(0xe0807000)).toMatchObject({ memType: "Device", shareability: "inner" }); // n 0: always shareable
  });

  it("checks AP per access: APX makes a page read-only, AP = 000 forbids any access", async () => {
    const m = await v7();
    expect(m.mmu.translate(0xe0808010)).toMatchObject({ pa: 0x00128010 });
    expect(m.mmu.translate(0xe0808010, true)).toEqual({ fault: 3, level: 2 });
    expect(m.mmu.lastFaultAddress()).toBe(0xe0808010);
    expect(m.mmu.translate(0xe0809000)).toEqual({ fault: 3, level: 2 });
    expect(decodeAttr(ok(m.mmu.walk(0xe080a000)).attr)).toMatchObject({ user: true, global: false });
  });

  it("checks domains per access: no access faults, a manager skips the AP check", async () => {
    const m = await v7();
    expect(m.mmu.translate(0xe0900000)).toEqual({ fault: 3, level: 2 }); // client: AP = 000
    m.mmu.setDacr(0x55555555 & ~(3 << 10)); // domain 5: no access
    expect(m.mmu.translate(0xe0900000)).toEqual({ fault: 5, level: 2 });
    expect(m.mmu.translate(0xc0100000)).toEqual({ fault: 5, level: 1 });
    expect(m.mmu.translate(0xc0000000)).toMatchObject({ pa: 0 }); // domain 0 unaffected
    m.mmu.setDacr(0x55555555 | (3 << 10)); // domain 5: manager
    expect(m.mmu.translate(0xe0900004)).toMatchObject({ pa: 0x00130004 });
  });

  it("reads all four domain bits [8:5]: domains 8-15 are not folded onto 0-7", async () => {
    const m = await v7();
    // A section and a coarse table in domain 13 (0b1101), beside domain 5's (0b0101).
    put32(m, TTB + 0xc03 * 4, 0x00300000 | 0x2 | (13 << 5) | 0x400 | 0xc | 0x1000);
    put32(m, TTB + 0xe0a * 4, PT | 0x1 | (13 << 5));
    expect(decodeAttr(ok(m.mmu.walk(0xc0300000)).attr)).toMatchObject({ domain: 13, level: 1 });
    expect(decodeAttr(ok(m.mmu.walk(0xe0a03000)).attr)).toMatchObject({ domain: 13, level: 2 });
    m.mmu.setDacr(0x55555555 & ~(3 << 26)); // DACR D13 (bits 27:26) = 00: no access; domain 5 a client
    expect(m.mmu.translate(0xc0300000)).toEqual({ fault: 5, level: 1 });
    expect(m.mmu.translate(0xe0a03000)).toEqual({ fault: 5, level: 2 });
    expect(m.mmu.translate(0xc0100000)).toMatchObject({ pa: 0x00100000 });
  });

  it("faults on empty first- and second-level entries and on the 0b11 first-level type", async () => {
    const m = await v7();
    expect(m.mmu.walk(0xd8000000)).toEqual({ fault: 1, level: 1 });
    expect(m.mmu.walk(0xe080b000)).toEqual({ fault: 1, level: 2 });
    expect(m.mmu.walk(0xc0200000)).toEqual({ fault: 1, level: 1 });
  });

  it("walks cost one descriptor read for a section and two for a page", async () => {
    const m = await v7();
    const reads = () => m.backdoor.stats().tlb.descriptorReads;
    const r0 = reads();
    m.mmu.translate(0xc0000000);
    const r1 = reads();
    m.mmu.translate(0xe0803000);
    expect([r1 - r0, reads() - r1]).toEqual([1, 2]);
  });

  it("takes a supersection's PA[39:36] from bits [8:5], which then name no domain: it is always domain 0", async () => {
    // Spec mmu-cache §3.2: [31:24] PA[31:24], [23:20] PA[35:32], [8:5] PA[39:36], domain 0.
    const m = await v7();
    for (let i = 0; i < 16; i++) put32(m, TTB + (0xa00 + i) * 4, 0x12000000 | (0x3 << 20) | (1 << 18) | (0x5 << 5) | 0x1140e);
    const r = ok(m.mmu.walk(0xa0abcdef));
    expect(r).toMatchObject({ pa: 0x5312abcdef, size: 16 << 20, memAttr: 7 });
    expect(decodeAttr(r.attr)).toMatchObject({ domain: 0, level: 1 });
    m.mmu.setDacr(0x55555555 & ~(3 << 10)); // domain 5 (bits [8:5] = 5) no access: not this one's
    expect(m.mmu.translate(0xa0abcdef)).toMatchObject({ pa: 0x5312abcdef });
  });

  it("marks a section with nG (bit 17) not global, and a large page with bit 15 execute-never", async () => {
    const m = await v7();
    put32(m, TTB + 0xc03 * 4, 0x00300000 | 0x1140e | (1 << 17));
    expect(decodeAttr(ok(m.mmu.walk(0xc0312345)).attr)).toMatchObject({ global: false, level: 1, domain: 0 });
    // Large page: [15] XN, [14:12] TEX = 001, S, AP = 01, C, B (n = 7).
    for (let i = 0x20; i < 0x30; i++) put32(m, PT + i * 4, 0x00300000 | 0x1 | (1 << 15) | 0x1000 | 0x400 | 0x10 | 0xc);
    const large = ok(m.mmu.walk(0xe0824567));
    expect(large).toMatchObject({ pa: 0x00304567, size: 64 << 10, memAttr: 7 });
    expect(decodeAttr(large.attr)).toMatchObject({ xn: true, global: true });
  });

  it("decodes AP = 010 as PL0 read-only over PL1 read/write, and AP = 110 as read-only for both", async () => {
    const m = await v7();
    put32(m, PT + 0x0b * 4, 0x0012b000 | SMALL | C | B | TEX0 | 0x20); // AP[2:0] = 010
    put32(m, PT + 0x0c * 4, 0x0012c000 | SMALL | C | B | TEX0 | 0x20 | APX); // AP[2:0] = 110
    const attr = (va: number) => decodeAttr(ok(m.mmu.walk(va)).attr);
    expect(attr(0xe080b000)).toMatchObject({ readOnly: false, user: true, userReadOnly: true });
    expect(attr(0xe080c000)).toMatchObject({ readOnly: true, user: true, userReadOnly: false });
  });

  it("takes the L1 table base from TTBR0[31:14]: the walk attribute bits below it (S, RGN, NOS, IRGN) move nothing", async () => {
    const m = await v7();
    m.mmu.setTtbr(0, TTB | 0x6a); // IRGN[0] (6), NOS (5), RGN = 01 ([4:3]), S (1)
    expect(ok(m.mmu.walk(0xc0012345))).toMatchObject({ pa: 0x00012345, size: 1 << 20 });
    expect(m.mmu.translate(0xe0803abc)).toMatchObject({ pa: 0x00123abc });
  });

  it("NMRR's IRn (bits 2n+1:2n) give a Normal index its type; ORn (bits 2n+17:2n+16) do not", async () => {
    // NMRR B4.1.111: IRn inner, ORn outer attributes; Linux's 0x40e040e0 has IR7 = OR7 = 01.
    const m = await v7();
    m.mmu.setTexRemap(0xff0a81a8, 0x40e040e0 & ~(3 << 30)); // OR7 = 00 (NC): inner stays WBWA
    expect(decodeAttr(ok(m.mmu.walk(0xc0012345)).attr)).toMatchObject({ memType: "Normal WB", noWriteAllocate: false }); // n 7
    m.mmu.setTexRemap(0xff0a81a8, 0x40e040e0 & ~(3 << 14)); // IR7 = 00 (NC), OR7 still 01
    expect(decodeAttr(ok(m.mmu.walk(0xc0012345)).attr)).toMatchObject({ memType: "Normal NC" });
  });

  it("PRRR's NOSn (bit 24 + n) makes index n's shareable memory inner or outer shareable", async () => {
    // PRRR B4.1.127: NOSn = 0 outer shareable, 1 inner. Linux's PRRR with NOS7 (bit 31) cleared.
    const m = await v7();
    m.mmu.setTexRemap(0xff0a81a8 & ~(1 << 31), 0x40e040e0);
    expect(decodeAttr(ok(m.mmu.walk(0xc0012345)).attr)).toMatchObject({ memType: "Normal WB", shareability: "outer" }); // n 7, S
    expect(decodeAttr(ok(m.mmu.walk(0xe0803000)).attr)).toMatchObject({ memType: "Normal NC", shareability: "inner" }); // n 1, S
  });
});
