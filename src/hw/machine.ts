// The typed face of one SoC instance. Kernel code reaches the hardware only through `cpu`
// (loads, stores, bulk accesses and cache maintenance by VA — what C code and inline assembly
// do), `mmu` (system registers and TLB maintenance), `irq` and `time`. `backdoor` is for
// loaders, tests and reports: untimed physical access and statistics; kernel paths never use it.

import type { SiliconExports } from "./exports.js";
import { STAT, PL330_STAT } from "./exports.js";
import type { MachineProfile } from "./profile.js";
import { formatVirt, type PhysAddr, type VirtAddr } from "./address.js";

export const FAULT_NAMES = ["none", "translation fault", "access flag fault", "permission fault",
  "external abort", "domain fault", "alignment fault"] as const;

/** A CPU data abort the kernel did not expect: what Linux would print as an oops. */
export class CpuFault extends Error {
  constructor(
    readonly kind: number,
    readonly address: VirtAddr,
    readonly arch: "arm" | "arm64",
  ) {
    super(
      kind === 1 || kind === 2 || kind === 3
        ? `Unable to handle kernel paging request at virtual address ${formatVirt(address, arch === "arm64" ? 64 : 32)} (${FAULT_NAMES[kind]})`
        : `Unhandled fault: ${FAULT_NAMES[kind] ?? "fault " + kind} at ${formatVirt(address, arch === "arm64" ? 64 : 32)}`,
    );
    this.name = "CpuFault";
  }
}

export const DC_CLEAN = 0;
export const DC_INVAL = 1;
export const DC_CLEAN_INVAL = 2;
export type DcacheOp = typeof DC_CLEAN | typeof DC_INVAL | typeof DC_CLEAN_INVAL;

export const MMU_OFF = 0;
export const MMU_V8_4K = 1;
export const MMU_V7_SHORT = 2;

/** Memory types of a translation (mmuLastAttr bits [1:0]). */
export const MEMTYPE_NAMES = ["Normal WB", "Normal NC", "Device", "Normal WT"] as const;

export class Machine {
  readonly cpu: CpuPort;
  readonly mmu: MmuRegs;
  readonly backdoor: Backdoor;

  constructor(
    readonly x: SiliconExports,
    readonly profile: MachineProfile,
  ) {
    this.cpu = new CpuPort(x, profile);
    this.mmu = new MmuRegs(x);
    this.backdoor = new Backdoor(x);
  }

  /** Simulated time in picoseconds. */
  now(): number {
    return this.x.now();
  }

  cpuCycles(ps: number): number {
    return ps * this.profile.cpu.clockMHz / 1e6;
  }

  /** WFI: time passes until an interrupt line is high (returns the wake time), the limit is
   *  reached (returns the limit), or every device is idle with nothing pending (returns null). */
  waitForInterrupt(limitPs: number): number | null {
    const t = this.x.waitForInterrupt(limitPs);
    return t < 0 ? null : t;
  }

  /** Lets time pass to `t` with the CPU idle. */
  idleUntil(t: number): void {
    this.x.advanceTo(t);
  }

  /** The interrupt controller's highest-priority (lowest-numbered) pending line, or -1. */
  pendingIrq(): number {
    return this.x.irqFirstPending();
  }
}

export class CpuPort {
  constructor(
    private readonly x: SiliconExports,
    private readonly profile: MachineProfile,
  ) {}

  private check(): void {
    const s = this.x.cpuStatus();
    if (s !== 0) throw new CpuFault(s, this.x.cpuFaultAddress(), this.profile.arch);
  }

  /** A load of 1, 2 or 4 bytes. */
  load(va: VirtAddr, size: 1 | 2 | 4): number {
    const v = this.x.cpuLoad(va, size) >>> 0;
    this.check();
    return v;
  }

  load64(va: VirtAddr): bigint {
    const lo = this.x.cpuLoad(va, 8) >>> 0;
    this.check();
    return (BigInt(this.x.cpuLoadHigh() >>> 0) << 32n) | BigInt(lo);
  }

  /** A 64-bit load of a value known to fit a number exactly (a kernel pointer or a DMA
   *  address): no BigInt on hot kernel paths such as dma_pool's free list. */
  load64n(va: VirtAddr): number {
    const lo = this.x.cpuLoad(va, 8) >>> 0;
    this.check();
    return (this.x.cpuLoadHigh() | 0) * 2 ** 32 + lo;
  }

  /** The store counterpart of load64n: `value` is split into its two's-complement halves. */
  store64n(va: VirtAddr, value: number): void {
    const hi = Math.floor(value / 2 ** 32);
    this.x.cpuStore(va, 8, (value - hi * 2 ** 32) >>> 0, hi >>> 0);
    this.check();
  }

  store(va: VirtAddr, size: 1 | 2 | 4, value: number): void {
    this.x.cpuStore(va, size, value >>> 0, 0);
    this.check();
  }

  store64(va: VirtAddr, value: bigint): void {
    this.x.cpuStore(va, 8, Number(value & 0xffffffffn), Number((value >> 32n) & 0xffffffffn));
    this.check();
  }

  read(va: VirtAddr, len: number): Uint8Array {
    const p = this.x.scratch(len);
    const ok = this.x.cpuRead(va, len, p);
    const out = new Uint8Array(this.x.memory.buffer, p, len).slice();
    if (!ok) this.check();
    return out;
  }

  write(va: VirtAddr, bytes: Uint8Array): void {
    const p = this.x.scratch(bytes.length);
    new Uint8Array(this.x.memory.buffer, p, bytes.length).set(bytes);
    if (!this.x.cpuWrite(va, bytes.length, p)) this.check();
  }

  fill(va: VirtAddr, byte: number, len: number): void {
    if (!this.x.cpuFill(va, byte & 0xff, len)) this.check();
  }

