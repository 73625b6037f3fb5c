// The CPU's port into the memory system: loads, stores, bulk accesses, cache maintenance by VA
// and barriers, each checked for a fault the silicon raised (CpuFault) — what C code and inline
// assembly do. Accesses are the kernel's or, with setUnprivileged, a user process's.

import type { SiliconExports } from "./exports.js";
import type { MachineProfile } from "./profile.js";
import { checkVirtArg, formatVirt, type VirtAddr } from "./address.js";
import { isWholeIn } from "../whole-number.js";

export const FAULT_NAMES = ["none", "translation fault", "access flag fault", "permission fault",
  "external abort", "domain fault", "alignment fault", "undefined instruction"] as const;

/** Linux calls a fault in the first page a NULL pointer dereference (arch/arm{,64}/mm/fault.c:
 *  `addr < PAGE_SIZE`). */
const NULL_PAGE_END = 4096;

/** A CPU data abort nobody handled: what Linux would print as an oops or, for an access a user
 *  process made (`user`), the SIGSEGV the process gets. */
export class CpuFault extends Error {
  /** For a user process's bulk read: the bytes it read before the faulting address (a fault
   *  handler that fixes the page resumes the read there, as the faulting load restarts on
   *  hardware). A kernel fault is never resumed, and carries none. */
  readBefore?: Uint8Array;

  constructor(
    readonly kind: number,
    readonly address: VirtAddr,
    readonly arch: "arm" | "arm64",
    readonly user = false,
  ) {
    const at = formatVirt(address, arch === "arm64" ? 64 : 32);
    super(
      user
        ? `user process: unhandled ${FAULT_NAMES[kind] ?? "fault " + kind} at ${at} (SIGSEGV); the access was made at ${arch === "arm64" ? "EL0" : "PL0"} (machine.cpu.setUnprivileged(true)), where kernel code faults too: setUnprivileged(false) before calling the kernel`
        : kind === 1 || kind === 2 || kind === 3
          ? `Unable to handle kernel ${address >= 0 && address < NULL_PAGE_END ? "NULL pointer dereference" : "paging request"} at virtual address ${at} (${FAULT_NAMES[kind]})`
          : `Unhandled fault: ${FAULT_NAMES[kind] ?? "fault " + kind} at ${at}`,
    );
    this.name = "CpuFault";
  }
}

