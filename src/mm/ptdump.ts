// A listing of the kernel page tables in the style of /sys/kernel/debug/kernel_page_tables
// (arch/arm64/mm/dump.c, arch/arm/mm/dump.c): consecutive entries with the same level and
// protection are merged into one line "start-end size [level] bits…", with a "---[ name ]---"
// header at each address marker. The walker reads the tables from simulated memory through the
// CPU port and the linear map, as the kernel's walker does (one bulk read per table).
//
// Formats: arm64 4.9 (levels PGD/PUD/PMD/PTE, only valid ranges printed), arm64 modern (6.x:
// a valid-bit column, every range printed, the L1 level named PGD with 3-level tables), and
// arm 4.9 (Linux PTE bits for pages, hardware bits for sections, no level names).

import type { Machine } from "../hw/machine.js";
import { formatVirt, type VirtAddr } from "../hw/address.js";
import { checkVirt } from "../dma/arguments.js";
import { EINVAL, KernelError } from "../kernel/errno.js";
import type { MemoryManager } from "./mm.js";
import { ARM64_MT } from "./pgtable-arm64.js";
import { L_PTE_MT_MASK } from "./pgtable-arm.js";

export interface PtdumpRange {
  /** First address to list (default: the bottom of the kernel's address space). */
  start?: VirtAddr | bigint;
  /** End of the listing, exclusive (default: the top). */
  end?: VirtAddr | bigint;
}

/** One protection bit test: (desc & mask) == val prints `set`, else `clear` (if any). The
 *  descriptor is split into low and high 32-bit halves. */
interface ProtBit {
  maskLo: number;
  maskHi: number;
  valLo: number;
  valHi: number;
  set: string;
  clear?: string;
}

const bit = (lo: number, hi: number, set: string, clear?: string): ProtBit => ({ maskLo: lo, maskHi: hi, valLo: lo, valHi: hi, set, clear });
const attr = (idx: number, set: string): ProtBit => ({ maskLo: 7 << 2, maskHi: 0, valLo: idx << 2, valHi: 0, set });

/** arm64 pte_bits (4.9 and 6.x). High-half bit numbers are descriptor bit − 32. */
function arm64Bits(version: "v4.9" | "modern"): ProtBit[] {
  const mt = ARM64_MT[version];
  const out: ProtBit[] = [];
  if (version === "modern") out.push(bit(1 << 0, 0, " ", "F"));
  out.push(
    bit(1 << 6, 0, "USR", "   "),
    bit(1 << 7, 0, "ro", "RW"),
    bit(0, 1 << 21, "NX", "x "),
    { maskLo: 3 << 8, maskHi: 0, valLo: 3 << 8, valHi: 0, set: "SHD", clear: "   " },
    bit(1 << 10, 0, "AF", "  "),
    bit(1 << 11, 0, "NG", "  "),
    bit(0, 1 << 20, "CON", "   "),
    bit(1 << 1, 0, "   ", "BLK"),
    version === "modern" ? bit(0, 1 << 22, "UXN", "   ") : bit(0, 1 << 22, "UXN"),
  );
  if (version === "modern") out.push(bit(0, 1 << 18, "GP", "  "));
  const names: [number, string][] = [
    [mt.DEVICE_nGnRnE, "DEVICE/nGnRnE"], [mt.DEVICE_nGnRE, "DEVICE/nGnRE"], [mt.DEVICE_GRE, "DEVICE/GRE"],
    [mt.NORMAL_NC, "MEM/NORMAL-NC"], [mt.NORMAL, "MEM/NORMAL"], [mt.NORMAL_TAGGED, "MEM/NORMAL-TAGGED"],
  ];
  for (const [idx, name] of names) if (idx >= 0) out.push(attr(idx, name));
  return out;
}

/** arm pte_bits (Linux PTE) and section_bits (hardware section, ARMv7). */
const ARM_PTE_BITS: ProtBit[] = [
  bit(1 << 8, 0, "USR", "   "),
  bit(1 << 7, 0, "ro", "RW"),
  bit(1 << 9, 0, "NX", "x "),
  bit(1 << 10, 0, "SHD", "   "),
  ...([
    [0x00, "SO/UNCACHED"], [0x01, "MEM/BUFFERABLE/WC"], [0x02, "MEM/CACHED/WT"], [0x03, "MEM/CACHED/WBRA"],
    [0x06, "MEM/MINICACHE"], [0x07, "MEM/CACHED/WBWA"], [0x04, "DEV/SHARED"], [0x0c, "DEV/NONSHARED"],
    [0x09, "DEV/WC"], [0x0b, "DEV/CACHED"],
  ] as [number, string][]).map(([mt, set]) => ({ maskLo: L_PTE_MT_MASK, maskHi: 0, valLo: mt << 2, valHi: 0, set })),
];
const AP_MASK = (1 << 15) | (1 << 11) | (1 << 10);
const ARM_SECTION_BITS: ProtBit[] = [
  { maskLo: AP_MASK, maskHi: 0, valLo: (1 << 15) | (1 << 10), valHi: 0, set: "    ro" },
  { maskLo: AP_MASK, maskHi: 0, valLo: 1 << 10, valHi: 0, set: "    RW" },
  { maskLo: AP_MASK, maskHi: 0, valLo: 1 << 11, valHi: 0, set: "USR ro" },
  { maskLo: AP_MASK, maskHi: 0, valLo: (1 << 11) | (1 << 10), valHi: 0, set: "USR RW" },
  bit(1 << 4, 0, "NX", "x "),
  bit(1 << 16, 0, "SHD", "   "),
];

