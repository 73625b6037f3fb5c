// Kernel virtual memory layouts (spec mmu-cache §2 for arm64, §3.5 for arm) and the kernel
// image's sections. Virtual addresses are signed numbers (see hw/address.ts): arm64 kernel
// addresses are negative.

import { toVirt, type PhysAddr, type VirtAddr } from "../hw/address.js";
import type { Arch } from "../hw/profile.js";

export type KernelVersion = "modern" | "v4.9";

/** One named boundary of the address space, as ptdump's address_markers list them. */
export interface AddressMarker {
  start: VirtAddr;
  name: string;
}

/** The kernel image's sections, by virtual address (_text … _end). */
export interface KernelImage {
  text: VirtAddr; // _text / _stext
  etext: VirtAddr; // _etext
  startRodata: VirtAddr; // __start_rodata
  initBegin: VirtAddr; // __init_begin (= __end_rodata here)
  initEnd: VirtAddr; // __init_end
  sdata: VirtAddr; // _sdata
  end: VirtAddr; // _end
  /** Physical address of _text. */
  textPhys: PhysAddr;
}

export interface KernelLayout {
  arch: Arch;
  version: KernelVersion;
  vaBits: number;
  /** VA of the first byte of the linear map, and the PA it maps. */
  pageOffset: VirtAddr;
  physOffset: PhysAddr;
  /** End of the range the linear map may cover (arm: lowmem limit; arm64 4.9: 0 = 2^64). */
  linearLimit: VirtAddr;
  vmallocStart: VirtAddr;
  vmallocEnd: VirtAddr;
  /** The kernel image mapping (arm64: inside the vmalloc range, at its bottom). */
  kimageStart: VirtAddr;
  kimageEnd: VirtAddr;
  modulesStart: VirtAddr;
  modulesEnd: VirtAddr;
  /** arm64 VMEMMAP_START, where the struct page array is mapped (arm: 0, FLATMEM has none). */
  vmemmapStart: VirtAddr;
  image: KernelImage;
  /** ptdump's address markers, in the order the walk meets them. */
  markers: AddressMarker[];
}

const v = (x: bigint) => toVirt(x);
const MB = 2 ** 20;

/** Section sizes of a representative defconfig image, 2 MB aligned as with
 *  CONFIG_DEBUG_ALIGN_RODATA so that arm64 can map them with blocks (sizes illustrative). */
function arm64Image(text: VirtAddr, textPhys: PhysAddr): KernelImage {
  return {
    text, etext: text + 8 * MB, startRodata: text + 8 * MB, initBegin: text + 12 * MB,
    initEnd: text + 14 * MB, sdata: text + 14 * MB, end: text + 20 * MB, textPhys,
  };
}

/** Linux 4.9 arm64, VA_BITS = 39 (spec mmu-cache §2): linear map at the top, the image at
 *  KIMAGE_VADDR + TEXT_OFFSET (0x80000), loaded at PHYS_OFFSET + TEXT_OFFSET. */
function arm64v49(physOffset: PhysAddr): KernelLayout {
  const modulesStart = v(0xffffff8000000000n);
  const vmallocStart = v(0xffffff8008000000n);
  const vmallocEnd = v(0xffffffbebfff0000n);
  const pageOffset = v(0xffffffc000000000n);
  const image = arm64Image(v(0xffffff8008080000n), physOffset + 0x80000);
  const fixTop = v(0xffffffbefec00000n);
  const vmemmapStart = v(0xffffffbf00000000n);
  return {
    arch: "arm64", version: "v4.9", vaBits: 39,
    pageOffset, physOffset,
    linearLimit: 0,
    vmallocStart, vmallocEnd,
    kimageStart: image.text, kimageEnd: image.end,
    modulesStart, modulesEnd: vmallocStart,
    vmemmapStart,
    image,
    markers: [
      { start: modulesStart, name: "Modules start" },
      { start: vmallocStart, name: "Modules end" },
      { start: vmallocStart, name: "vmalloc() Area" },
      { start: vmallocEnd, name: "vmalloc() End" },
      { start: fixTop - 4 * MB, name: "Fixmap start" },
      { start: fixTop, name: "Fixmap end" },
      { start: v(0xffffffbefee00000n), name: "PCI I/O start" },
      { start: v(0xffffffbeffe00000n), name: "PCI I/O end" },
      { start: vmemmapStart, name: "vmemmap start" },
      { start: pageOffset, name: "vmemmap end" },
      { start: pageOffset, name: "Linear Mapping" },
    ],
  };
}

