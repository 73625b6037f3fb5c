// The barriers readl and writel put around their access (__iormb after the load, __iowmb before
// the store), per architecture and kernel generation. They decide what a driver's MMIO access
// waits for: a posted write, a cache line still being written back, the PL310's buffers.
//
// 32-bit ARM, 4.9 and 6.x alike (arch/arm/include/asm/io.h with CONFIG_ARM_DMA_MEM_BUFFERABLE,
// which ARMv7 selects by default; asm/barrier.h): __iowmb() is wmb() = __arm_heavy_mb(st), a
// `dsb st` then arm_heavy_mb() (arch/arm/mm/flush.c), which calls outer_cache.sync when an
// outer cache installed one (CACHE_L2X0 selects OUTER_CACHE_SYNC, which selects ARM_HEAVY_MB).
// For the PL310 that is l2c210_sync (arch/arm/mm/cache-l2x0.c): a write of 0 to CACHE_SYNC,
// 0x730 — the dummy register 0x740 only on an r3p0 controller with PL310_ERRATA_753970, and the
// modelled Zynq's reads r3p2. __iormb() is rmb() = `dsb` (full system, no outer sync).
//
// arm64 4.9 (arch/arm64/include/asm/io.h, barrier.h): __iowmb() = wmb() = `dsb st` and
// __iormb() = rmb() = `dsb ld`. arm64 6.x ("arm64: io: Relax implicit barriers in default I/O
// accessors"): __iowmb() = dma_wmb() = `dmb oshst`; __iormb(v) = dma_rmb() = `dmb oshld` plus a
// dummy control dependency on the loaded value (eor/cbnz, a couple of instructions not timed).
// A DMB orders but does not wait: a DC clean issued before a 6.x writel is still in flight when
// the register is written (the DMA API's own maintenance ends with its DSB).

import type { Machine } from "../hw/machine.js";
import type { KernelVersion } from "../mm/layout.js";

/** The one piece of the outer cache the barriers use: outer_cache.sync. */
export interface OuterSync {
  sync(): void;
}

export interface IoBarriers {
  /** Before writel's store. */
  __iowmb(): void;
  /** After readl's load. */
  __iormb(): void;
}

/** `dsb st` waits for earlier stores and cache maintenance; the silicon's DSB waits for exactly
 *  those (posted and around-the-cache stores, cleans by VA: cpu.barrier). `dsb` (SY) likewise. */
function dsb(m: Machine): void {
  m.cpu.barrier();
}

/** `dsb ld` waits only for earlier loads (Arm ARM: reads are its required access type), and
 *  the model completes every load before the next instruction: nothing is left to wait for. */
function dsbLd(): void {}

/** The barriers a kernel of `version` uses on `m`, with the outer cache it installed (32-bit ARM
 *  with a PL310 whose l2x0_of_init succeeded), or none. */
export function ioBarriersFor(m: Machine, version: KernelVersion, outer: OuterSync | null): IoBarriers {
  if (m.profile.arch === "arm") {
    return {
      __iowmb: () => {
        dsb(m);
        outer?.sync(); // arm_heavy_mb: outer_cache.sync, then soc_mb (no machine here sets one)
      },
      __iormb: () => dsb(m),
    };
  }
  if (version === "v4.9") return { __iowmb: () => dsb(m), __iormb: dsbLd };
  return { __iowmb: () => m.cpu.dmb(), __iormb: () => m.cpu.dmb() };
}

const installed = new WeakMap<Machine, IoBarriers>();

/** What boot leaves in place once the outer cache is (or is not) set up: the accessors of a
 *  kernel running on `m` use these from then on. */
export function installIoBarriers(m: Machine, barriers: IoBarriers): void {
  installed.set(m, barriers);
}

/** The barriers for `m`: the booted kernel's, or, on a machine no kernel has booted on, a
 *  current kernel's with no outer cache (outer_cache.sync is NULL until l2x0_of_init runs). */
export function ioBarriersOf(m: Machine): IoBarriers {
  let b = installed.get(m);
  if (!b) {
    b = ioBarriersFor(m, "modern", null);
    installed.set(m, b);
  }
  return b;
}
