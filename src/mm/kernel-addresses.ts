// The kernel's address arithmetic (asm/memory.h): the linear map's and (arm64) the kernel
// image's VA ↔ PA conversions, and which region of the kernel's VA space an address lies in.
// It needs only the layout (layout.ts) and how far the linear map reaches. MemoryManager
// (mm.ts) extends it, so `mm.virt_to_phys` and the rest stay the memory manager's own methods:
// the DMA map paths call them on every mapping, with no object between.

import type { PhysAddr, VirtAddr } from "../hw/address.js";
import { isKimage, type KernelLayout } from "./layout.js";
import { PAGE_SIZE } from "./gfp.js";

export class KernelAddresses {
  constructor(
    readonly layout: KernelLayout,
    /** Bytes from PHYS_OFFSET that the linear map may cover (arm: lowmem; holes included). */
    readonly linearBytes: number,
  ) {}

  get arch(): "arm" | "arm64" {
    return this.layout.arch;
  }

  phys_to_virt(pa: PhysAddr): VirtAddr {
    return this.layout.pageOffset + (pa - this.layout.physOffset);
  }

  /** __virt_to_phys: the linear map, or (arm64) the kernel image mapping. */
  virt_to_phys(va: VirtAddr): PhysAddr {
    if (this.arch === "arm64" && isKimage(this.layout, va)) return this.__pa_symbol(va);
    return va - this.layout.pageOffset + this.layout.physOffset;
  }

  /** __pa_symbol: the physical address of a kernel image address. */
  __pa_symbol(va: VirtAddr): PhysAddr {
    const img = this.layout.image;
    return va - img.text + img.textPhys;
  }

  /** The VA lies in the linear map's range (RAM or not). */
  isLinear(va: VirtAddr): boolean {
    return va >= this.layout.pageOffset && va < this.layout.pageOffset + this.linearBytes;
  }

  isVmalloc(va: VirtAddr): boolean {
    return va >= this.layout.vmallocStart && va < this.layout.vmallocEnd;
  }

  /** virt_to_page: the pfn of a linear-map (or arm64 image) address. */
  virt_to_pfn(va: VirtAddr): number {
    return Math.floor(this.virt_to_phys(va) / PAGE_SIZE);
  }

  virt_to_page(va: VirtAddr): number {
    return this.virt_to_pfn(va);
  }

  /** The linear-map VA of a lowmem page, 0 for a highmem one. */
  protected lowmemAddress(pfn: number): VirtAddr {
    const pa = pfn * PAGE_SIZE;
    if (pa - this.layout.physOffset >= this.linearBytes) return 0;
    return this.phys_to_virt(pa);
  }
}
