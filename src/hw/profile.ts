// Machine profiles: the timing and geometry parameters of a SoC family, in readable units, the
// built-in profiles, and which one a device tree's compatibles choose. Figures are from
// ../shared/spec (geometry, clocks) and public measurements where the spec is silent (latencies;
// see docs/calibration.md); each profile's PL330 configuration is a preset of pl330-presets.ts.
// Everything a board's device tree does not say comes from here; profile-problem.ts says what
// in a profile the silicon cannot be built from.

import { PL330_RK3399_PERI, PL330_ZYNQ, type Pl330Preset } from "./pl330-presets.js";

export type Arch = "arm" | "arm64";

export interface CacheSpec {
  sizeBytes: number;
  ways: number;
  lineBytes: number;
  replacement: "lru" | "random";
}

export interface PrefetchSpec {
  /** Fetch the next line (within the page) on every demand miss. */
  nextLine: boolean;
  /** One speculative fill every this many line accesses (0: none)… */
  speculativeEvery: number;
  /** …of a line within ± this many lines of a recent access, in the same page. */
  speculativeWindow: number;
}

export const PREFETCH_OFF: PrefetchSpec = { nextLine: false, speculativeEvery: 0, speculativeWindow: 0 };

export interface MachineProfile {
  name: string;
  arch: Arch;
  cpu: {
    clockMHz: number;
    /** Core cycles for an L1 hit (per access; per line in bulk copies). */
    l1HitCycles: number;
    /** Core cycles for a hit in L2. */
    l2HitCycles: number;
    /** Core cycles per cache maintenance instruction. */
    maintCycles: number;
    /** Line fills a streaming access keeps in flight (miss buffers + prefetch). */
    outstandingMisses: number;
    /** Fixed cost of a TLB miss before the descriptor reads. */
    tlbMissCycles: number;
    /** A 32-bit access to a device register, round trip. */
    mmioNs: number;
    /** Issue cost of each non-cacheable access. */
    ncIssueCycles: number;
    /** Bytes per non-cacheable read transaction (LDM/LDP bursts). */
    ncReadBytes: number;
    /** Bytes the write buffer merges per non-cacheable write. */
    ncWriteBytes: number;
    writeBufferSlots: number;
    /** DC ZVA block size in bytes (DCZID_EL0); 0 for a core without the instruction. */
    zvaBytes: number;
    /** Speculative line fills (see assembly/prefetch.ts); deterministic either way. */
    prefetch: PrefetchSpec;
    /** What a DMA master on a port that snoops these caches (an ACP, a coherent interconnect
     *  port) pays per cache line of each transaction, in core cycles: the lookup of a line no
     *  cache holds, before DRAM is asked (assembly/snoop.ts). Absent: 0, the snoop is free. */
    snoopLookupCycles?: number;
    /** …and the answer, with data for a read, for a line a cache holds (no DRAM access for a
     *  read). Absent: 0. */
    snoopHitCycles?: number;
  };
  l1d: CacheSpec;
  l2?: CacheSpec & {
    /** An outer cache (PL310) is outside what maintenance by VA reaches. */
    outer: boolean;
    /** A write or read of the outer cache controller's registers, round trip. */
    registerNs?: number;
  };
  /** Main TLB geometry; 0 entries disables it (every access walks). */
  tlb: { entries: number; ways: number };
  walk: {
    /** Whether a table walk that misses both cache levels allocates the line in L2 (walks are
     *  outer write-back cacheable under Linux; which levels a walker fills is undocumented). */
    allocateInL2: boolean;
    /** The walk cache of non-final VMSAv8 descriptors (0 entries: none). */
    cacheEntries: number;
    cacheWays: number;
  };
  dram: { latencyNs: number; bandwidthMBps: number };
  sram: { latencyNs: number; bandwidthMBps: number };
  dmac: {
    axiClockMHz: number;
    /** Latency of a DMA access to a device FIFO register. */
    deviceLatencyNs: number;
    preset: Pl330Preset;
  };
  /** Where RAM starts when a device tree leaves the memory node for the bootloader to fill. */
  defaultRamBase: number;
}

