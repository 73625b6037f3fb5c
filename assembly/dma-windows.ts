// The interconnect's address decoding in front of a DMA master: the windows of its bus's
// `dma-ranges`, through which a bus address reaches the memory map at
// cpuStart + (bus - dmaStart). An address in no window decodes nowhere: the interconnect
// answers DECERR, which the master takes as a bus error (as for a hole in the memory map).
//
// A master with no windows sees the memory map unchanged; its owner never asks (`translates`
// is false), so the untranslated path costs one flag test where a page is first looked up.
// The board only configures windows that are 4 KiB aligned and map distinct CPU ranges, so an
// AXI transaction (which never crosses 4 KiB) lies in one window, and two bus ranges overlap
// exactly when the memory behind them does.

/** toPhys's answer for an address in no window. */
export const DECERR: u64 = 0xffffffffffffffff;

/** Windows a master can have (dma-ranges entries of one bus). */
export const MAX_WINDOWS: i32 = 8;

export class DmaWindows {
  count: i32 = 0;
  dmaStart: StaticArray<u64> = new StaticArray<u64>(MAX_WINDOWS);
  dmaEnd: StaticArray<u64> = new StaticArray<u64>(MAX_WINDOWS);
  cpuStart: StaticArray<u64> = new StaticArray<u64>(MAX_WINDOWS);

  /** Adds a window; false when the table is full. */
  add(dmaStart: u64, cpuStart: u64, size: u64): bool {
    const i = this.count;
    if (i >= MAX_WINDOWS) return false;
    unchecked((this.dmaStart[i] = dmaStart));
    unchecked((this.dmaEnd[i] = dmaStart + size));
    unchecked((this.cpuStart[i] = cpuStart));
    this.count = i + 1;
    return true;
  }

  /** The window holding [bus, bus+len), or -1. */
  find(bus: u64, len: u64): i32 {
    for (let i = 0; i < this.count; i++) {
      const lo = unchecked(this.dmaStart[i]);
      if (bus >= lo && bus + len <= unchecked(this.dmaEnd[i])) return i;
    }
    return -1;
  }

  /** Where [bus, bus+len) lies in the memory map, or DECERR if no one window holds it. */
  toPhys(bus: u64, len: u64): u64 {
    const i = this.find(bus, len);
    return i < 0 ? DECERR : unchecked(this.cpuStart[i]) + (bus - unchecked(this.dmaStart[i]));
  }
}
