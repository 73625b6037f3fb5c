// A machine without a kernel, configured from a profile exactly as a board is (board.ts
// configureMemorySystem), with RAM where the test wants it. Page tables are written by hand.

import { instantiateSilicon } from "../../src/hw/wasm.js";
import { Machine } from "../../src/hw/machine.js";
import { configureMemorySystem } from "../../src/hw/board.js";
import { ZYNQ_7000, ARM64_A53, PREFETCH_OFF, type MachineProfile } from "../../src/hw/profile.js";

export interface ProfileMachineOptions {
  ram?: { base: number; size: number }[];
  /** Changes to the profile (the prefetcher is off unless a test turns it on). */
  tweak?: (p: MachineProfile) => MachineProfile;
}

export async function profileMachine(profile: MachineProfile, opts: ProfileMachineOptions = {}): Promise<Machine> {
  let p: MachineProfile = { ...profile, cpu: { ...profile.cpu, prefetch: PREFETCH_OFF } };
  if (opts.tweak) p = opts.tweak(p);
  const x = await instantiateSilicon();
  configureMemorySystem(x, p);
  for (const r of opts.ram ?? [{ base: 0, size: 64 << 20 }]) x.addRam(r.base, r.size, 0);
  return new Machine(x, p);
}

/** Cycles of the profile's CPU clock in picoseconds, rounded as board.ts rounds them. */
export function cyclesPs(p: MachineProfile, cycles: number): number {
  return Math.round(cycles * (1e6 / p.cpu.clockMHz));
}

/** DRAM bus time of one transfer of `bytes` on the profile's DRAM, in ps: the bandwidth rounded
 *  to ps per KiB as board.ts configures the controller, then truncated per transfer as
 *  dram.ts's memAccess does. The latency (dram.latencyNs) comes on top and overlaps. */
export function dramTransferPs(p: MachineProfile, bytes: number): number {
  const psPerKiB = Math.round((1024 * 1e12) / (p.dram.bandwidthMBps * 1e6));
  return Math.floor((bytes * psPerKiB) / 1024);
}

export { put64, put32 } from "./bare-machine.js";
export { ZYNQ_7000, ARM64_A53 };