interface Level {
  name: string;
  bits: ProtBit[];
  maskLo: number;
  maskHi: number;
}

function level(name: string, bits: ProtBit[]): Level {
  let lo = 0;
  let hi = 0;
  for (const b of bits) {
    lo |= b.maskLo;
    hi |= b.maskHi;
  }
  return { name, bits, maskLo: lo >>> 0, maskHi: hi >>> 0 };
}

/** The note_page state machine. */
class DumpState {
  private readonly out: string[] = [];
  private lvl = -1;
  private protLo = 0;
  private protHi = 0;
  private startAddr = 0;
  private marker = 0;

  constructor(
    private readonly levels: Level[],
    private readonly markers: { start: number; name: string }[],
    private readonly addrDigits: number,
    /** Modern arm64 prints ranges with no valid mapping too, and names the level. */
    private readonly printHoles: boolean,
    private readonly showLevel: boolean,
  ) {}

  private hex(a: VirtAddr): string {
    const m = 2 ** (this.addrDigits * 4);
    return "0x" + (((a % m) + m) % m).toString(16).padStart(this.addrDigits, "0");
  }

  private nextMarkerStart(): number {
    return this.markers[this.marker + 1]?.start ?? Infinity;
  }

  note(addr: VirtAddr, lvl: number, lo: number, hi: number): void {
    const L = this.levels[lvl];
    const plo = (lo & L.maskLo) >>> 0;
    const phi = (hi & L.maskHi) >>> 0;
    if (this.lvl < 0) {
      while (this.marker + 1 < this.markers.length && addr >= this.nextMarkerStart()) this.marker++;
      this.lvl = lvl;
      this.protLo = plo;
      this.protHi = phi;
      this.startAddr = addr;
      this.out.push(`---[ ${this.markers[this.marker].name} ]---`);
    } else if (plo !== this.protLo || phi !== this.protHi || lvl !== this.lvl || addr >= this.nextMarkerStart()) {
      const has = this.protLo !== 0 || this.protHi !== 0;
      if (has || this.printHoles) this.out.push(this.line(addr, has));
      if (addr >= this.nextMarkerStart()) {
        this.marker++;
        this.out.push(`---[ ${this.markers[this.marker].name} ]---`);
      }
      this.startAddr = addr;
      this.protLo = plo;
      this.protHi = phi;
      this.lvl = lvl;
    }
    if (addr >= this.nextMarkerStart()) {
      this.marker++;
      this.out.push(`---[ ${this.markers[this.marker].name} ]---`);
    }
  }

  private line(addr: VirtAddr, has: boolean): string {
    const units = "KMGTPE";
    let u = 0;
    let delta = Math.floor((addr - this.startAddr) / 1024);
    while (delta % 1024 === 0 && delta > 0 && u < units.length - 1) {
      delta /= 1024;
      u++;
    }
    const L = this.levels[this.lvl];
    let s = `${this.hex(this.startAddr)}-${this.hex(addr)}   ${String(delta).padStart(9)}${units[u]}`;
    if (this.showLevel) s += ` ${L.name}`;
    if (has) {
      for (const b of L.bits) {
        const match = ((this.protLo & b.maskLo) >>> 0) === b.valLo >>> 0 && ((this.protHi & b.maskHi) >>> 0) === b.valHi >>> 0;
        const t = match ? b.set : b.clear;
        if (t !== undefined) s += " " + t;
      }
    }
    return s;
  }

  /** The final note_page(0, 0, 0): closes the open range at `end`. */
  finish(end: VirtAddr): string {
    if (this.lvl >= 0) {
      const has = this.protLo !== 0 || this.protHi !== 0;
      if (has || this.printHoles) this.out.push(this.line(end, has));
    }
    return this.out.join("\n");
  }
}

