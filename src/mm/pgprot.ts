// User-space page protections and PTE helpers per architecture, as Linux defines them: the
// protection an mmap gets (vm_get_page_prot: PAGE_SHARED, PAGE_READONLY), the memory-type
// modifiers a driver applies (pgprot_noncached, pgprot_writecombine, pgprot_dmacoherent), and
// the pte_* helpers the fault and remap paths use. A pgprot and a Linux PTE are bigints holding
// the kernel's bit patterns (arm: the Linux PTE of pgtable-2level.h, which set_pte_ext turns into
// the hardware PTE; arm64: the descriptor itself).

import type { KernelVersion } from "./layout.js";
import { ARM64_MT } from "./pgtable-arm64.js";

export type Pgprot = bigint;

export interface UserPgprots {
  /** protection_map[VM_SHARED | VM_WRITE | VM_READ] */
  PAGE_SHARED: Pgprot;
  /** protection_map[VM_SHARED | VM_READ] (and every private mapping: no copy-on-write here) */
  PAGE_READONLY: Pgprot;
  pgprot_noncached(p: Pgprot): Pgprot;
  pgprot_writecombine(p: Pgprot): Pgprot;
  /** What the DMA layer gives user mappings of a non-coherent device's coherent buffer. */
  pgprot_dmacoherent(p: Pgprot): Pgprot;
  pfn_pte(pfn: number, prot: Pgprot): bigint;
  pte_pfn(pte: bigint): number;
  pte_present(pte: bigint): boolean;
  pte_write(pte: bigint): boolean;
  pte_dirty(pte: bigint): boolean;
  pte_mkdirty(pte: bigint): bigint;
  pte_mkwrite(pte: bigint): bigint;
  pte_mkspecial(pte: bigint): bigint;
}

// ---- arm, 2-level (arch/arm/include/asm/pgtable-2level.h, pgtable.h, mm/mmu.c) -------------

export const L_PTE_PRESENT = 1n << 0n;
export const L_PTE_YOUNG = 1n << 1n;
export const L_PTE_MT_MASK = 0xfn << 2n;
export const L_PTE_MT_UNCACHED = 0x00n << 2n;
export const L_PTE_MT_BUFFERABLE = 0x01n << 2n;
export const L_PTE_MT_WRITEALLOC = 0x07n << 2n;
export const L_PTE_DIRTY = 1n << 6n;
export const L_PTE_RDONLY = 1n << 7n;
export const L_PTE_USER = 1n << 8n;
export const L_PTE_XN = 1n << 9n;
export const L_PTE_SHARED = 1n << 10n;

/** pgprot_user on an SMP v7 kernel with cachepolicy=writealloc (build_mem_type_table). */
const ARM_PGPROT_USER = L_PTE_PRESENT | L_PTE_YOUNG | L_PTE_SHARED | L_PTE_MT_WRITEALLOC;

const armMt = (p: Pgprot, mt: bigint) => (p & ~L_PTE_MT_MASK) | mt;

const ARM: UserPgprots = {
  PAGE_SHARED: ARM_PGPROT_USER | L_PTE_USER | L_PTE_XN,
  PAGE_READONLY: ARM_PGPROT_USER | L_PTE_USER | L_PTE_RDONLY | L_PTE_XN,
  pgprot_noncached: (p) => armMt(p, L_PTE_MT_UNCACHED),
  pgprot_writecombine: (p) => armMt(p, L_PTE_MT_BUFFERABLE),
  // CONFIG_ARM_DMA_MEM_BUFFERABLE (default on v7).
  pgprot_dmacoherent: (p) => armMt(p, L_PTE_MT_BUFFERABLE) | L_PTE_XN,
  pfn_pte: (pfn, prot) => (BigInt(pfn) << 12n) | prot,
  pte_pfn: (pte) => Number(pte >> 12n),
  pte_present: (pte) => (pte & L_PTE_PRESENT) !== 0n,
  pte_write: (pte) => (pte & L_PTE_RDONLY) === 0n,
  pte_dirty: (pte) => (pte & L_PTE_DIRTY) !== 0n,
  pte_mkdirty: (pte) => pte | L_PTE_DIRTY,
  pte_mkwrite: (pte) => pte & ~L_PTE_RDONLY,
  // No ARCH_HAS_PTE_SPECIAL without LPAE: a no-op.
  pte_mkspecial: (pte) => pte,
};

