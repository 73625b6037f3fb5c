// The device models on the bus and MMIO dispatch to them. A board is built by creating devices
// and mapping their register windows (dram.addMmio) at the addresses the device tree gives.

import { findRegion, regionKind, regionBase, regionDevice, regionInstance, regionLatency, KIND_MMIO } from "./dram";
import { Dmac } from "./pl330/dmac";
import { readRegister, writeRegister } from "./pl330/regs";
import { Pl310 } from "./pl310";
import { DEV_PERIPHERAL, peripherals } from "./peripherals/peripheral";
import * as gicDist from "./gic-dist";

export const DEV_PL330: i32 = 1;
export const DEV_PL310: i32 = 2;
/** The GIC distributor (one per SoC: no instance). DEV_PERIPHERAL is 3 (peripherals/peripheral.ts). */
export const DEV_GICD: i32 = 4;
export { DEV_PERIPHERAL, peripherals };

export const pl330s = new Array<Dmac>();
export const pl310s = new Array<Pl310>();

/** Set when an MMIO access hit no device (the CPU takes an external abort). */
export let mmioError: bool = false;
/** The register window's own latency for the last access (0: the CPU port's default). */
export let mmioLatencyPs: i64 = 0;

export function mmioRead32(pa: u64, t: i64): u32 {
  const r = findRegion(pa);
  if (r < 0 || regionKind(r) != KIND_MMIO || (pa & 3) != 0) {
    mmioError = true;
    return 0;
  }
  const off = <u32>(pa - regionBase(r));
  const dev = regionDevice(r);
  const inst = regionInstance(r);
  mmioLatencyPs = regionLatency(r);
  // The PL330's APB slave decodes PADDR[11:0] (its 4 KiB register map): a larger window, as
  // rk3288's 16 KiB, repeats it, so the ID registers answer at the window's end too.
  if (dev == DEV_PL330) return readRegister(pl330s[inst], off & 0xfff, t);
  if (dev == DEV_PL310) return pl310s[inst].read(off);
  if (dev == DEV_PERIPHERAL) return peripherals[inst].read(off, t);
  if (dev == DEV_GICD) return gicDist.read(off);
  mmioError = true;
  return 0;
}

export function mmioWrite32(pa: u64, v: u32, t: i64): void {
  const r = findRegion(pa);
  if (r < 0 || regionKind(r) != KIND_MMIO || (pa & 3) != 0) {
    mmioError = true;
    return;
  }
  const off = <u32>(pa - regionBase(r));
  const dev = regionDevice(r);
  const inst = regionInstance(r);
  mmioLatencyPs = regionLatency(r);
  if (dev == DEV_PL330) writeRegister(pl330s[inst], off & 0xfff, v, t);
  else if (dev == DEV_PL310) pl310s[inst].write(off, v);
  else if (dev == DEV_PERIPHERAL) peripherals[inst].write(off, v, t);
  else if (dev == DEV_GICD) gicDist.write(off, v);
  else mmioError = true;
}

export function clearMmioError(): void {
  mmioError = false;
}
