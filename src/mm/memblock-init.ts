// What setup_arch does with the RAM banks before paging_init (arm_memblock_init,
// arm64_memblock_init): keep the banks the architecture can address, lay the kernel out over
// them, and reserve in memblock what is not free — the kernel image, on arm swapper_pg_dir
// below it (arm_mm_memblock_reserve), the firmware's reservations and the no-map regions.
// swapper_pg_dir, the kernel's first-level table, is never taken from memblock: it is part of
// the image's memory on both architectures.

import type { PhysAddr } from "../hw/address.js";
import type { Printk } from "../kernel/printk.js";
import { KernelPanic } from "../kernel/errno.js";
import { Memblock, type Range } from "./memblock.js";
import { kernelLayout, type KernelLayout, type KernelVersion } from "./layout.js";
import { usableMemory } from "./memory-banks.js";

export interface EarlyMemory {
  layout: KernelLayout;
  memblock: Memblock;
  /** Bytes from PHYS_OFFSET that the linear map may cover (arm: lowmem; holes included). */
  linearBytes: number;
  /** One past the last byte of RAM. */
  ramEnd: PhysAddr;
  /** The no-map ranges, by base. */
  nomap: Range[];
  /** Physical address of swapper_pg_dir. */
  swapperPgDir: PhysAddr;
}

/** arm: PG_DIR_SIZE, the 16 KiB first-level table, just below the kernel text
 *  (PAGE_OFFSET + TEXT_OFFSET - PG_DIR_SIZE, arch/arm/kernel/head.S). */
export const ARM_PG_DIR_SIZE = 0x4000;

/** arm64 4.9: SWAPPER_DIR_SIZE with 4 KB pages and 39-bit VAs (two levels: the pgd and the
 *  pmd head.S used), the image's last two pages (vmlinux.lds.S: swapper_pg_dir, then _end). */
export const ARM64_V49_SWAPPER_DIR_SIZE = 2 * 4096;

/** Where swapper_pg_dir lies. arm64: 4.9 puts it at the image's end; modern kernels put it
 *  after the rodata, where Linux writes it through the fixmap. dmasim writes tables through
 *  the linear map, whose alias of rodata is read-only, so modern's page lies in the image's
 *  data as well, just below reserved_pg_dir (the last page, pgtable-arm64.ts). */
function swapperPgDir(arch: "arm" | "arm64", layout: KernelLayout): PhysAddr {
  const img = layout.image;
  if (arch === "arm") return layout.physOffset + (img.text - layout.pageOffset) - ARM_PG_DIR_SIZE;
  const imageEnd = img.textPhys + (img.end - img.text);
  return imageEnd - ARM64_V49_SWAPPER_DIR_SIZE;
}

/** The board code's mdesc->reserve (arch/machine-desc.ts), given the usable banks and where
 *  swapper_pg_dir lies. */
export type MachineReserve = (ram: readonly Range[], swapperPgDir: PhysAddr) => Range[];

export function memblockInit(
  arch: "arm" | "arm64",
  version: KernelVersion,
  banks: Range[],
  reserved: Range[],
  nomap: Range[],
  printk: Printk,
  machineReserve?: MachineReserve,
): EarlyMemory {
  // arm without LPAE reaches 32 bits of physical address. arm64's 48 are more than dmasim's
  // memmap holds (pfns in 32-bit words, buddy.ts): RAM from 8 TiB up is ignored as RAM beyond
  // the PA range is. VA_BITS = 39 leaves the linear map 256 GiB.
  const usable = arch === "arm" ? usableMemory(banks, arch, 32) : usableMemory(banks, arch, 43, 2 ** 38);
  for (const w of usable.warnings) printk.warn(w);
  banks = usable.banks;
  const physOffset = banks[0].base;
  const ramEnd = Math.max(...banks.map((b) => b.base + b.size));
  const ram = banks.reduce((n, b) => n + b.size, 0);
  const layout = kernelLayout(arch, version, physOffset, ram);
  const linearBytes = arch === "arm" ? layout.linearLimit - layout.pageOffset : ramEnd - physOffset;
  const memblock = new Memblock(banks);
  if (arch === "arm") memblock.currentLimit = physOffset + linearBytes;
  const img = layout.image;
  const imageEnd = arch === "arm" ? physOffset + (img.end - layout.pageOffset) : img.textPhys + (img.end - img.text);
  if (imageEnd > banks[0].base + banks[0].size) {
    const mib = (n: number) => `${Math.ceil(n / 2 ** 20)} MiB`;
    throw new KernelPanic(`the kernel image (up to 0x${imageEnd.toString(16)}) does not fit in the first RAM bank (${mib(banks[0].size)} at 0x${banks[0].base.toString(16)})`);
  }
  // The image [_stext, _end) (dmasim does not tell _text from _stext); arm adds
  // swapper_pg_dir below it, leaving PHYS_OFFSET's first 16 KiB to the page allocator.
  const swapper = swapperPgDir(arch, layout);
  memblock.reserve(img.textPhys, img.end - img.text);
  if (arch === "arm") memblock.reserve(swapper, ARM_PG_DIR_SIZE);
  // arm_memblock_init: mdesc->reserve right after arm_mm_memblock_reserve, before the tree's
  // reservations.
  for (const r of machineReserve?.(banks, swapper) ?? []) memblock.reserve(r.base, r.size);
  for (const r of reserved) memblock.reserve(r.base, r.size);
  const sortedNomap = [...nomap].sort((a, b) => a.base - b.base);
  for (const r of sortedNomap) memblock.reserve(r.base, r.size);
  return { layout, memblock, linearBytes, ramEnd, nomap: sortedNomap, swapperPgDir: swapper };
}
