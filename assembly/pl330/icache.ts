// The DMAC's instruction cache (CR1: lines × line length), fully associative with round-robin
// replacement. A miss stalls the fetching thread for a line fill over the AXI read channel;
// fills are served one at a time, so a second miss waits for the first fill (spec pl330 §1).
// It holds tags only: instruction bytes are always read from memory, so the model never runs a
// stale program (Linux rewrites microcode buffers between transfers).

export class ICache {
  lines: u32;
  lineShift: u32;
  tags: StaticArray<u32> = new StaticArray<u32>(0);
  next: u32 = 0;
  /** Bumped whenever a line leaves the cache, so a thread's fetch window can be revalidated
   *  with one compare. */
  gen: u32 = 1;
  /** The line-fill port is busy until then. */
  fillFree: i64 = 0;
  misses: u64 = 0;

  constructor(lines: u32, lineBytes: u32) {
    const n = lines < 1 ? 1 : lines;
    this.lines = n;
    this.lineShift = <u32>ctz(lineBytes < 4 ? 4 : lineBytes);
    this.tags = new StaticArray<u32>(n);
    this.invalidate();
  }

  @inline get lineBytes(): u32 {
    return <u32>1 << this.lineShift;
  }

  invalidate(): void {
    for (let i: u32 = 0; i < this.lines; i++) unchecked((this.tags[i] = 0xffffffff));
    this.next = 0;
    this.gen++;
  }

  has(line: u32): bool {
    for (let i: u32 = 0; i < this.lines; i++) if (unchecked(this.tags[i]) == line) return true;
    return false;
  }

  insert(line: u32): void {
    if (unchecked(this.tags[this.next]) != 0xffffffff) this.gen++;
    unchecked((this.tags[this.next] = line));
    this.next = this.next + 1 == this.lines ? 0 : this.next + 1;
  }
}