/** The Zynq-7000 PS: dual Cortex-A9 at 666.667 MHz (CPU_6x4x), 32 KB 4-way L1D with 32-byte
 *  lines, PL310 512 KB 8-way, DDR3-1066 x32, PL330 on a 64-bit AXI at CPU_2x = 222.222 MHz. */
export const ZYNQ_7000: MachineProfile = {
  name: "zynq-7000",
  arch: "arm",
  cpu: {
    clockMHz: 666.667,
    l1HitCycles: 2,
    l2HitCycles: 26,
    maintCycles: 2,
    outstandingMisses: 4,
    tlbMissCycles: 10,
    mmioNs: 60,
    ncIssueCycles: 2,
    ncReadBytes: 16, // Normal-NC loads are not combined into line bursts (calibrated, docs/calibration.md)
    ncWriteBytes: 32,
    writeBufferSlots: 4,
    zvaBytes: 0,
    // Off: the A9's L1 prefetcher (ACTLR bit 2) resets disabled and mainline Linux leaves it so;
    // the PL310's prefetch (AUX_CTRL[28]) is not set by the Zynq device tree.
    prefetch: PREFETCH_OFF,
    // Estimates: no published figure for the A9 SCU's ACP snoops was found; the Cortex-A53's
    // (below) stand in (docs/calibration.md).
    snoopLookupCycles: 6,
    snoopHitCycles: 13,
  },
  l1d: { sizeBytes: 32 * 1024, ways: 4, lineBytes: 32, replacement: "random" },
  // PL310 line operations by PA: its registers are on the CPU's private bus (calibrated so cache
  // maintenance is the share of a streaming pipeline measured on Zynq; docs/calibration.md).
  l2: { sizeBytes: 512 * 1024, ways: 8, lineBytes: 32, replacement: "random", outer: true, registerNs: 24 },
  tlb: { entries: 128, ways: 2 },
  walk: { allocateInL2: true, cacheEntries: 0, cacheWays: 0 },
  dram: { latencyNs: 80, bandwidthMBps: 3838 }, // DDR3-1066 x32 = 4264 MB/s peak at ~90 %
  sram: { latencyNs: 20, bandwidthMBps: 3555 }, // OCM: 64-bit at 444 MHz
  dmac: {
    axiClockMHz: 222.222,
    deviceLatencyNs: 60,
    preset: PL330_ZYNQ,
  },
  defaultRamBase: 0,
};

/** A Cortex-A53 (arm64) SoC: 1.2 GHz, 32 KB 4-way L1D and 1 MB 16-way L2 with 64-byte lines
 *  (the L2 is inside the point of coherency), LPDDR4 x32. */
export const ARM64_A53: MachineProfile = {
  name: "arm64",
  arch: "arm64",
  cpu: {
    clockMHz: 1200,
    l1HitCycles: 3,
    l2HitCycles: 13,
    maintCycles: 2,
    outstandingMisses: 6,
    tlbMissCycles: 20,
    mmioNs: 50,
    ncIssueCycles: 2,
    ncReadBytes: 64,
    ncWriteBytes: 64,
    writeBufferSlots: 6,
    zvaBytes: 64,
    // On: the A53's L1 data prefetcher is enabled at reset (CPUACTLR_EL1.L1PCTL), and an
    // arm64 kernel must expect speculative fills of any cacheable line.
    prefetch: { nextLine: true, speculativeEvery: 64, speculativeWindow: 4 },
    // Cortex-A53 TRM (DDI 0500D) table 7-9, best cases: a miss in the duplicate and L2 tags
    // answers in 6 cycles; a hit in L2 with data in 13 (an L1-only hit takes 16, not told apart).
    snoopLookupCycles: 6,
    snoopHitCycles: 13,
  },
  l1d: { sizeBytes: 32 * 1024, ways: 4, lineBytes: 64, replacement: "lru" },
  l2: { sizeBytes: 1024 * 1024, ways: 16, lineBytes: 64, replacement: "lru", outer: false },
  tlb: { entries: 512, ways: 4 },
  walk: { allocateInL2: true, cacheEntries: 64, cacheWays: 4 }, // spec mmu-cache §5.1
  dram: { latencyNs: 90, bandwidthMBps: 7680 },
  sram: { latencyNs: 20, bandwidthMBps: 6400 },
  dmac: {
    axiClockMHz: 200,
    deviceLatencyNs: 60,
    preset: PL330_RK3399_PERI,
  },
  defaultRamBase: 0,
};