  copy(dst: VirtAddr, src: VirtAddr, len: number): void {
    if (!this.x.cpuCopy(dst, src, len)) this.check();
  }

  /** One maintenance instruction per line over [va, va+len) (DC xVAC by VA to PoC). */
  dcache(op: DcacheOp, va: VirtAddr, len: number): void {
    if (len <= 0) return;
    if (!this.x.dcacheRange(op, va, len)) this.check();
  }

  /** `count` writes of first, first+step, … to one 32-bit device register. */
  writeSeries(va: VirtAddr, first: number, step: number, count: number): void {
    if (count <= 0) return;
    if (!this.x.cpuMmioWriteSeries(va, first >>> 0, step >>> 0, count)) this.check();
  }

  /** Time spent executing instructions that touch no memory. */
  spend(cycles: number): void {
    if (cycles > 0) this.x.cpuSpend(Math.round(cycles * 1e6 / this.profile.cpu.clockMHz));
  }

  /** DSB: wait for outstanding (posted) writes. */
  barrier(): void {
    this.x.cpuBarrier();
  }

  get lineBytes(): number {
    return this.profile.l1d.lineBytes;
  }
}

export class MmuRegs {
  constructor(private readonly x: SiliconExports) {}

  setFormat(format: number, vaBits = 39): void {
    this.x.mmuSetFormat(format, vaBits);
  }
  setTtbr(which: 0 | 1, pa: PhysAddr): void {
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
    this.x.tlbiVa(va);
  }
  /** AT-style translation through the TLB: { pa, attr } or { fault, level }. */
  translate(va: VirtAddr, write = false): { pa: PhysAddr; attr: number } | { fault: number; level: number } {
    const pa = this.x.mmuTranslate(va, write ? 1 : 0);
    if (pa < 0) return { fault: this.x.mmuFaultKind(), level: this.x.mmuFaultLevel() };
    return { pa, attr: this.x.mmuLastAttr() };
  }
  /** A walk that bypasses the TLB (ptdump). */
  walk(va: VirtAddr): { pa: PhysAddr; attr: number } | { fault: number; level: number } {
    const pa = this.x.mmuWalk(va);
    if (pa < 0) return { fault: this.x.mmuFaultKind(), level: this.x.mmuFaultLevel() };
    return { pa, attr: this.x.mmuLastAttr() };
  }
}

export interface CacheStats {
  hits: number;
  misses: number;
  writebacks: number;
  evictions: number;
}

export interface MachineStats {
  l1: CacheStats;
  l2: CacheStats;
  tlb: { hits: number; misses: number; walks: number };
  cpu: { loads: number; stores: number; bulkBytes: number };
  dram: { bytesRead: number; bytesWritten: number; requests: number };
}

export interface DmacStats {
  instructions: number;
  bytesRead: number;
  bytesWritten: number;
  readBursts: number;
  writeBursts: number;
  icacheMisses: number;
  mfifoPeakBytes: number;
  readBusyPs: number;
  writeBusyPs: number;
}

/** Untimed physical access and counters, beneath the caches. */
export class Backdoor {
  constructor(private readonly x: SiliconExports) {}

  read(pa: PhysAddr, len: number): Uint8Array {
    const p = this.x.scratch(len);
    if (!this.x.physRead(pa, len, p)) throw new RangeError(`backdoor read of ${len} bytes at PA 0x${pa.toString(16)}: not RAM`);
    return new Uint8Array(this.x.memory.buffer, p, len).slice();
  }

  write(pa: PhysAddr, bytes: Uint8Array): void {
    const p = this.x.scratch(bytes.length);
    new Uint8Array(this.x.memory.buffer, p, bytes.length).set(bytes);
    if (!this.x.physWrite(pa, bytes.length, p)) throw new RangeError(`backdoor write of ${bytes.length} bytes at PA 0x${pa.toString(16)}: not RAM`);
  }

  /** 0 not cached, 1 clean, 2 dirty; +4 when the cached data differs from DRAM. */
  lineState(level: 1 | 2, pa: PhysAddr): number {
    return this.x.cacheLineState(level, pa);
  }

  stats(): MachineStats {
    const s = (id: number) => this.x.stat(id);
    return {
      l1: { hits: s(STAT.l1Hits), misses: s(STAT.l1Misses), writebacks: s(STAT.l1Writebacks), evictions: s(STAT.l1Evictions) },
      l2: { hits: s(STAT.l2Hits), misses: s(STAT.l2Misses), writebacks: s(STAT.l2Writebacks), evictions: s(STAT.l2Evictions) },
      tlb: { hits: s(STAT.tlbHits), misses: s(STAT.tlbMisses), walks: s(STAT.walks) },
      cpu: { loads: s(STAT.cpuLoads), stores: s(STAT.cpuStores), bulkBytes: s(STAT.cpuBulkBytes) },
      dram: { bytesRead: s(STAT.dramRead), bytesWritten: s(STAT.dramWritten), requests: s(STAT.dramRequests) },
    };
  }

  dmacStats(inst: number): DmacStats {
    const s = (id: number) => this.x.pl330Stat(inst, id);
    return {
      instructions: s(PL330_STAT.instructions),
      bytesRead: s(PL330_STAT.bytesRead),
      bytesWritten: s(PL330_STAT.bytesWritten),
      readBursts: s(PL330_STAT.readBursts),
      writeBursts: s(PL330_STAT.writeBursts),
      icacheMisses: s(PL330_STAT.icacheMisses),
      mfifoPeakBytes: s(PL330_STAT.mfifoPeak),
      readBusyPs: s(PL330_STAT.rBusyPs),
      writeBusyPs: s(PL330_STAT.wBusyPs),
    };
  }
}
