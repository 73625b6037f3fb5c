// Seeded random input for fuzzing a PL330 (spec pl330.md §2.1 encodings, §4 register map): byte
// programs for a channel or the manager, and MMIO register sequences. Valid programs use only
// the table's encodings with operands in range, loops balanced and every LPEND jumping back to
// its DMALP; the rest add what a broken driver writes — undefined opcodes, reserved bits set,
// operands past the configuration, loop ends that jump anywhere, no DMAEND. Register sequences
// read anything, write read-only registers, and issue debug commands (DMAGO to busy channels,
// DMAKILL, reserved DBGCMD values) at any moment. Only input is made here: the fuzz target that
// runs it against the silicon plugs into targets.ts.

import type { Random } from "../../random.js";

export interface Pl330Limits {
  channels: number;
  events: number;
  peripherals: number;
}

/** The Zynq-7000 instance (spec §10). */
export const ZYNQ_PL330: Pl330Limits = { channels: 8, events: 16, peripherals: 4 };

export interface ProgramOptions {
  limits?: Pl330Limits;
  /** Only defined encodings, in-range operands, balanced loops, a final DMAEND. */
  valid?: boolean;
  /** The manager thread's instruction set (END, GO, KILL, NOP, SEV, WFE) instead of a channel's. */
  manager?: boolean;
  /** Instructions besides the preamble and DMAEND (default 1 … 48). */
  length?: number;
  /** Where DMAMOV SAR/DAR point: one of these windows (a valid program's bytes stay inside). */
  windows?: { base: number; size: number }[];
}

const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const bsx = (r: Random) => r.pick([0b00, 0b01, 0b11]);

export const DMAEND = [0x00];
export const DMAKILL = [0x01];
export const DMANOP = [0x18];
export const DMARMB = [0x12];
export const DMAWMB = [0x13];
export const DMASTZ = [0x0c];
export const dmamov = (rd: 0 | 1 | 2, imm: number) => [0xbc, rd, ...le32(imm)];
export const dmago = (cn: number, pc: number, ns = false) => [ns ? 0xa2 : 0xa0, cn & 7, ...le32(pc)];
export const dmasev = (e: number) => [0x34, (e & 0x1f) << 3];
export const dmawfe = (e: number, invalidate = false) => [0x36, ((e & 0x1f) << 3) | (invalidate ? 2 : 0)];
export const dmalp = (lc: 0 | 1, n: number) => [0x20 | (lc << 1), (n - 1) & 0xff];
export const dmalpend = (lc: 0 | 1, jump: number, bs = 0, forever = false) => [0x20 | (forever ? 0 : 0x10) | 0x08 | (lc << 2) | bs, jump & 0xff];

/** A random CCR (§3). Valid: the same burst size both sides (at most the 8-byte AXI width),
 *  lengths 1 … 16, non-secure protection (a non-secure channel asking for secure accesses
 *  faults), Linux's cache codes, no endian swap. */
function randomCcr(r: Random, valid: boolean): number {
  if (!valid && r.chance(0.5)) return r.u32();
  const size = r.range(0, 3);
  const src = r.int(2) | (size << 1) | (r.int(16) << 4) | (0b010 << 8) | (r.pick([0, 1, 2, 3]) << 11);
  const dst = r.int(2) | (size << 1) | (r.int(16) << 4) | (0b010 << 8) | (r.pick([0, 1, 3]) << 11);
  return (src | (dst << 14)) >>> 0;
}

function address(r: Random, o: ProgramOptions, valid: boolean): number {
  const w = o.windows?.length ? r.pick(o.windows) : { base: 0, size: 2 ** 32 };
  if (!valid && r.chance(0.2)) return r.pick([0, 0xfffffffc, 0xffffffff, (w.base + w.size) >>> 0, r.u32()]);
  return (w.base + r.int(Math.max(1, w.size - 4096))) >>> 0;
}

