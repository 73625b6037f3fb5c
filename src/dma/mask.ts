// DMA masks (spec dma-api §3.1): what a device can address for streaming mappings
// (dma_mask) and for coherent allocations (coherent_dma_mask), and the smallest mask that
// covers all of RAM. Whether a mask is supported is the device's dma_map_ops' decision.

import type { Device } from "../kernel/device.js";
import { EIO } from "../kernel/errno.js";
import { PAGE_SIZE } from "../mm/gfp.js";
import { checkDevice, checkWhole } from "./arguments.js";
import { phys_to_dma } from "./dma-address.js";

/** A mask as a caller gives it: a bigint (DMA_BIT_MASK) or a whole number. */
function checkMask(fn: string, dev: Device, mask: unknown): bigint {
  checkDevice(fn, dev);
  if (typeof mask === "bigint") return mask;
  checkWhole(fn, mask, "mask");
  return BigInt(mask);
}

function toMask(dev: Device, mask: bigint | number, fn: string): bigint {
  let m = BigInt.asUintN(64, checkMask(fn, dev, mask));
  // Modern kernels truncate to the width of dma_addr_t (32 bits on arm without LPAE).
  if (dev.kernel.version === "modern" && dev.kernel.machine.profile.arch === "arm") m &= 0xffffffffn;
  return m;
}

/** dma_supported */
export function dma_supported(dev: Device, mask: bigint | number): boolean {
  return dev.kernel.dma.ops.dma_supported(dev, BigInt.asUintN(64, checkMask("dma_supported", dev, mask)));
}

/** 0, or -EIO when the device has no streaming mask or the mask is not supported. */
export function dma_set_mask(dev: Device, mask: bigint | number): number {
  const m = toMask(dev, mask, "dma_set_mask");
  if (dev.dma_mask === null || !dma_supported(dev, m)) return -EIO;
  dev.dma_mask = m;
  return 0;
}

export function dma_set_coherent_mask(dev: Device, mask: bigint | number): number {
  const m = toMask(dev, mask, "dma_set_coherent_mask");
  if (!dma_supported(dev, m)) return -EIO;
  dev.coherent_dma_mask = m;
  return 0;
}

/** dma_set_mask, and only if that worked also the coherent mask; returns the first result. */
export function dma_set_mask_and_coherent(dev: Device, mask: bigint | number): number {
  const rc = dma_set_mask(dev, mask);
  if (rc === 0) dma_set_coherent_mask(dev, mask);
  return rc;
}

/** dma_get_mask: the streaming mask, or DMA_BIT_MASK(32) when the device has none. */
export function dma_get_mask(dev: Device): bigint {
  checkDevice("dma_get_mask", dev);
  return dev.dma_mask ?? 0xffffffffn;
}

/** dma_get_required_mask: the smallest all-ones mask covering the start of the last page of
 *  RAM. 4.9 (drivers/base/platform.c) builds it from the low and high 32-bit halves; modern
 *  dma-direct uses 2^fls64(addr) - 1. Changes no mask. */
export function dma_get_required_mask(dev: Device): bigint {
  checkDevice("dma_get_required_mask", dev);
  const mm = dev.kernel.mm;
  const last = BigInt(phys_to_dma(dev, mm.ramEnd - PAGE_SIZE));
  const fls = (x: bigint) => (x === 0n ? 0 : x.toString(2).length);
  if (dev.kernel.version === "modern") return (1n << BigInt(fls(last))) - 1n;
  const high = last >> 32n;
  if (high === 0n) {
    const low = 1n << BigInt(fls(last) - 1);
    return low + low - 1n;
  }
  const h = 1n << BigInt(fls(high) - 1);
  return ((h + h - 1n) << 32n) + 0xffffffffn;
}
