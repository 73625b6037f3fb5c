// What a channel can do as a slave channel (dma_get_slave_caps, dmaengine.c) and the descriptor
// reuse built on it (dmaengine_desc_set_reuse / _free, include/linux/dmaengine.h): a client
// marks a prepared descriptor DMA_CTRL_REUSE, may submit it again after it completed, and gives
// it back with dmaengine_desc_free.

import { EINVAL, ENODEV, ENXIO, EPERM } from "../kernel/errno.js";
import { checkTx } from "./arguments.js";
import { refuseUnregistered } from "./unregistered.js";
import { DMA_CTRL_REUSE, DMA_CYCLIC, DMA_SLAVE, type DmaAsyncTxDescriptor, type DmaChan, type DmaSlaveCaps } from "./types.js";

/** dma_get_slave_caps: the controller's generic slave capabilities (a driver may narrow them
 *  per channel with device_caps). -ENXIO for a controller without slave transfers. */
export function dma_get_slave_caps(chan: DmaChan | null, caps: Partial<DmaSlaveCaps> | null): number {
  if (!chan || !caps) return -EINVAL;
  if (refuseUnregistered("dma_get_slave_caps", chan)) return -ENODEV;
  const d = chan.device;
  if (!(d.cap_mask.has(DMA_SLAVE) || d.cap_mask.has(DMA_CYCLIC))) return -ENXIO;
  // A controller that does not say which directions it serves reports no slave capabilities.
  if (!d.directions) return -ENXIO;
  Object.assign(caps, {
    src_addr_widths: d.src_addr_widths,
    dst_addr_widths: d.dst_addr_widths,
    directions: d.directions,
    min_burst: d.min_burst,
    max_burst: d.max_burst,
    max_sg_burst: d.max_sg_burst,
    residue_granularity: d.residue_granularity,
    descriptor_reuse: d.descriptor_reuse,
    cmd_pause: !!d.ops.device_pause,
    cmd_resume: !!d.ops.device_resume,
    cmd_terminate: !!d.ops.device_terminate_all,
  });
  d.ops.device_caps?.(chan, caps as DmaSlaveCaps);
  return 0;
}

export function dmaengine_desc_set_reuse(tx: DmaAsyncTxDescriptor): number {
  checkTx("dmaengine_desc_set_reuse", tx);
  const caps: Partial<DmaSlaveCaps> = {};
  const rc = dma_get_slave_caps(tx.chan, caps);
  if (rc) return rc;
  if (!caps.descriptor_reuse) return -EPERM;
  tx.flags |= DMA_CTRL_REUSE;
  return 0;
}

export function dmaengine_desc_clear_reuse(tx: DmaAsyncTxDescriptor): void {
  checkTx("dmaengine_desc_clear_reuse", tx);
  tx.flags &= ~DMA_CTRL_REUSE;
}

export function dmaengine_desc_test_reuse(tx: DmaAsyncTxDescriptor): boolean {
  checkTx("dmaengine_desc_test_reuse", tx);
  return (tx.flags & DMA_CTRL_REUSE) === DMA_CTRL_REUSE;
}

/** dmaengine_desc_free: only a reusable descriptor may be freed by its client. */
export function dmaengine_desc_free(tx: DmaAsyncTxDescriptor): number {
  checkTx("dmaengine_desc_free", tx);
  if (!dmaengine_desc_test_reuse(tx)) return -EPERM;
  return tx.desc_free ? tx.desc_free(tx) : -EPERM;
}
