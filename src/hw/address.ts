// Address representation, one rule for the whole code base:
//
// - A physical or DMA address is a non-negative number (exact up to 2^53, far beyond any PA).
// - A virtual address is the *signed* 64-bit value of its bit pattern, held in a number. Kernel
//   addresses on arm64 have their top bits set, so 0xffffffc000000000 is held as -2^38; with at
//   most 48 significant bits every such value is exact. ARMv7 addresses are 32-bit and positive.
// - The silicon receives both as f64 and reinterprets them as u64, so they round-trip exactly.
// - DMA_MAPPING_ERROR (~(dma_addr_t)0) is therefore -1.
//
// Print virtual addresses with formatVirt, which shows them the way Linux does (0xffffffc0…).

export type PhysAddr = number;
export type VirtAddr = number;
export type DmaAddr = number;

const TWO64 = 1n << 64n;

/** Accepts a VA as a number (already in the signed form) or as a bigint / unsigned literal
 *  held in a bigint, and returns the signed-number form. */
export function toVirt(va: number | bigint): VirtAddr {
  if (typeof va === "bigint") return Number(BigInt.asIntN(64, va));
  if (!Number.isSafeInteger(va)) {
    throw new RangeError(
      `virtual address ${va} is not exact in a JavaScript number; pass it as a BigInt (e.g. 0xffffffc000200000n)`,
    );
  }
  return va;
}

/** How a bad address argument is shown: as its caller wrote it (a BigInt with its n, a string
 *  quoted). */
function shown(v: unknown): string {
  if (typeof v === "bigint") return `${v}n`;
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

/** Out of line, so that the checks below stay small enough for V8 to inline on hot paths. */
function badAddress(fn: string, what: string, v: unknown, range: string): never {
  throw new RangeError(`${fn}: ${what} ${shown(v)} is not a whole number ${range}`);
}

const I64_END = 2 ** 63;

/** The raw silicon ports' check of a VA argument. wasm's f64→i64 conversion (boundary.ts) would
 *  quietly make NaN 0, drop a fraction, and saturate at ±2^63, so such a value never reaches the
 *  silicon: a VA is a whole number of the signed 64-bit range, every one of which converts
 *  exactly (beyond 2^53 only those toVirt() makes from a BigInt are exact, -2^56 for
 *  0xff00000000000000; an unsigned kernel address written as a number, 0xffffffc000000000, is
 *  past 2^63 and refused). Within that range an address the MMU does not map — a non-canonical
 *  one included — is the silicon's to fault on. */
export function checkVirtArg(fn: string, va: VirtAddr): void {
  if (!(Number.isInteger(va) && va >= -I64_END && va < I64_END)) {
    badAddress(fn, "virtual address", va, "in [-2^63, 2^63) (a 64-bit VA in its signed form; toVirt() makes it from a BigInt)");
  }
}

/** The same for a PA (non-negative; one beyond RAM is the silicon's to refuse). */
export function checkPhysArg(fn: string, pa: PhysAddr): void {
  if (!(Number.isInteger(pa) && pa >= 0 && pa < I64_END)) badAddress(fn, "physical address", pa, "in [0, 2^63)");
}

/** The unsigned 64-bit value of a VA. */
export function virtBig(va: VirtAddr): bigint {
  return va < 0 ? BigInt(va) + TWO64 : BigInt(va);
}

/** Formats a VA the way Linux prints kernel pointers: 16 hex digits on a 64-bit kernel, 8 on a
 *  32-bit one. */
export function formatVirt(va: VirtAddr, bits: 32 | 64 = va < 0 ? 64 : 32): string {
  const v = virtBig(va);
  return "0x" + v.toString(16).padStart(bits / 4, "0");
}

export function formatPhys(pa: PhysAddr, digits = 8): string {
  return "0x" + pa.toString(16).padStart(digits, "0");
}

export function hex(n: number, digits = 8): string {
  return "0x" + (n >>> 0).toString(16).padStart(digits, "0");
}