/** A table's bytes, read through the linear map as the kernel reads them. */
function readTable(machine: Machine, mm: MemoryManager, pa: number, bytes: number): DataView {
  const b = machine.cpu.read(mm.phys_to_virt(pa), bytes);
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function dumpArm64(machine: Machine, mm: MemoryManager, start: VirtAddr, end: VirtAddr): string {
  const version = mm.layout.version;
  const bits = arm64Bits(version);
  const modern = version === "modern";
  // pg_level: [0] unused, 1 PGD, 2 PUD (4.9) or PGD (3-level modern), 3 PMD, 4 PTE.
  const levels = [level("", []), level("PGD", bits), level(modern ? "PGD" : "PUD", bits), level("PMD", bits), level("PTE", bits)];
  const st = new DumpState(levels, mm.layout.markers, 16, modern, true);
  const lowest = -(2 ** mm.layout.vaBits);
  const GB = 2 ** 30;
  const MB2 = 2 ** 21;
  const l1 = readTable(machine, mm, mm.pgt.root, 4096);
  const first = Math.max(0, Math.floor((start - lowest) / GB));
  const last = Math.min(511, Math.floor((end - 1 - lowest) / GB));
  const oa = (lo: number, hi: number) => (hi & 0xffff) * 2 ** 32 + ((lo & 0xfffff000) >>> 0);
  const inRange = (a: VirtAddr, size: number) => a + size > start && a < end;
  for (let i = first; i <= last; i++) {
    const a1 = lowest + i * GB;
    const lo = l1.getUint32(i * 8, true);
    const hi = l1.getUint32(i * 8 + 4, true);
    if ((lo & 3) !== 3) {
      // 4.9 walk_pgd: an empty entry is noted at level 1, a block at the (folded) PUD level.
      st.note(Math.max(a1, start), modern || lo & 1 ? 2 : 1, lo, hi);
      continue;
    }
    const l2 = readTable(machine, mm, oa(lo, hi), 4096);
    for (let j = 0; j < 512; j++) {
      const a2 = a1 + j * MB2;
      if (!inRange(a2, MB2)) continue;
      const lo2 = l2.getUint32(j * 8, true);
      const hi2 = l2.getUint32(j * 8 + 4, true);
      if ((lo2 & 3) !== 3) {
        st.note(Math.max(a2, start), 3, lo2, hi2);
        continue;
      }
      const l3 = readTable(machine, mm, oa(lo2, hi2), 4096);
      for (let k = 0; k < 512; k++) {
        const a3 = a2 + k * 4096;
        if (!inRange(a3, 4096)) continue;
        st.note(a3, 4, l3.getUint32(k * 8, true), l3.getUint32(k * 8 + 4, true));
      }
    }
  }
  return st.finish(end);
}

function dumpArm(machine: Machine, mm: MemoryManager, start: VirtAddr, end: VirtAddr): string {
  const levels = [level("", []), level("", []), level("", []), level("", ARM_SECTION_BITS), level("", ARM_PTE_BITS)];
  const st = new DumpState(levels, mm.layout.markers, 8, false, false);
  const l1 = readTable(machine, mm, mm.pgt.root, 16384);
  const MB = 2 ** 20;
  const first = Math.floor(start / (2 * MB));
  const last = Math.floor((end - 1) / (2 * MB));
  for (let i = first; i <= last; i++) {
    const addr = i * 2 * MB;
    const p0 = l1.getUint32(i * 8, true);
    const p1 = l1.getUint32(i * 8 + 4, true);
    // walk_pmd: none, section or not present → note the pair's first half (and a section in
    // the second half); otherwise the 512 Linux PTEs below the hardware tables.
    if (p0 === 0 || p0 & 2 || !(p0 & 1)) {
      st.note(Math.max(addr, start), 3, p0, 0);
      if (p1 & 2 && addr + MB >= start && addr + MB < end) st.note(addr + MB, 3, p1, 0);
      continue;
    }
    const ptes = readTable(machine, mm, ((p0 & 0xfffffc00) >>> 0) - 2048, 2048);
    for (let k = 0; k < 512; k++) {
      const a = addr + k * 4096;
      if (a < start || a >= end) continue;
      st.note(a, 4, ptes.getUint32(k * 4, true), 0);
    }
  }
  return st.finish(end);
}

/** kernel_page_tables, or the part of it covering [range.start, range.end). */
export function ptdump(machine: Machine, mm: MemoryManager, range: PtdumpRange = {}): string {
  const arm64 = mm.layout.arch === "arm64";
  const bottom = arm64 ? -(2 ** mm.layout.vaBits) : 0;
  const top = arm64 ? 0 : 2 ** 32;
  const from = range.start === undefined ? bottom : checkVirt("ptdump", range.start, "start");
  const to = range.end === undefined ? top : checkVirt("ptdump", range.end, "end");
  if (to < from) throw new KernelError(EINVAL, `ptdump: end ${formatVirt(to, arm64 ? 64 : 32)} is below start ${formatVirt(from, arm64 ? 64 : 32)}`);
  const start = Math.max(from, bottom);
  const end = Math.min(to, top);
  // An empty range lists nothing (the walkers would print the entry holding start as 0K).
  if (end <= start) return "";
  return arm64 ? dumpArm64(machine, mm, start, end) : dumpArm(machine, mm, start, end);
}
