// The driver side of a zero-copy receive into a process's buffer, as the gup-missing-* bug kinds
// write it: pin the user pages (pin_user_pages_fast; 4.9's get_user_pages_fast), build an sg
// table from them, map it for DMA_FROM_DEVICE (dma_map_sgtable; dma_map_sg on 4.9, which
// predates the sgtable calls), and let a memcpy channel write each entry from a kernel buffer.
// What the bug kinds vary — the gup flags, whether the table is unmapped before the unpin — is
// theirs to call.

import { dma_map_sg, dma_map_sgtable, dma_unmap_sg_attrs, dma_unmap_sgtable } from "../../dma/mapping.js";
import { DMA_FROM_DEVICE } from "../../dma/constants.js";
import { for_each_sg, sg_alloc_table_from_pages, sg_dma_address, sg_dma_len, type SgTable } from "../../dma/scatterlist.js";
import { dma_async_issue_pending, dma_sync_wait } from "../../dmaengine/dmaengine.js";
import { DMA_COMPLETE, type DmaChan } from "../../dmaengine/types.js";
import type { Device } from "../../kernel/device.js";
import { ENOMEM, KernelError } from "../../kernel/errno.js";
import type { VirtAddr } from "../../hw/address.js";
import { PAGE_SIZE } from "../../mm/gfp.js";
import { pin_user_pages_fast, unpin_user_pages, unpin_user_pages_dirty_lock } from "../../mm/gup.js";
import type { UserMm } from "../../mm/user-mm.js";
import type { Defer } from "../teardown.js";
import { submitMemcpy } from "./memcpy-channel.js";

/** Pages a driver pinned; `unpinDirty` is the ioctl's unpin_user_pages_dirty_lock (the run's
 *  teardown unpins them otherwise). */
export interface PinnedUserPages {
  pages: number[];
  unpinDirty(): void;
}

/** pin_user_pages_fast of the `len` bytes at `uva`, all or an error. */
export function pinUserBuffer(mm: UserMm, uva: VirtAddr, len: number, gupFlags: number, defer: Defer): PinnedUserPages {
  const want = len / PAGE_SIZE;
  const got = pin_user_pages_fast(mm, uva, want, gupFlags);
  if (!Array.isArray(got)) throw new KernelError(-got, `pin_user_pages_fast of ${want} pages failed`);
  let pinned = true;
  defer(() => {
    if (pinned) unpin_user_pages(mm, got);
  });
  if (got.length !== want) throw new KernelError(ENOMEM, `pin_user_pages_fast pinned ${got.length} of ${want} pages`);
  return {
    pages: got,
    unpinDirty: () => {
      unpin_user_pages_dirty_lock(mm, got, got.length, true);
      pinned = false;
    },
  };
}

/** sg_alloc_table_from_pages over the pinned pages, mapped for DMA_FROM_DEVICE; the unmap it
 *  returns (with the attrs it is given) is also registered with `defer`, for a run that fails
 *  or leaks it. */
export function mapUserTable(dev: Device, pages: number[], len: number, defer: Defer): { sgt: SgTable; unmap(attrs?: number): void } {
  const sgt = sg_alloc_table_from_pages(pages, pages.length, 0, len);
  const v49 = dev.kernel.version === "v4.9";
  if (v49) {
    const n = dma_map_sg(dev, sgt.sgl, sgt.orig_nents, DMA_FROM_DEVICE);
    if (n === 0) throw new KernelError(ENOMEM, `dma_map_sg of ${sgt.orig_nents} entries for ${dev.name} failed`);
    sgt.nents = n;
  } else {
    const err = dma_map_sgtable(dev, sgt, DMA_FROM_DEVICE);
    if (err < 0) throw new KernelError(-err, `dma_map_sgtable of ${sgt.orig_nents} entries for ${dev.name} failed`);
  }
  let attrs = 0;
  const unmap = defer(() => {
    if (v49) dma_unmap_sg_attrs(dev, sgt.sgl, sgt.orig_nents, DMA_FROM_DEVICE, attrs);
    else dma_unmap_sgtable(dev, sgt, DMA_FROM_DEVICE, attrs);
  });
  return {
    sgt,
    unmap: (a = 0) => {
      attrs = a;
      unmap();
    },
  };
}

/** The device writes every mapped entry from `srcDma` onwards, one memcpy each, and the driver
 *  waits for the last. */
export function deviceWritesTable(chan: DmaChan, sgt: SgTable, srcDma: number): void {
  let off = 0;
  let cookie = 0;
  for_each_sg(sgt.sgl, sgt.nents, (sg) => {
    cookie = submitMemcpy(chan, sg_dma_address(sg), srcDma + off, sg_dma_len(sg));
    off += sg_dma_len(sg);
  });
  dma_async_issue_pending(chan);
  if (dma_sync_wait(chan, cookie) !== DMA_COMPLETE) throw new Error("the transfer into the user buffer failed");
}