// ---- arm64 (arch/arm64/include/asm/pgtable-prot.h, pgtable.h) ---------------------------

export const PTE_VALID = 1n << 0n;
export const PTE_TYPE_PAGE = 3n;
export const PTE_USER = 1n << 6n;
export const PTE_RDONLY = 1n << 7n;
export const PTE_SHARED = 3n << 8n;
export const PTE_AF = 1n << 10n;
export const PTE_NG = 1n << 11n;
export const PTE_WRITE = 1n << 51n; // PTE_DBM
export const PTE_PXN = 1n << 53n;
export const PTE_UXN = 1n << 54n;
export const PTE_DIRTY = 1n << 55n;
export const PTE_SPECIAL = 1n << 56n;
export const PTE_ATTRINDX_MASK = 7n << 2n;
const OA_MASK = 0x0000fffffffff000n;

function arm64(version: KernelVersion): UserPgprots {
  const mt = ARM64_MT[version];
  const attr = (i: number) => BigInt(i) << 2n;
  const withMt = (p: Pgprot, i: number) => (p & ~PTE_ATTRINDX_MASK) | attr(i) | PTE_PXN | PTE_UXN;
  const base = PTE_TYPE_PAGE | PTE_AF | PTE_SHARED | attr(mt.NORMAL) | PTE_USER | PTE_NG | PTE_PXN | PTE_UXN;
  // Since 4.14 the user protections carry PTE_RDONLY and pte_mkdirty clears it; 4.9's
  // set_pte_at sets it on a clean PTE instead (user-pgtable-arm64.ts). Either way a clean
  // writable page is read-only to the hardware until its first write faults.
  const rdonly = version === "modern" ? PTE_RDONLY : 0n;
  return {
    PAGE_SHARED: base | rdonly | PTE_WRITE,
    PAGE_READONLY: base | rdonly,
    pgprot_noncached: (p) => withMt(p, mt.DEVICE_nGnRnE),
    pgprot_writecombine: (p) => withMt(p, mt.NORMAL_NC),
    // Modern pgprot_dmacoherent is Normal-NC; 4.9 has none and its __get_dma_pgprot uses
    // pgprot_writecombine for a non-coherent device: the same bits.
    pgprot_dmacoherent: (p) => withMt(p, mt.NORMAL_NC),
    pfn_pte: (pfn, prot) => ((BigInt(pfn) << 12n) & OA_MASK) | prot,
    pte_pfn: (pte) => Number((pte & OA_MASK) >> 12n),
    pte_present: (pte) => (pte & PTE_VALID) !== 0n,
    pte_write: (pte) => (pte & PTE_WRITE) !== 0n,
    pte_dirty: (pte) => (pte & PTE_DIRTY) !== 0n,
    pte_mkdirty: (pte) => ((pte & PTE_WRITE) !== 0n ? (pte | PTE_DIRTY) & ~PTE_RDONLY : pte | PTE_DIRTY),
    // Since 4.14 a dirty PTE made writable loses PTE_RDONLY here; 4.9's set_pte_at clears it.
    pte_mkwrite: (pte) => (version !== "v4.9" && (pte & PTE_DIRTY) !== 0n ? (pte | PTE_WRITE) & ~PTE_RDONLY : pte | PTE_WRITE),
    pte_mkspecial: (pte) => pte | PTE_SPECIAL,
  };
}

export function userPgprots(arch: "arm" | "arm64", version: KernelVersion): UserPgprots {
  return arch === "arm" ? ARM : arm64(version);
}
