// The swiotlb= kernel parameter (Documentation/admin-guide/kernel-parameters.txt:
// swiotlb=[<int>][,force]), as setup_io_tlb_npages in kernel/dma/swiotlb.c (4.9: lib/swiotlb.c)
// reads it: a slab count (simple_strtoul, base 0: decimal, 0x hex or 0 octal) rounded up to whole
// 128-slab segments, then after a ',' the word "force". Linux skips what it cannot read without a
// word; dmasim refuses it, since a typo would otherwise boot with the defaults.

import { IO_TLB_SEGSIZE, IO_TLB_SIZE } from "./swiotlb.js";

/** What swiotlb= sets: the pool size in bytes (absent: the kernel's default) and force. */
export interface SwiotlbCmdline {
  size?: number;
  force: boolean;
}

const EXAMPLES = "try force, 32768 or 32768,force";

/** setup_io_tlb_npages: "force", "N" or "N,force". Throws a RangeError saying what it could not
 *  read. */
export function setup_io_tlb_npages(str: string): SwiotlbCmdline {
  const out: SwiotlbCmdline = { force: false };
  let rest = str;
  const num = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(rest);
  if (num) {
    const text = num[1];
    const slabs = /^0[xX]/.test(text) ? parseInt(text.slice(2), 16) : text.startsWith("0") ? parseInt(text, 8) : Number(text);
    if (slabs === 0) throw new RangeError(`"${str}": 0 slabs is no bounce pool (give at least 1; ${EXAMPLES})`);
    if (!Number.isSafeInteger(slabs)) throw new RangeError(`"${str}": ${num[1]} slabs is beyond any memory (${EXAMPLES})`);
    out.size = Math.ceil(slabs / IO_TLB_SEGSIZE) * IO_TLB_SEGSIZE * IO_TLB_SIZE;
    rest = rest.slice(num[1].length);
  }
  if (rest.startsWith(",")) rest = rest.slice(1);
  if (/^[0-9]/.test(rest)) throw new RangeError(`"${str}": a second number (the modern kernel's area count) is not modelled (${EXAMPLES})`);
  if (rest === "force") out.force = true;
  else if (rest === "noforce") throw new RangeError(`"${str}": noforce (no bouncing at all) is not modelled (${EXAMPLES})`);
  else if (rest !== "" || num === null) throw new RangeError(`"${str}" is not a slab count or "force" (${EXAMPLES})`);
  return out;
}

/** Why Linux 4.9 on arm64 cannot boot without a bounce pool when RAM (ending at `ramEnd`) extends
 *  beyond ZONE_DMA (ending at `dmaLimit`): its mem_init (arch/arm64/mm/init.c) then always calls
 *  swiotlb_init, which (lib/swiotlb.c) takes the default 64 MiB for a slab count of 0; there is no
 *  swiotlb=noforce before 4.10, and a pool that memblock could not give leaves no_iotlb_memory
 *  set, so swiotlb_tbl_map_single panics at the first bounce. */
export function noPoolOn49Text(ramEnd: number, dmaLimit: number): string {
  return `swiotlb: no bounce pool (size 0) cannot be had on Linux 4.9 arm64 with RAM up to PA 0x${(ramEnd - 1).toString(16)}, beyond ZONE_DMA's end at 0x${(dmaLimit - 1).toString(16)}: ` +
    "4.9's mem_init then always calls swiotlb_init, which takes the default 64 MiB for swiotlb=0 (there is no swiotlb=noforce before 4.10); " +
    "leave the option out (a 64 MiB pool), or use the modern kernel";
}
