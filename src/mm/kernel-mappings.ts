// The kernel's own mappings, written by paging_init before the MMU is on: the linear map of
// lowmem (arm64 __map_memblock; arm map_lowmem with dma_contiguous_remap for CMA areas) and the
// arm64 kernel image segments in the vmalloc area (and, once vmalloc exists, in its list).

import type { PhysAddr, VirtAddr } from "../hw/address.js";
import type { PageProt, PageTables } from "./pgtable.js";
import type { KernelLayout } from "./layout.js";
import type { Range } from "./memblock.js";
import type { CmaAreas } from "./cma.js";
import { linearMapRanges } from "./linear-map-ranges.js";
import { PAGE_SIZE } from "./gfp.js";
import { VM_MAP, type Vmalloc } from "./vmalloc.js";

export interface KernelMapInputs {
  layout: KernelLayout;
  /** memblock.memory */
  memory: Range[];
  nomap: Range[];
  /** Bytes from PHYS_OFFSET the linear map may cover. */
  linearBytes: number;
  cma: CmaAreas;
  phys_to_virt(pa: PhysAddr): VirtAddr;
  __pa_symbol(va: VirtAddr): PhysAddr;
}

/** arm64 paging_init: map_kernel (the image segments), then map_mem (the linear map; the alias
 *  of [_text, __init_begin) is mapped read-only on its own, so the blocks around it break up),
 *  each taking its tables from memblock in that order. arm: map_lowmem. */
export function mapKernel(pgt: PageTables, k: KernelMapInputs): void {
  const arch = k.layout.arch;
  const img = k.layout.image;
  if (arch === "arm64") {
    const seg = (s: VirtAddr, e: VirtAddr, prot: PageProt) => pgt.mapRange(s, k.__pa_symbol(s), e - s, prot);
    seg(img.text, img.etext, "kernel-rox");
    seg(img.startRodata, img.initBegin, "kernel-ro");
    seg(img.sdata, img.end, "kernel");
  }
  const lowmemEnd = k.layout.physOffset + k.linearBytes;
  const ks = img.textPhys;
  const ke = img.textPhys + (img.initBegin - img.text);
  const map = (start: PhysAddr, end: PhysAddr, prot: PageProt) => {
    if (end > start) pgt.mapRange(k.phys_to_virt(start), start, end - start, prot);
  };
  for (const bank of linearMapRanges(arch, k.memory, k.nomap)) {
    const end = Math.min(bank.base + bank.size, lowmemEnd);
    if (arch === "arm") {
      mapLowmemArm(pgt, k, bank.base, end);
      continue;
    }
    if (end <= ks || bank.base >= ke) {
      map(bank.base, end, "kernel");
      continue;
    }
    map(bank.base, Math.min(ks, end), "kernel");
    map(Math.max(ke, bank.base), end, "kernel");
    map(Math.max(ks, bank.base), Math.min(ke, end), "kernel-ro");
  }
}

/** arm map_lowmem, then dma_contiguous_remap: the lowmem of every CMA area is mapped with
 *  4 KB pages (MT_MEMORY_DMA_READY: the kernel's cacheable type) instead of sections, so that
 *  a coherent allocation can change its pages' attributes in place (spec mmu-cache §3.5).
 *  Linux maps sections first and replaces them; the MMU is still off here, so the tables are
 *  written in their final form. */
function mapLowmemArm(pgt: PageTables, k: KernelMapInputs, start: PhysAddr, end: PhysAddr): void {
  let cur = start;
  const areas = k.cma.areas.map((c) => ({ base: c.basePfn * PAGE_SIZE, end: (c.basePfn + c.count) * PAGE_SIZE })).sort((a, b) => a.base - b.base);
  for (const a of areas) {
    const s = Math.max(a.base, cur);
    const e = Math.min(a.end, end);
    if (s >= e) continue;
    if (s > cur) pgt.mapRange(k.phys_to_virt(cur), cur, s - cur, "kernel");
    for (let pa = s; pa < e; pa += PAGE_SIZE) pgt.mapPage(k.phys_to_virt(pa), pa, "kernel");
    cur = e;
  }
  if (end > cur) pgt.mapRange(k.phys_to_virt(cur), cur, end - cur, "kernel");
}

/** arm64: the image segments paging_init mapped, entered in the vmalloc area's list once it
 *  exists (map_kernel_segment's vm_area_add_early), so that vmalloc never hands their range out. */
export function addKernelSegments(vmalloc: Vmalloc, layout: KernelLayout, __pa_symbol: (va: VirtAddr) => PhysAddr): void {
  if (layout.arch !== "arm64") return;
  const img = layout.image;
  const add = (s: VirtAddr, e: VirtAddr, prot: PageProt) => vmalloc.addEarly(s, e - s, __pa_symbol(s), VM_MAP, prot, "map_kernel_segment");
  add(img.text, img.etext, "kernel-rox");
  add(img.startRodata, img.initBegin, "kernel-ro");
  add(img.initBegin, img.initEnd, "kernel-rox");
  add(img.sdata, img.end, "kernel");
}
