// Which of the RAM the device tree describes the kernel can use (drivers/of/fdt.c
// early_init_dt_add_memory_arch, arch/arm/mm/mmu.c): banks are trimmed to whole pages and to
// what the CPU's physical addresses reach, ranges below PHYS_OFFSET are ignored, and each
// ignored part is reported with the kernel's warning. On arm, dmasim's linear map is built from
// 1 MiB sections only (no partial sections with page tables, as map_lowmem can), so banks are
// trimmed to sections, and PHYS_OFFSET — where the kernel image is loaded — to the 2 MiB the
// arm boot code requires (ARM_PATCH_PHYS_VIRT).

import type { Range } from "./memblock.js";
import { PAGE_SIZE } from "./gfp.js";
import { KernelPanic } from "../kernel/errno.js";

const MB = 2 ** 20;

export interface UsableMemory {
  banks: Range[];
  /** "Ignoring memory block …" lines, in the order Linux prints them. */
  warnings: string[];
}

function hex(n: number): string {
  return "0x" + n.toString(16);
}

/** The usable banks, sorted, for a CPU with `paBits` of physical address and (arm64) a linear
 *  map of `linearBytes`. Throws KernelPanic when nothing usable is left. */
export function usableMemory(banks: Range[], arch: "arm" | "arm64", paBits: number, linearBytes?: number): UsableMemory {
  const warnings: string[] = [];
  const grain = arch === "arm" ? MB : PAGE_SIZE;
  const maxAddr = 2 ** paBits;
  const out: Range[] = [];
  for (const b of [...banks].sort((x, y) => x.base - y.base)) {
    const end = b.base + b.size;
    let base = Math.ceil(b.base / grain) * grain;
    let top = Math.floor(end / grain) * grain;
    if (base >= maxAddr) {
      warnings.push(`Ignoring memory block ${hex(b.base)} - ${hex(end)}`);
      continue;
    }
    if (top > maxAddr) {
      warnings.push(`Ignoring memory range ${hex(maxAddr)} - ${hex(end)}`);
      top = maxAddr;
    }
    if (arch === "arm" && out.length === 0) base = Math.ceil(base / (2 * MB)) * 2 * MB;
    if (top <= base) {
      warnings.push(`Ignoring memory block ${hex(b.base)} - ${hex(end)}`);
      continue;
    }
    if (base !== b.base) warnings.push(`Ignoring memory range ${hex(b.base)} - ${hex(base)}`);
    // Banks that overlap or touch are one region, as memblock_add merges them.
    const last = out[out.length - 1];
    if (last && base <= last.base + last.size) last.size = Math.max(last.size, top - last.base);
    else out.push({ base, size: top - base });
  }
  if (!out.length) throw new KernelPanic("no usable memory: every RAM bank was ignored (smaller than a page, or beyond the CPU's physical addresses)");
  if (linearBytes !== undefined) clipToLinearMap(out, linearBytes, warnings);
  return { banks: out, warnings };
}

/** arm64_memblock_init: what lies beyond PHYS_OFFSET + the linear region's size cannot be
 *  mapped and is removed (39-bit VAs: 256 GiB). */
function clipToLinearMap(banks: Range[], linearBytes: number, warnings: string[]): void {
  const limit = banks[0].base + linearBytes;
  if (banks[banks.length - 1].base + banks[banks.length - 1].size <= limit) return;
  warnings.push("Memory doesn't fit in the linear mapping, VA_BITS too small");
  for (let i = banks.length - 1; i >= 0; i--) {
    const b = banks[i];
    if (b.base >= limit) banks.splice(i, 1);
    else b.size = Math.min(b.size, limit - b.base);
  }
}
