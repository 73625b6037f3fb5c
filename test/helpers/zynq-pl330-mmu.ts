// A Zynq-7000 machine (caches from its profile) with its PL330 and the MMU on, as Linux leaves
// them: DRAM's first 64 MiB mapped cacheable at 0xc0000000 + PA (lowmem sections), the DMAC's
// registers Device at their physical address. The DMAC's port snoops the CPU's caches or not
// (`coherent`: an ACP-style port, what `dma-coherent` builds); `tweak` changes the profile.

import { profileMachine, put32, ZYNQ_7000, type ProfileMachineOptions } from "./profile-machine.js";
import { MMU_V7_SHORT, type Machine } from "../../src/hw/machine.js";
import { periodPs } from "../../src/hw/profile.js";

export const DMAC = 0xf8003000;
const TTB = 0x4000;

/** The cacheable lowmem address of physical address pa. */
export const lowmem = (pa: number) => 0xc0000000 + pa;

export async function zynqPl330Machine(coherent: boolean, tweak?: ProfileMachineOptions["tweak"]): Promise<Machine> {
  const p = ZYNQ_7000;
  const m = await profileMachine(p, { ram: [{ base: 0, size: 64 << 20 }], tweak });
  const d = p.dmac.preset;
  m.x.addPl330(DMAC, 0x1000, d.channels, d.requests, d.events, d.dataWidthBits, d.bufferDepth, d.rdCap,
    d.wrCap, d.rdQueue, d.wrQueue, d.icacheLines, d.icacheLineBytes, d.revision, 0, 0, 0,
    periodPs(p.dmac.axiClockMHz), coherent ? 1 : 0, p.dmac.deviceLatencyNs * 1000);
  for (let e = 0; e < 8; e++) m.x.wirePl330Irq(0, e, 46 + e);
  // Sections: lowmem Normal write-back (TEX remap index 7), the DMAC's MB Device.
  for (let mb = 0; mb < 64; mb++) put32(m, TTB + (0xc00 + mb) * 4, (mb << 20) | 0x1140e);
  put32(m, TTB + 0xf80 * 4, 0xf8000000 | 0x2 | 0x10 | 0x400 | 0x1000 | 0x10000);
  m.mmu.setTexRemap(0xff0a81a8, 0x40e040e0);
  m.mmu.setDacr(0x55555555);
  m.mmu.setTtbr(0, TTB);
  m.mmu.setFormat(MMU_V7_SHORT);
  return m;
}
