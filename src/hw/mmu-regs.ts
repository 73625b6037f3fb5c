// The MMU's system registers and TLB maintenance as the kernel reaches them (TTBRn, MAIR or
// PRRR/NMRR, DACR, the ASID, TLBI), and the two ways to ask it for a translation: AT-style
// through the TLB, and a debugger's walk (ptdump).

import type { SiliconExports } from "./exports.js";
import { checkPhysArg, checkVirtArg, type PhysAddr, type VirtAddr } from "./address.js";

export const MMU_OFF = 0;
export const MMU_V8_4K = 1;
export const MMU_V7_SHORT = 2;

/** A translation that faulted; the address is lastFaultAddress(). */
export interface MmuFault {
  /** FAULT_NAMES index (cpu-port.ts). */
  fault: number;
  /** Table level where the walk stopped (the leaf's level for permission faults). */
  level: number;
}

export interface Translation {
  pa: PhysAddr;
  attr: number;
}

/** A walk's leaf: the translation plus what a page-table dump shows. */
export interface WalkResult extends Translation {
  /** Bytes the leaf maps (4 KB, 64 KB, 1 MB, 2 MB, 16 MB, 1 GB). */
  size: number;
  /** The MAIR attribute byte (v8) or the TEX remap index TEX[0]:C:B (v7). */
  memAttr: number;
  /** The leaf descriptor as stored. */
  descriptor: bigint;
}

export class MmuRegs {
  constructor(private readonly x: SiliconExports) {}

  setFormat(format: number, vaBits = 39): void {
    this.x.mmuSetFormat(format, vaBits);
  }
  setTtbr(which: 0 | 1, pa: PhysAddr): void {
    checkPhysArg("mmu.setTtbr", pa);
    this.x.mmuSetTtbr(which, pa);
  }
  setMair(mair: bigint): void {
    this.x.mmuSetMair(Number(mair & 0xffffffffn), Number(mair >> 32n));
  }
  setTexRemap(prrr: number, nmrr: number): void {
    this.x.mmuSetTexRemap(prrr >>> 0, nmrr >>> 0);
  }
  setDacr(v: number): void {
    this.x.mmuSetDacr(v >>> 0);
  }
  setAsid(a: number): void {
    this.x.mmuSetAsid(a);
  }
  tlbiAll(): void {
    this.x.tlbiAll();
  }
  tlbiVa(va: VirtAddr): void {
    checkVirtArg("mmu.tlbiVa", va);
    this.x.tlbiVa(va);
  }
  /** TLBI VAE1 / TLBIMVA: one page, global entries and those of `asid`. */
  tlbiVaAsid(va: VirtAddr, asid: number): void {
    checkVirtArg("mmu.tlbiVaAsid", va);
    this.x.tlbiVaAsid(va, asid);
  }
  /** TLBI ASIDE1 / TLBIASID: every non-global entry of `asid`. */
  tlbiAsid(asid: number): void {
    this.x.tlbiAsid(asid);
  }

  private fault(): MmuFault {
    return { fault: this.x.mmuFaultKind(), level: this.x.mmuFaultLevel() };
  }

  /** The address of the last translation or walk that faulted (what FAR_EL1 / DFAR would hold). */
  lastFaultAddress(): VirtAddr {
    return this.x.mmuFaultAddress();
  }

  /** AT-style translation through the TLB, with the permission checks of a load (or a store).
   *  `attr` is bits [3:0] of the attribute word: memory type, ATTR.RO, ATTR.USER (walk() gives
   *  the whole word). */
  translate(va: VirtAddr, write = false): Translation | MmuFault {
    checkVirtArg("mmu.translate", va);
    const pa = this.x.mmuTranslate(va, write ? 1 : 0);
    if (pa < 0) return this.fault();
    return { pa, attr: this.x.mmuLastAttr() & 0xf };
  }

  /** A debugger's walk (ptdump): no TLB, no time, no permission checks, no cache changes. */
  walk(va: VirtAddr): WalkResult | MmuFault {
    checkVirtArg("mmu.walk", va);
    const pa = this.x.mmuWalk(va);
    if (pa < 0) return this.fault();
    return {
      pa,
      attr: this.x.mmuLastAttr(),
      size: 2 ** this.x.mmuLastSizeLog2(),
      memAttr: this.x.mmuLastMemAttr(),
      descriptor: (BigInt(this.x.mmuLastDescriptorHi() >>> 0) << 32n) | BigInt(this.x.mmuLastDescriptorLo() >>> 0),
    };
  }
}
