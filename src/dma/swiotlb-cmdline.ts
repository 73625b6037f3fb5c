// The swiotlb= kernel parameter (Documentation/admin-guide/kernel-parameters.txt:
// swiotlb=[<int>][,force|noforce]), as setup_io_tlb_npages in kernel/dma/swiotlb.c (4.9:
// lib/swiotlb.c) reads it: a slab count (simple_strtoul, base 0: decimal, 0x hex or 0 octal)
// rounded up to whole 128-slab segments, then after a ',' the word "force" or (4.10+) "noforce".
// Linux skips what it cannot read without a word; dmasim refuses it, since a typo would otherwise
// boot with the defaults. swiotlbCmdlineText writes the options back as the command line reads.

import { IO_TLB_SEGSIZE, IO_TLB_SIZE } from "./swiotlb.js";
import type { KernelVersion } from "../mm/layout.js";

/** What swiotlb= sets: the pool size in bytes (absent: the kernel's default), force, and
 *  noforce (present only when given). */
export interface SwiotlbCmdline {
  size?: number;
  force: boolean;
  noforce?: boolean;
}

const EXAMPLES = "try force, 32768 or 32768,force";

/** setup_io_tlb_npages: "force", "noforce", "N", "N,force" or "N,noforce". Throws a RangeError
 *  saying what it could not read.
 *
 *  "0" is 0 slabs: mainline's ALIGN(simple_strtoul(str), IO_TLB_SEGSIZE) keeps 0 in
 *  default_nslabs, swiotlb_adjust_size then leaves it alone (the parameter was given), and
 *  swiotlb_init_remap asks swiotlb_memblock_alloc for PAGE_ALIGN(0 << IO_TLB_SHIFT) = 0 bytes:
 *  no pool with a slot in it, so nothing can bounce. 4.9 parses it the same, but its
 *  swiotlb_init reads io_tlb_nslabs == 0 as "the default 64 MiB" (kernel/swiotlb-init.ts).
 *  "noforce" sets swiotlb_force_disable (4.10-5.x: swiotlb_force = SWIOTLB_NO_FORCE), which
 *  swiotlb_init_remap checks before allocating anything: no pool; 4.9's parser compares the
 *  word with "force" only and ignores it. */
export function setup_io_tlb_npages(str: string): SwiotlbCmdline {
  const out: SwiotlbCmdline = { force: false };
  let rest = str;
  const num = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(rest);
  if (num) {
    const text = num[1];
    const slabs = /^0[xX]/.test(text) ? parseInt(text.slice(2), 16) : text.startsWith("0") ? parseInt(text, 8) : Number(text);
    if (!Number.isSafeInteger(slabs)) throw new RangeError(`"${str}": ${num[1]} slabs is beyond any memory (${EXAMPLES})`);
    out.size = Math.ceil(slabs / IO_TLB_SEGSIZE) * IO_TLB_SEGSIZE * IO_TLB_SIZE;
    rest = rest.slice(num[1].length);
  }
  if (rest.startsWith(",")) rest = rest.slice(1);
  if (/^[0-9]/.test(rest)) throw new RangeError(`"${str}": a second number (the modern kernel's area count) is not modelled (${EXAMPLES})`);
  if (rest === "force") out.force = true;
  else if (rest === "noforce") out.noforce = true;
  else if (rest !== "" || num === null) throw new RangeError(`"${str}" is not a slab count or "force" (${EXAMPLES})`);
  return out;
}

/** swiotlb='s text for `o` as the kernel command line would carry it (`128,force`, `0`,
 *  `noforce`): the slab count (bytes / IO_TLB_SIZE), then the word. Undefined when the text
 *  cannot say it: a size that is not whole slabs, keys swiotlb= has no word for, or nothing set.
 *  The CLI's and the library's run headings and a sweep's axis cells all print it from here. */
export function swiotlbCmdlineText(o: object): string | undefined {
  const { size, force, noforce, ...other } = o as { size?: unknown; force?: unknown; noforce?: unknown };
  if (Object.keys(other).length) return undefined;
  if (size !== undefined && !(typeof size === "number" && Number.isSafeInteger(size) && size >= 0 && size % IO_TLB_SIZE === 0)) return undefined;
  if (force !== undefined && typeof force !== "boolean") return undefined;
  if (noforce !== undefined && typeof noforce !== "boolean") return undefined;
  // swiotlb= carries one word: force and noforce together have no text.
  if (force && noforce) return undefined;
  const words = [...(size === undefined ? [] : [String(size / IO_TLB_SIZE)]), ...(force ? ["force"] : []), ...(noforce ? ["noforce"] : [])];
  return words.length ? words.join(",") : undefined;
}

/** swiotlb_force_disable: swiotlb=noforce on a kernel that knows the word (4.10+; dmasim's modern
 *  one) and an arch that has swiotlb (arm64; arm without LPAE never builds a pool). */
export function swiotlbForceDisabled(version: KernelVersion, arch: string, o: { noforce?: boolean }): boolean {
  return !!o.noforce && version === "modern" && arch === "arm64";
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
