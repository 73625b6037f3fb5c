// The checks at the DMA API's edge for values only a JavaScript caller can pass: C's types make
// a NaN size, a fractional address, a string direction or a missing device impossible, so Linux
// has no answer of its own. dmasim answers -EINVAL (a KernelError) before any state changes,
// so the System stays usable. Values C can pass — a huge size_t, an address beyond RAM, a
// direction of 3 — go on to the kernel's own handling.

import { Device } from "../kernel/device.js";
import { EINVAL, KernelBug, KernelError } from "../kernel/errno.js";
import { valid_dma_direction, type DmaDirection } from "./constants.js";
import { toVirt, type DmaAddr, type VirtAddr } from "../hw/address.js";

function show(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "bigint") return `${v}n`;
  if (v === null || typeof v !== "object") return String(v);
  return v.constructor?.name ?? "an object";
}

export function invalid(fn: string, what: string, v: unknown, expected: string): never {
  throw new KernelError(EINVAL, `${fn}: ${what} ${show(v)} is not ${expected}`);
}

/** `struct device *`: a Device of a booted System. */
export function checkDevice(fn: string, dev: unknown): asserts dev is Device {
  if (!(dev instanceof Device)) invalid(fn, "dev", dev, "a struct device");
}

/** size_t: a whole number of bytes. */
export function checkSize(fn: string, size: unknown, what = "size"): asserts size is number {
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) invalid(fn, what, size, "a byte count");
}

/** A kernel virtual address, as a number in dmasim's signed form or as a BigInt; returns the
 *  number form. */
export function checkVirt(fn: string, va: unknown, what = "address"): VirtAddr {
  if (typeof va === "bigint" || (typeof va === "number" && Number.isSafeInteger(va))) return toVirt(va);
  if (Number.isInteger(va)) {
    // An unsigned 64-bit kernel address written as a number literal has lost its low bits.
    throw new KernelError(EINVAL, `${fn}: ${what} ${va} is not exact in a JavaScript number; pass it as a BigInt (e.g. 0xffffffc000200000n)`);
  }
  return invalid(fn, what, va, "a virtual address");
}

/** dma_addr_t: a bus address, or the DMA_MAPPING_ERROR cookie (-1). */
export function checkDmaAddr(fn: string, addr: unknown, what = "dma_addr"): asserts addr is DmaAddr {
  if (typeof addr !== "number" || !Number.isSafeInteger(addr) || addr < -1) invalid(fn, what, addr, "a DMA address");
}

/** A page (its pfn), an offset, a count, gfp_t or attrs: a non-negative whole number. */
export function checkWhole(fn: string, v: unknown, what: string): asserts v is number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) invalid(fn, what, v, "a non-negative whole number");
}

/** enum dma_data_direction: a number a C caller could pass is the kernel's to judge, and an
 *  invalid one is a BUG in Linux (kernel/dma/mapping.c), as here; anything else (the constant's
 *  name as a string, undefined) no C caller could pass. */
export function checkDirection(fn: string, dir: unknown): asserts dir is DmaDirection {
  if (typeof dir !== "number" || !Number.isInteger(dir)) {
    invalid(fn, "dir", dir, "an enum dma_data_direction (the constants DMA_BIDIRECTIONAL 0, DMA_TO_DEVICE 1, DMA_FROM_DEVICE 2)");
  }
  if (!valid_dma_direction(dir)) {
    throw new KernelBug("kernel/dma/mapping.c", `${fn}: invalid DMA direction ${dir}${dir === 3 ? " (DMA_NONE)" : ""}`);
  }
}
