// An arm64 machine without a kernel whose first five kernel pages (P(0)..P(4) at the start of
// the linear map) are mapped with one memory type each, through page tables written by hand:
// what the CPU port's per-type tests run on.

import { profileMachine, put64, ARM64_A53 } from "./profile-machine.js";
import { MMU_V8_4K, type Machine } from "../../src/hw/machine.js";
import type { MachineProfile } from "../../src/hw/profile.js";
import { toVirt, type VirtAddr } from "../../src/hw/address.js";

/** A level-3 page descriptor's low attributes: valid page, AF, inner shareable, AttrIndx. */
const page = (attrIndx: number) => 3n | (1n << 10n) | (3n << 8n) | (BigInt(attrIndx) << 2n);

/** The VA of kernel page n (39-bit VA, TTBR1). */
export const P = (n: number): VirtAddr => toVirt(0xffffffc000000000n + BigInt(n) * 4096n);

export interface MemoryTypesOptions {
  /** Where P(1), the Normal non-cacheable page, points: its own page (default), or P(0)'s page
   *  to give the write-back page an uncached alias. */
  ncAliasesWriteBack?: boolean;
  tweak?: (p: MachineProfile) => MachineProfile;
}

/** P(0) Normal write-back, P(1) Normal non-cacheable, P(2) Normal write-through, P(3) Normal
 *  write-back without write-allocate, P(4) Device-nGnRnE on RAM. */
export async function memoryTypesMachine(opts: MemoryTypesOptions = {}): Promise<Machine> {
  const m = await profileMachine(ARM64_A53, { ram: [{ base: 0x40000000, size: 64 << 20 }], tweak: opts.tweak });
  put64(m, 0x40000000 + 256 * 8, 0x40001000n | 3n);
  put64(m, 0x40001000, 0x40002000n | 3n);
  put64(m, 0x40002000 + 0 * 8, 0x40500000n | page(4));
  put64(m, 0x40002000 + 1 * 8, (opts.ncAliasesWriteBack ? 0x40500000n : 0x40501000n) | page(3));
  put64(m, 0x40002000 + 2 * 8, 0x40600000n | page(5));
  put64(m, 0x40002000 + 3 * 8, 0x40700000n | page(6));
  put64(m, 0x40002000 + 4 * 8, 0x40800000n | page(0));
  m.mmu.setMair(0x00eebbff440c0400n); // 4.9's, plus index 6 = 0xEE
  m.mmu.setTtbr(1, 0x40000000);
  m.mmu.setFormat(MMU_V8_4K, 39);
  return m;
}
