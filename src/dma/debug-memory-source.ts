// DMA-API debugging's checks of where the memory a driver maps lies (kernel/dma/debug.c
// check_for_stack, check_for_illegal_area, debug_dma_map_single; spec dma-api §6): on the
// current task's stack, in kernel text or rodata, outside the linear map, in vmalloc space.
// They read the kernel's memory layout and the current task, never the entry hash; each gives
// its report's text, which DmaDebug (debug.ts) prints through err_printk when the check is on.

import type { VirtAddr } from "../hw/address.js";
import type { Kernel } from "../kernel/kernel.js";
import { PAGE_SIZE } from "../mm/gfp.js";
import { formatPointer } from "./debug-report.js";

/** check_for_stack: page `pfn` at `offset` in the current task's stack (a vmapped stack is
 *  known by its pages, so the address is only probable). */
export function check_for_stack(kernel: Kernel, pfn: number, offset: number): string | undefined {
  const st = kernel.current;
  if (st.vmapped) {
    const i = st.pages.indexOf(pfn);
    if (i >= 0) return `device driver maps memory from stack [probable addr=${formatPointer(kernel, st.stack + i * PAGE_SIZE + offset)}]`;
    return undefined;
  }
  const base = kernel.mm.page_address(pfn);
  if (!base) return undefined;
  const addr = base + offset;
  if (addr >= st.stack && addr < st.stack + st.size) return `device driver maps memory from stack [addr=${formatPointer(kernel, addr)}]`;
  return undefined;
}

/** check_for_illegal_area: `len` bytes at `addr` overlap kernel text or rodata. */
export function check_for_illegal_area(kernel: Kernel, addr: VirtAddr, len: number): string | undefined {
  const img = kernel.mm.layout.image;
  const hits = (s: VirtAddr, e: VirtAddr) => addr < e && addr + len > s;
  if (hits(img.text, img.etext) || hits(img.startRodata, img.initBegin)) {
    return `device driver maps memory from kernel text or rodata [addr=${formatPointer(kernel, addr)}] [len=${len}]`;
  }
  return undefined;
}

/** debug_dma_map_single (modern): the address must be a valid linear-map address; a vmalloc
 *  one gets both reports. */
export function check_map_single(kernel: Kernel, addr: VirtAddr, len: number): string[] {
  const mm = kernel.mm;
  const reports: string[] = [];
  if (!mm.virt_addr_valid(addr)) reports.push(`device driver maps memory from invalid area [addr=${formatPointer(kernel, addr)}] [len=${len}]`);
  if (mm.isVmalloc(addr)) reports.push(`device driver maps memory from vmalloc area [addr=${formatPointer(kernel, addr)}] [len=${len}]`);
  return reports;
}