/** What the three ARMv7-A profiles with an integrated L2 share: Linux arm (short-descriptor MMU,
 *  v7_dma_* maintenance by VA to the PoC, which includes the L2: no PL310 and no outer ops by
 *  PA), 64-byte lines in both levels, a PL330 on a 64-bit AXI. Clocks, latencies and DRAM are
 *  estimates with no figure to calibrate against (docs/calibration.md). The model's walk cache
 *  is the VMSAv8 walker's; the short-descriptor walker has none, so the cores' caches of
 *  first-level descriptors are left out (walkCache 0) — a 4 KB walk always reads two. */
const ARMV7_INTEGRATED_L2 = {
  arch: "arm" as const,
  walk: { allocateInL2: true, cacheEntries: 0, cacheWays: 0 },
  sram: { latencyNs: 20, bandwidthMBps: 3200 },
  // No preset names an ARMv7 SoC's PL330 by its boot log yet: RK3399's peripheral DMAC (the
  // same Rockchip integration of the r1p1 DMA-330) stands in, and board.assumed says so.
  dmac: { axiClockMHz: 200, deviceLatencyNs: 60, preset: PL330_RK3399_PERI },
  defaultRamBase: 0,
};

/** Snoop costs for the ARMv7 cores with an integrated L2: estimates, the Cortex-A53's figures
 *  (no published A7/A15/A17 snoop latency was found; docs/calibration.md). */
const A53_SNOOP_ESTIMATE = { snoopLookupCycles: 6, snoopHitCycles: 13 };

/** Cortex-A7 MPCore (DDI 0464F): in-order; L1D 8–64 KB 4-way 64 B lines (32 KB typical); L2
 *  0–1 MB, 8-way, 64 B lines, inside the cluster; main TLB 256 entries 2-way (§5.3.2). Typical
 *  L2 512 KB (R-Car E2's cache node, Allwinner H3); 1.2 GHz, DDR3 x32 as on Allwinner/RK3036
 *  boards. Replacement policies are not confirmed from the TRM here: L1D LRU, L2 random. */
export const CORTEX_A7: MachineProfile = {
  ...ARMV7_INTEGRATED_L2,
  name: "cortex-a7",
  cpu: {
    clockMHz: 1200,
    l1HitCycles: 3,
    l2HitCycles: 15,
    maintCycles: 2,
    outstandingMisses: 4,
    tlbMissCycles: 10,
    mmioNs: 60,
    ncIssueCycles: 2,
    ncReadBytes: 32,
    ncWriteBytes: 64,
    writeBufferSlots: 4,
    zvaBytes: 0,
    // Off: Linux arm does not enable the A7's data prefetcher beyond its reset state, and a
    // deterministic model of it would be a guess.
    prefetch: PREFETCH_OFF,
    ...A53_SNOOP_ESTIMATE,
  },
  l1d: { sizeBytes: 32 * 1024, ways: 4, lineBytes: 64, replacement: "lru" },
  l2: { sizeBytes: 512 * 1024, ways: 8, lineBytes: 64, replacement: "random", outer: false },
  tlb: { entries: 256, ways: 2 },
  dram: { latencyNs: 100, bandwidthMBps: 3838 }, // DDR3-1066 x32 at ~90 %
};

/** Cortex-A15 MPCore (DDI 0438E): L1D 32 KB 2-way 64 B lines, LRU; L2 512 KB–4 MB, 16-way,
 *  64 B lines, random replacement, inclusive of L1D; main TLB 512 entries 4-way. Typical L2
 *  1 MB and 1.7 GHz as on Exynos 5250, whose published latencies (7-cpu.com: L1 4 cycles, L2 21,
 *  RAM 21 cycles + 110 ns) set the hit costs; dual-channel DDR3L-1600 x32. */