/** One channel instruction with random, in-range operands. */
function channelInstruction(r: Random, l: Pl330Limits, o: ProgramOptions): number[] {
  const p = () => r.int(l.peripherals) << 3;
  switch (r.int(12)) {
    case 0: return [0x04 | bsx(r)]; // DMALD[S|B]
    case 1: return [0x08 | bsx(r)]; // DMAST[S|B]
    case 2: return [r.pick([0x25, 0x27]), p()]; // DMALDP
    case 3: return [r.pick([0x29, 0x2b]), p()]; // DMASTP
    case 4: return [r.pick([0x30, 0x31, 0x32]), p()]; // DMAWFP
    case 5: return [0x35, p()]; // DMAFLUSHP
    case 6: return r.pick([DMARMB, DMAWMB, DMANOP, DMASTZ]);
    case 7: return dmasev(r.int(l.events));
    case 8: return [r.pick([0x54, 0x56]), ...le32(r.int(0x10000)).slice(0, 2)]; // DMAADDH
    case 9: return dmamov(r.pick([0, 2] as const), address(r, o, true));
    case 10: return dmawfe(r.int(l.events), r.chance(0.2));
    default: return [0x04 | bsx(r)];
  }
}

function managerInstruction(r: Random, l: Pl330Limits): number[] {
  switch (r.int(5)) {
    case 0: return dmago(r.int(l.channels), r.u32() & ~3, r.chance(0.5));
    case 1: return dmasev(r.int(l.events));
    case 2: return dmawfe(r.int(l.events));
    case 3: return DMAKILL;
    default: return DMANOP;
  }
}

/** Something a broken program has: an undefined opcode, reserved bits, an operand past the
 *  configuration, a loop end that jumps anywhere, a C-only instruction in the manager. */
function brokenInstruction(r: Random, l: Pl330Limits): number[] {
  switch (r.int(7)) {
    case 0: return [r.pick([0x06, 0x0a, 0x33, 0x0d, 0x14, 0xff, 0x40, 0xa4])];
    case 1: return [0x34, ((r.int(32)) << 3) | r.range(1, 7)]; // DMASEV, reserved bits
    case 2: return [0x35, (l.peripherals + r.int(32 - l.peripherals)) << 3]; // periph ≥ num_periph_req
    case 3: return [0xbc, r.range(3, 255), ...le32(r.u32())]; // DMAMOV rd > 2
    case 4: return [r.pick([0x38, 0x3c, 0x28, 0x2d]), r.int(256)]; // DMALPEND, any jump
    case 5: return dmago(r.range(l.channels, 255), r.u32()); // DMAGO cn ≥ num_chnls, or from a channel
    default: return Array.from(r.bytes(r.range(1, 6)));
  }
}

/** A random program (bytes to place in memory and start with DMAGO or the debug interface). */
export function randomProgram(r: Random, o: ProgramOptions = {}): Uint8Array {
  const l = o.limits ?? ZYNQ_PL330;
  const valid = o.valid ?? r.chance(0.6);
  const n = o.length ?? r.range(1, 48);
  const out: number[] = [];
  if (o.manager) {
    for (let i = 0; i < n; i++) out.push(...(valid || r.chance(0.7) ? managerInstruction(r, l) : brokenInstruction(r, l)));
    if (valid || r.chance(0.7)) out.push(...DMAEND);
    return Uint8Array.from(out);
  }
  out.push(...dmamov(1, randomCcr(r, valid)), ...dmamov(0, address(r, o, valid)), ...dmamov(2, address(r, o, valid)));
  // Open loops: [lc, position after the DMALP].
  const open: [0 | 1, number][] = [];
  for (let i = 0; i < n; i++) {
    const free = ([0, 1] as const).filter((lc) => !open.some(([x]) => x === lc));
    if (free.length && r.chance(0.12)) {
      const lc = r.pick(free);
      out.push(...dmalp(lc, r.range(1, 256)));
      open.push([lc, out.length]);
    } else if (open.length && r.chance(0.15)) {
      const [lc, start] = open.pop()!;
      out.push(...dmalpend(lc, out.length - start, r.pick([0, 0, 1, 3])));
    } else {
      out.push(...(valid || r.chance(0.75) ? channelInstruction(r, l, o) : brokenInstruction(r, l)));
    }
  }
  while (open.length) {
    const [lc, start] = open.pop()!;
    out.push(...dmalpend(lc, out.length - start));
  }
  if (valid || r.chance(0.6)) out.push(...DMAEND);
  return Uint8Array.from(out);
}