/** Linux 5.4+ arm64, VA_BITS = 39: the flipped layout — linear map in the lower half of the
 *  kernel range (PAGE_OFFSET = -2^39, PAGE_END = -2^38), then 2 GB of modules, then vmalloc
 *  with the kernel image at its bottom (6.x MODULES_VSIZE = 2 GB; VMALLOC_END = VMEMMAP_START
 *  − 256 MB, VMEMMAP_START = −4 GB − 8 MB: derived from the 6.x definitions). The image has no
 *  TEXT_OFFSET and sits at the start of RAM. */
function arm64Modern(physOffset: PhysAddr): KernelLayout {
  const pageOffset = v(0xffffff8000000000n);
  const modulesStart = v(0xffffffc000000000n);
  const vmallocStart = v(0xffffffc080000000n);
  const vmallocEnd = v(0xfffffffeef800000n);
  const vmemmap = vmallocEnd + 256 * MB;
  const image = arm64Image(vmallocStart, physOffset);
  return {
    arch: "arm64", version: "modern", vaBits: 39,
    pageOffset, physOffset,
    linearLimit: modulesStart,
    vmallocStart, vmallocEnd,
    kimageStart: image.text, kimageEnd: image.end,
    modulesStart, modulesEnd: vmallocStart,
    vmemmapStart: vmemmap,
    image,
    markers: [
      { start: pageOffset, name: "Linear Mapping start" },
      { start: modulesStart, name: "Linear Mapping end" },
      { start: modulesStart, name: "Modules start" },
      { start: vmallocStart, name: "Modules end" },
      { start: vmallocStart, name: "vmalloc() area" },
      { start: vmallocEnd, name: "vmalloc() end" },
      { start: vmemmap, name: "vmemmap start" },
      { start: vmemmap + 4 * 1024 * MB, name: "vmemmap end" },
    ],
  };
}

/** Linux arm (VMSPLIT_3G, no LPAE; spec §3.5): lowmem from 0xC0000000, at most 768 MB;
 *  vmalloc from ALIGN(high_memory + 8 MB, 8 MB) to 0xFF800000; the image in lowmem at
 *  PAGE_OFFSET + TEXT_OFFSET (0x8000). */
function armLayout(version: KernelVersion, physOffset: PhysAddr, ramBytes: number): KernelLayout {
  const pageOffset = 0xc0000000;
  const lowmem = Math.min(ramBytes, 768 * MB);
  const highMemory = pageOffset + lowmem;
  const vmallocStart = Math.ceil((highMemory + 8 * MB) / (8 * MB)) * 8 * MB;
  const text = pageOffset + 0x8000;
  const image: KernelImage = {
    text, etext: pageOffset + 6 * MB, startRodata: pageOffset + 6 * MB, initBegin: pageOffset + 8 * MB,
    initEnd: pageOffset + 9 * MB, sdata: pageOffset + 9 * MB, end: pageOffset + 10 * MB, textPhys: physOffset + 0x8000,
  };
  return {
    arch: "arm", version, vaBits: 32,
    pageOffset, physOffset,
    linearLimit: highMemory,
    vmallocStart, vmallocEnd: 0xff800000,
    kimageStart: image.text, kimageEnd: image.end,
    modulesStart: 0xbf000000, modulesEnd: 0xbfe00000,
    vmemmapStart: 0,
    image,
    markers: [
      { start: 0xbf000000, name: "Modules" },
      { start: pageOffset, name: "Kernel Mapping" },
      { start: vmallocStart, name: "vmalloc() Area" },
      { start: 0xff800000, name: "vmalloc() End" },
      { start: 0xffc00000, name: "Fixmap Area" },
      { start: 0xffff0000, name: "Vectors" },
      { start: 0xffff2000, name: "Vectors End" },
    ],
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

export function isVmalloc(l: KernelLayout, va: VirtAddr): boolean {
  return va >= l.vmallocStart && va < l.vmallocEnd;
}

/** __is_lm_address for arm64 / lowmem for arm: the VA lies in the linear map's range. */
export function isLinearRange(l: KernelLayout, va: VirtAddr, linearBytes: number): boolean {
  return va >= l.pageOffset && va < l.pageOffset + linearBytes;
}

/** A kernel image address (arm64: the kimage mapping; arm: lowmem, where the image lives). */
export function isKimage(l: KernelLayout, va: VirtAddr): boolean {
  return va >= l.image.text && va < l.image.end;
}
