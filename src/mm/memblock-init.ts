// What setup_arch does with the RAM banks before paging_init (arm_memblock_init,
// arm64_memblock_init): keep the banks the architecture can address, lay the kernel out over
// them, and reserve in memblock what is not free — the kernel image (on arm with swapper_pg_dir
// below it), the firmware's reservations and the no-map regions.

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
}

export function memblockInit(
  arch: "arm" | "arm64",
  version: KernelVersion,
  banks: Range[],
  reserved: Range[],
  nomap: Range[],
  printk: Printk,
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
  // arm: swapper_pg_dir and the image from the start of RAM; arm64: [_text, _end).
  if (arch === "arm") memblock.reserve(physOffset, img.end - layout.pageOffset);
  else memblock.reserve(img.textPhys, img.end - img.text);
  for (const r of reserved) memblock.reserve(r.base, r.size);
  const sortedNomap = [...nomap].sort((a, b) => a.base - b.base);
  for (const r of sortedNomap) memblock.reserve(r.base, r.size);
  return { layout, memblock, linearBytes, ramEnd, nomap: sortedNomap };
}