export interface MmioAccess {
  write: boolean;
  /** Offset in the 4 KiB register window. */
  offset: number;
  value: number;
}

/** Registers a sequence picks from: all of §4's, read-only ones included. */
function anyRegister(r: Random, l: Pl330Limits): number {
  const n = r.int(l.channels + 1); // one past the last channel: reads 0
  return r.pick([
    0x000, 0x004, 0x020, 0x024, 0x028, 0x02c, 0x030, 0x034, 0x038, 0x040 + 4 * n, 0x100 + 8 * n, 0x104 + 8 * n,
    0x400 + 0x20 * n, 0x404 + 0x20 * n, 0x408 + 0x20 * n, 0x40c + 0x20 * n, 0x410 + 0x20 * n, 0x414 + 0x20 * n,
    0xd00, 0xd04, 0xd08, 0xd0c, 0xe00, 0xe04, 0xe08, 0xe0c, 0xe10, 0xe14, 0xe80, 0xfe0, 0xfe4, 0xfe8, 0xfec,
    0xff0, 0xff4, 0xff8, 0xffc, 4 * r.int(1024),
  ]);
}

/** A debug command: DBGINST0 (thread, channel, bytes 0–1), DBGINST1 (bytes 2–5), DBGCMD. */
function debugCommand(r: Random, l: Pl330Limits, programAt: () => number): MmioAccess[] {
  const channel = r.int(l.channels);
  const insn = r.pick([
    () => dmago(r.chance(0.8) ? channel : r.int(8), programAt(), r.chance(0.5)),
    () => DMAKILL,
    () => dmasev(r.int(32)),
    () => DMAEND,
    () => Array.from(r.bytes(6)),
  ])();
  const b = [...insn, 0, 0, 0, 0, 0, 0];
  const thread = insn[0] === 0xa0 || insn[0] === 0xa2 ? (r.chance(0.9) ? 0 : 1) : r.int(2);
  return [
    { write: true, offset: 0xd08, value: (thread | (channel << 8) | (b[0] << 16) | (b[1] << 24)) >>> 0 },
    { write: true, offset: 0xd0c, value: (b[2] | (b[3] << 8) | (b[4] << 16) | (b[5] << 24)) >>> 0 },
    { write: true, offset: 0xd04, value: r.chance(0.85) ? 0 : r.range(1, 3) },
  ];
}

/** A random sequence of register accesses. `programAt` gives the bus address of a program for
 *  DMAGO (the caller placed it); by default anywhere. */
export function randomMmioSequence(r: Random, o: { limits?: Pl330Limits; length?: number; programAt?: () => number } = {}): MmioAccess[] {
  const l = o.limits ?? ZYNQ_PL330;
  const programAt = o.programAt ?? (() => r.u32() & ~3);
  const out: MmioAccess[] = [];
  for (let i = o.length ?? r.range(1, 32); i > 0; i--) {
    switch (r.int(6)) {
      case 0:
      case 1: out.push(...debugCommand(r, l, programAt)); break;
      case 2: out.push({ write: true, offset: anyRegister(r, l), value: r.chance(0.5) ? r.u32() : r.pick([0, 0xffffffff, 1]) }); break;
      case 3: out.push({ write: true, offset: r.pick([0x020, 0x02c, 0xe80]), value: r.u32() }); break;
      default: out.push({ write: false, offset: anyRegister(r, l), value: 0 });
    }
  }
  return out;
}
