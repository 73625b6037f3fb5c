// The shared zero page (ZERO_PAGE(0), empty_zero_page): one page of zeros per kernel, fixed at
// boot, that every private anonymous page a process has only read maps read-only
// (do_anonymous_page without FAULT_FLAG_WRITE). Nothing in the kernel writes it again, so a
// device that does (a driver that pinned it for DMA_FROM_DEVICE) changes what every such read
// returns, in every process.
//
// arm's paging_init takes it from memblock (early_alloc, devicemaps-arm.ts); arm64 has it in the
// image's .bss (arch/arm64/mm/mmu.c, __page_aligned_bss), cleared by head.S. 4.9's arm64 also
// points a kernel thread's TTBR0 at it (cpu_set_reserved_ttbr0), so its page is
// reservedTtbr0()'s; modern arm64 has reserved_pg_dir for that, and dmasim places its
// empty_zero_page in .bss just below swapper_pg_dir (memblock-init.ts) and reserved_pg_dir.

import type { PhysAddr } from "../hw/address.js";
import type { KernelLayout } from "./layout.js";
import { PAGE_SIZE } from "./gfp.js";

/** The image pages modern arm64 has at its end: swapper_pg_dir, then reserved_pg_dir. */
const ARM64_MODERN_END_DIRS = 2;

/** Where empty_zero_page lies: arm's is the page paging_init allocated (`armZeroPage`), 4.9
 *  arm64's the reserved TTBR0 page (`reservedTtbr0`), modern arm64's the .bss page below the
 *  image's last two. */
export function emptyZeroPage(layout: KernelLayout, armZeroPage: PhysAddr | null, reservedTtbr0: PhysAddr | null): PhysAddr {
  if (layout.arch === "arm") {
    if (armZeroPage === null) throw new Error("empty_zero_page: arm's paging_init has not allocated it");
    return armZeroPage;
  }
  if (layout.version === "v4.9") {
    if (reservedTtbr0 === null) throw new Error("empty_zero_page: 4.9 arm64's is the reserved TTBR0 page, which is not known");
    return reservedTtbr0;
  }
  const img = layout.image;
  return img.textPhys + (img.end - img.text) - (ARM64_MODERN_END_DIRS + 1) * PAGE_SIZE;
}
