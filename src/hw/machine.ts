// The typed face of one SoC instance. Kernel code reaches the hardware only through `cpu`
// (loads, stores, bulk accesses and cache maintenance by VA — what C code and inline assembly
// do), `mmu` (system registers and TLB maintenance), `irq` and `time`. `backdoor` is for
// loaders, tests and reports: untimed physical access and statistics; kernel paths never use it.
// The ports are cpu-port.ts, mmu-regs.ts and backdoor.ts; their names are exported here too.

import type { SiliconExports } from "./exports.js";
import type { MachineProfile, PrefetchSpec } from "./profile.js";
import { Backdoor } from "./backdoor.js";
import { CpuPort } from "./cpu-port.js";
import { MmuRegs } from "./mmu-regs.js";

export { MEMTYPE_NAMES, ATTR, decodeAttr, type MemType, type PageAttributes } from "./page-attributes.js";
export type { CacheLineInfo, CacheLineSummary, LineState } from "./cache-lines.js";
export { Backdoor, type CacheStats, type MachineStats, type DmacStats } from "./backdoor.js";
export { CpuFault, CpuPort, FAULT_NAMES, DC_CLEAN, DC_INVAL, DC_CLEAN_INVAL, type DcacheOp } from "./cpu-port.js";
export { MmuRegs, MMU_OFF, MMU_V8_4K, MMU_V7_SHORT, type MmuFault, type Translation, type WalkResult } from "./mmu-regs.js";

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
    this.backdoor = new Backdoor(x, profile.l1d.lineBytes);
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

  /** The CPU's speculative fills (an implementation-defined control register, as ACTLR /
   *  CPUACTLR_EL1 on the real cores). The profile sets the reset value. */
  setPrefetch(p: PrefetchSpec): void {
    this.x.configurePrefetch(p.nextLine ? 1 : 0, p.speculativeEvery, p.speculativeWindow);
  }
}
