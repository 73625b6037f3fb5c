// Cache maintenance for DMA walks the linear map line by line and cleans or discards whatever
// it covers. A range that runs off the mapped RAM — a sync far larger than its buffer, a mapping
// of an address beyond DRAM — would on hardware first invalidate the cached state of everything
// up to the first unmapped address (kernel data and page tables among it) and then fault: the
// machine is lost. dmasim raises that same fault before touching any line, so the System stays
// usable; what the caller sees is the kernel's oops ("Unable to handle kernel paging request").

import { CpuFault } from "../hw/machine.js";
import type { PhysAddr, VirtAddr } from "../hw/address.js";

/** FAULT_NAMES index of a translation fault (hw/machine.ts). */
const TRANSLATION_FAULT = 1;

export interface LinearMap {
  linearRamEnd(pa: PhysAddr): PhysAddr;
  phys_to_virt(pa: PhysAddr): VirtAddr;
}

/** A range check for ArmCache/Arm64Cache.checkRange. */
export function linearRangeCheck(mm: LinearMap, arch: "arm" | "arm64"): (paddr: PhysAddr, size: number) => void {
  return (paddr, size) => {
    if (size <= 0) return;
    const end = mm.linearRamEnd(paddr);
    if (paddr + size > end) throw new CpuFault(TRANSLATION_FAULT, mm.phys_to_virt(end), arch);
  };
}