function joinBytes(pieces: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Bulk CPU accesses pass through the silicon's scratch buffer in pieces of at most this many
 *  bytes: the buffer only ever grows (the stub runtime frees nothing), so one huge request
 *  must not grow the wasm memory for good. */
const SCRATCH_CHUNK = 16 << 20;

/** The longest bulk access the CPU port takes: its byte counts are 32-bit. */
const MAX_BULK = 2 ** 32 - 1;

/** A bulk length is a whole number of bytes the port can count; anything else would reach the
 *  silicon as a wrapped u32 (-1 fills 4 GiB, 2^32 + 5 fills 5 bytes), so it is refused first. */
function checkLength(op: string, len: number): void {
  if (!isWholeIn(len, 0, MAX_BULK)) {
    throw new RangeError(`cpu.${op}: length ${len} is not a whole number of bytes from 0 to 2^32 - 1`);
  }
}

/** Single accesses are 1, 2, 4 (or, by load64/store64, 8) bytes; another size would be carried
 *  out as a byte access. */
function checkSize(op: string, size: number): void {
  if (size !== 1 && size !== 2 && size !== 4) throw new RangeError(`cpu.${op}: size ${size} is not 1, 2 or 4 bytes`);
}

export const DC_CLEAN = 0;
export const DC_INVAL = 1;
export const DC_CLEAN_INVAL = 2;
export type DcacheOp = typeof DC_CLEAN | typeof DC_INVAL | typeof DC_CLEAN_INVAL;

export class CpuPort {
  private el0 = false;

  constructor(
    private readonly x: SiliconExports,
    private readonly profile: MachineProfile,
  ) {}

  private check(): void {
    const s = this.x.cpuStatus();
    if (s !== 0) throw new CpuFault(s, this.x.cpuFaultAddress(), this.profile.arch, this.el0);
  }

  /** Accesses from now on are a user process's (EL0 / PL0: ERET to user space) or, with false,
   *  the kernel's again (an exception taken to EL1 / PL1). */
  setUnprivileged(on: boolean): void {
    if (typeof on !== "boolean") throw new RangeError(`cpu.setUnprivileged: ${String(on)} is not true or false`);
    this.el0 = on;
    this.x.cpuSetUnprivileged(on ? 1 : 0);
  }

  /** True while accesses are made at EL0 / PL0. */
  get unprivileged(): boolean {
    return this.el0;
  }

  /** A load of 1, 2 or 4 bytes. */
  load(va: VirtAddr, size: 1 | 2 | 4): number {
    checkVirtArg("cpu.load", va);
    checkSize("load", size);
    const v = this.x.cpuLoad(va, size) >>> 0;
    this.check();
    return v;
  }

  load64(va: VirtAddr): bigint {
    checkVirtArg("cpu.load64", va);
    const lo = this.x.cpuLoad(va, 8) >>> 0;
    this.check();
    return (BigInt(this.x.cpuLoadHigh() >>> 0) << 32n) | BigInt(lo);
  }

  /** A 64-bit load of a value known to fit a number exactly (a kernel pointer or a DMA
   *  address): no BigInt, and one wasm crossing, on hot kernel paths such as dma_pool's free list. */
  load64n(va: VirtAddr): number {
    const v = this.x.cpuLoad64n(va);
    // cpuLoad64n says a fault, or an address it refused (boundary.ts, exactAddr), with NaN: the
    // address check costs the hot path nothing here.
    if (Number.isNaN(v)) {
      checkVirtArg("cpu.load64n", va);
      this.check();
    }
    return v;
  }

  /** The store counterpart of load64n: `value` is stored as its two's-complement bits. */
  store64n(va: VirtAddr, value: number): void {
    if (!this.x.cpuStore64n(va, value)) {
      checkVirtArg("cpu.store64n", va);
      this.check();
    }
  }

  store(va: VirtAddr, size: 1 | 2 | 4, value: number): void {
    checkVirtArg("cpu.store", va);
    checkSize("store", size);
    this.x.cpuStore(va, size, value >>> 0, 0);
    this.check();
  }

  store64(va: VirtAddr, value: bigint): void {
    checkVirtArg("cpu.store64", va);
    this.x.cpuStore(va, 8, Number(value & 0xffffffffn), Number((value >> 32n) & 0xffffffffn));
    this.check();
  }

  read(va: VirtAddr, len: number): Uint8Array {
    checkVirtArg("cpu.read", va);
    checkLength("read", len);
    if (len > SCRATCH_CHUNK) {
      // Pieces first: a read that faults part way holds only what it read, not all of len.
      const pieces: Uint8Array[] = [];
      try {
        for (let off = 0; off < len; off += SCRATCH_CHUNK) pieces.push(this.read(va + off, Math.min(SCRATCH_CHUNK, len - off)));
      } catch (e) {
        if (e instanceof CpuFault && e.readBefore) e.readBefore = joinBytes([...pieces, e.readBefore]);
        throw e;
      }
      return joinBytes(pieces);
    }
    const p = this.x.scratch(len) >>> 0;
    const ok = this.x.cpuRead(va, len, p);
    const out = new Uint8Array(this.x.memory.buffer, p, len).slice();
    if (!ok) this.readFault(va, len, out);
    return out;
  }

  /** read(va, len), with the bytes lent to `use` rather than copied out: a view of the silicon's
   *  scratch buffer, valid only until `use` returns (the next access overwrites it). A check of
   *  what a large buffer holds (a scenario comparing it with its pattern) then makes no host copy
   *  of it and no garbage. Timing and faults are read()'s. */
  readWith<T>(va: VirtAddr, len: number, use: (bytes: Uint8Array) => T): T {
    checkVirtArg("cpu.read", va);
    checkLength("read", len);
    if (len > SCRATCH_CHUNK) return use(this.read(va, len));
    const p = this.x.scratch(len) >>> 0;
    const ok = this.x.cpuRead(va, len, p);
    const lent = new Uint8Array(this.x.memory.buffer, p, len);
    if (!ok) this.readFault(va, len, lent);
    return use(lent);
  }

  /** Throws the fault that stopped a read of [va, va+len) part way: a user access's carries the
   *  bytes read before it (`readBefore`, copied from `read`). */
  private readFault(va: VirtAddr, len: number, read: Uint8Array): void {
    try {
      this.check();
    } catch (e) {
      if (e instanceof CpuFault && e.user) e.readBefore = read.slice(0, Math.max(0, Math.min(len, e.address - va)));
      throw e;
    }
  }

  write(va: VirtAddr, bytes: Uint8Array): void {
    checkVirtArg("cpu.write", va);
    if (bytes.length > SCRATCH_CHUNK) {
      for (let off = 0; off < bytes.length; off += SCRATCH_CHUNK) this.write(va + off, bytes.subarray(off, off + SCRATCH_CHUNK));
      return;
    }
    const p = this.x.scratch(bytes.length) >>> 0;
    new Uint8Array(this.x.memory.buffer, p, bytes.length).set(bytes);
    if (!this.x.cpuWrite(va, bytes.length, p)) this.check();
  }

  fill(va: VirtAddr, byte: number, len: number): void {
    checkVirtArg("cpu.fill", va);
    checkLength("fill", len);
    if (!this.x.cpuFill(va, byte & 0xff, len)) this.check();
  }

  copy(dst: VirtAddr, src: VirtAddr, len: number): void {
    checkVirtArg("cpu.copy", dst);
    checkVirtArg("cpu.copy", src);
    checkLength("copy", len);
    if (!this.x.cpuCopy(dst, src, len)) this.check();
  }

  /** One maintenance instruction per line over [va, va+len) (DC xVAC by VA to PoC). */
  dcache(op: DcacheOp, va: VirtAddr, len: number): void {
    checkVirtArg("cpu.dcache", va);
    if (len <= 0) return;
    if (!this.x.dcacheRange(op, va, len)) this.check();
  }

  /** DC ZVA: zeroes the DCZID-sized block holding va (arm64 only; an undefined instruction on
   *  ARMv7). */
  zva(va: VirtAddr): void {
    checkVirtArg("cpu.zva", va);
    if (!this.x.dcZva(va)) this.check();
  }

  /** Bytes one DC ZVA zeroes (0 when the core has no DC ZVA). */
  get zvaBytes(): number {
    return this.profile.cpu.zvaBytes;
  }

  /** `count` writes of first, first+step, … to one 32-bit device register. */
  writeSeries(va: VirtAddr, first: number, step: number, count: number): void {
    checkVirtArg("cpu.writeSeries", va);
    if (count <= 0) return;
    if (!this.x.cpuMmioWriteSeries(va, first >>> 0, step >>> 0, count)) this.check();
  }

  /** Time spent executing instructions that touch no memory. */
  spend(cycles: number): void {
    if (cycles > 0) this.x.cpuSpend(Math.round(cycles * 1e6 / this.profile.cpu.clockMHz));
  }

  /** DSB: wait for outstanding writes: posted non-cacheable ones, stores that went around the
   *  caches, and the write-backs of lines cleaned by VA. */
  barrier(): void {
    this.x.cpuBarrier();
  }

  /** DMB: orders the accesses around it and waits for none of them (a pending write-back or
   *  posted write is still in flight after it). */
  dmb(): void {
    this.x.cpuDmb();
  }

  get lineBytes(): number {
    return this.profile.l1d.lineBytes;
  }
}