export const CORTEX_A15: MachineProfile = {
  ...ARMV7_INTEGRATED_L2,
  name: "cortex-a15",
  cpu: {
    clockMHz: 1700,
    l1HitCycles: 4,
    l2HitCycles: 21,
    maintCycles: 2,
    outstandingMisses: 6,
    tlbMissCycles: 12,
    mmioNs: 50,
    ncIssueCycles: 2,
    ncReadBytes: 64,
    ncWriteBytes: 64,
    writeBufferSlots: 6,
    zvaBytes: 0,
    prefetch: PREFETCH_OFF, // the L2 prefetcher is optional (TRM) and its behaviour unmodelled
    ...A53_SNOOP_ESTIMATE,
  },
  l1d: { sizeBytes: 32 * 1024, ways: 2, lineBytes: 64, replacement: "lru" },
  l2: { sizeBytes: 1024 * 1024, ways: 16, lineBytes: 64, replacement: "random", outer: false },
  tlb: { entries: 512, ways: 4 },
  dram: { latencyNs: 110, bandwidthMBps: 9600 },
};

/** Cortex-A17 MPCore (DDI 0535C; also the Cortex-A12, which ARM folded into it): L1D 32 KB
 *  4-way 64 B lines; L2 256 KB–8 MB, 16-way, 64 B lines; main TLB 1024 entries 4-way (not
 *  confirmed from the TRM here). Typical L2 1 MB and 1.8 GHz as on RK3288; an out-of-order core
 *  of the A15's class, so its latencies are the A15's (no published A17 figures were found). */
export const CORTEX_A17: MachineProfile = {
  ...CORTEX_A15,
  name: "cortex-a17",
  cpu: { ...CORTEX_A15.cpu, clockMHz: 1800 },
  l1d: { sizeBytes: 32 * 1024, ways: 4, lineBytes: 64, replacement: "lru" },
  l2: { sizeBytes: 1024 * 1024, ways: 16, lineBytes: 64, replacement: "random", outer: false },
  tlb: { entries: 1024, ways: 4 },
  dram: { latencyNs: 110, bandwidthMBps: 9600 }, // RK3288: dual-channel DDR3-1333 x32, ~90 %
};

export const PROFILES: Record<string, MachineProfile> = {
  "zynq-7000": ZYNQ_7000,
  arm64: ARM64_A53,
  "cortex-a7": CORTEX_A7,
  "cortex-a15": CORTEX_A15,
  "cortex-a17": CORTEX_A17,
};

/** The ARMv7-A CPU compatibles with an integrated L2 and their profiles. */
const ARMV7_CPUS: Record<string, MachineProfile> = {
  "arm,cortex-a7": CORTEX_A7,
  "arm,cortex-a15": CORTEX_A15,
  "arm,cortex-a17": CORTEX_A17,
  "arm,cortex-a12": CORTEX_A17,
};

/** Picks the profile for a device tree from its CPU and root compatibles. */
export function profileForTree(compatibles: string[]): MachineProfile {
  return chooseProfile(compatibles).profile;
}

/** The profile for a device tree's CPU and root compatibles and the compatible that chose it;
 *  `by` is undefined when none did and the zynq-7000 profile stands in for an unknown SoC. */
export function chooseProfile(compatibles: string[]): { profile: MachineProfile; by?: string } {
  const arm64 = compatibles.find((c) => /cortex-a(53|57|72|73|35|55|76)|armv8|aarch64|rk3399|rk33|zynqmp/i.test(c));
  if (arm64) return { profile: ARM64_A53, by: arm64 };
  // The first listed CPU is the boot CPU on these trees (cpu@0), the one the DMA path runs on in
  // a big.LITTLE pair such as Exynos 5420's A15 + A7.
  const v7 = compatibles.find((c) => ARMV7_CPUS[c]);
  if (v7) return { profile: ARMV7_CPUS[v7], by: v7 };
  return { profile: ZYNQ_7000, by: compatibles.find((c) => /zynq-7000|cortex-a9$/i.test(c)) };
}

/** Picoseconds per cycle of a clock given in MHz, rounded to an integer (222.222 MHz → 4500). */
export function periodPs(mhz: number): number {
  return Math.round(1e6 / mhz);
}

/** What createSystem, runSweep and the CLI say of a profile name none of PROFILES has. */
export function unknownProfileText(name: string): string {
  return `unknown profile "${name}" (known: ${Object.keys(PROFILES).join(", ")})`;
}
