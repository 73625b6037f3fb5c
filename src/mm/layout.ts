// Kernel virtual memory layouts (spec mmu-cache §2 for arm64, §3.5 for arm). Virtual addresses
// are signed numbers (see hw/address.ts): arm64 kernel addresses are negative.

import { toVirt, type PhysAddr, type VirtAddr } from "../hw/address.js";
import type { Arch } from "../hw/profile.js";

export type KernelVersion = "modern" | "v4.9";

export interface KernelLayout {
  arch: Arch;
  version: KernelVersion;
  vaBits: number;
  /** VA of the first byte of the linear map, and the PA it maps. */
  pageOffset: VirtAddr;
  physOffset: PhysAddr;
  /** End of the range the linear map may cover (arm: lowmem limit). */
  linearLimit: VirtAddr;
  vmallocStart: VirtAddr;
  vmallocEnd: VirtAddr;
  /** The kernel image (arm64: inside the vmalloc range, at its bottom). */
  kimageStart: VirtAddr;
  kimageEnd: VirtAddr;
  modulesStart: VirtAddr;
  modulesEnd: VirtAddr;
}

const v = (x: bigint) => toVirt(x);

/** Linux 4.9 arm64, VA_BITS = 39 (spec mmu-cache §2): linear map at the top. */
function arm64v49(physOffset: PhysAddr): KernelLayout {
  const vmallocStart = v(0xffffff8008000000n);
  return {
    arch: "arm64", version: "v4.9", vaBits: 39,
    pageOffset: v(0xffffffc000000000n), physOffset,
    linearLimit: 0, // 2^64: the top of the address space
    vmallocStart, vmallocEnd: v(0xffffffbebfff0000n),
    kimageStart: v(0xffffff8008080000n), kimageEnd: v(0xffffff8009a00000n),
    modulesStart: v(0xffffff8000000000n), modulesEnd: vmallocStart,
  };
}

/** Linux 5.4+ arm64, VA_BITS = 39: the flipped layout — linear map in the lower half of the
 *  kernel range (PAGE_OFFSET = -2^39, PAGE_END = -2^38), then 2 GB of modules, then vmalloc
 *  with the kernel image at its bottom (6.x MODULES_VSIZE = 2 GB; VMALLOC_END = VMEMMAP_START
 *  − 256 MB, VMEMMAP_START = −4 GB − 8 MB: derived from the 6.x definitions). */
function arm64Modern(physOffset: PhysAddr): KernelLayout {
  const modulesStart = v(0xffffffc000000000n);
  const vmallocStart = v(0xffffffc080000000n);
  return {
    arch: "arm64", version: "modern", vaBits: 39,
    pageOffset: v(0xffffff8000000000n), physOffset,
    linearLimit: modulesStart,
    vmallocStart, vmallocEnd: v(0xfffffffeef800000n),
    kimageStart: vmallocStart, kimageEnd: v(0xffffffc081a00000n),
    modulesStart, modulesEnd: vmallocStart,
  };
}

/** Linux arm (VMSPLIT_3G, no LPAE; spec §3.5): lowmem from 0xC0000000, at most 768 MB;
 *  vmalloc from ALIGN(high_memory + 8 MB, 8 MB) to 0xFF800000. */
function armLayout(version: KernelVersion, physOffset: PhysAddr, ramBytes: number): KernelLayout {
  const pageOffset = 0xc0000000;
  const lowmem = Math.min(ramBytes, 768 * 2 ** 20);
  const highMemory = pageOffset + lowmem;
  const vmallocStart = Math.ceil((highMemory + 8 * 2 ** 20) / (8 * 2 ** 20)) * 8 * 2 ** 20;
  return {
    arch: "arm", version, vaBits: 32,
    pageOffset, physOffset,
    linearLimit: highMemory,
    vmallocStart, vmallocEnd: 0xff800000,
    kimageStart: pageOffset + 0x8000, kimageEnd: pageOffset + 0x00c00000,
    modulesStart: 0xbf000000, modulesEnd: 0xbfe00000,
  };
}

export function kernelLayout(arch: Arch, version: KernelVersion, physOffset: PhysAddr, ramBytes: number): KernelLayout {
  if (arch === "arm") return armLayout(version, physOffset, ramBytes);
  return version === "v4.9" ? arm64v49(physOffset) : arm64Modern(physOffset);
}

export function phys_to_virt(l: KernelLayout, pa: PhysAddr): VirtAddr {
  return l.pageOffset + (pa - l.physOffset);
}

export function virt_to_phys(l: KernelLayout, va: VirtAddr): PhysAddr {
  return va - l.pageOffset + l.physOffset;
}

export function isLinearMap(l: KernelLayout, va: VirtAddr, linearBytes: number): boolean {
  return va >= l.pageOffset && va < l.pageOffset + linearBytes;
}

export function isVmalloc(l: KernelLayout, va: VirtAddr): boolean {
  return va >= l.vmallocStart && va < l.vmallocEnd;
}
