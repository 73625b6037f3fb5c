// Interrupt lines as the interrupt controller sees them: level-sensitive, numbered by the GIC
// interrupt ID the board wires each device output to. Several outputs may share a line (a board
// that ORs a DMAC's event interrupts together), so a line is high while any source asserts it.
// The kernel's dispatcher asks for the lowest pending line; a source deasserts when the
// handler clears its cause.
//
// A distributor implements the IDs below 32 × (GICD_TYPER.ITLinesNumber + 1), at most 1020
// (IDs 1020-1023 are special: 1023 is the spurious ID the CPU interface reads when nothing is
// pending). An ID past them has no line: its enable bit is RAZ/WI and a source wired to it never
// makes it pending (GICv2 architecture spec §4.3.2 and §3.2.5; GICv3 §12.9.38).

export const MAX_LINES: i32 = 1024;
/** The highest ID count a distributor implements (special IDs 1020-1023 are none of them). */
export const MAX_IMPLEMENTED: i32 = 1020;

const asserted = new StaticArray<u16>(MAX_LINES);
const masked = new StaticArray<u8>(MAX_LINES);
/** Lines that are high and enabled: what can interrupt the CPU. */
let highCount: i32 = 0;
/** Interrupt IDs the distributor implements (gic-dist.ts sets it from GICD_TYPER). */
let implemented: i32 = MAX_IMPLEMENTED;

/** Sets how many IDs the distributor implements; called once, before any source drives. */
export function setImplemented(n: i32): void {
  implemented = n < 32 ? 32 : n > MAX_IMPLEMENTED ? MAX_IMPLEMENTED : n;
}

export function implementedLines(): i32 {
  return implemented;
}

@inline function isLine(line: i32): bool {
  return line >= 0 && line < implemented;
}

/** One source starts (high) or stops (low) driving `line`. Sources call this on transitions only. */
export function drive(line: i32, high: bool): void {
  if (!isLine(line)) return;
  const n = <i32>unchecked(asserted[line]);
  const enabled = unchecked(masked[line]) == 0;
  if (high) {
    if (n == 0 && enabled) highCount++;
    unchecked((asserted[line] = <u16>(n + 1)));
  } else if (n > 0) {
    if (n == 1 && enabled) highCount--;
    unchecked((asserted[line] = <u16>(n - 1)));
  }
}

@inline export function anyPending(): bool {
  return highCount > 0;
}

/** The distributor's enable bit for a line (GICD_ISENABLER / ICENABLER). */
export function setEnabled(line: i32, on: bool): void {
  if (!isLine(line)) return;
  const was = unchecked(masked[line]) == 0;
  if (was == on) return;
  unchecked((masked[line] = on ? 0 : 1));
  if (unchecked(asserted[line]) != 0) highCount += on ? 1 : -1;
}

/** The enable bit as GICD_ISENABLER reads it: 0 for an ID the distributor does not implement. */
export function isEnabled(line: i32): bool {
  return isLine(line) && unchecked(masked[line]) == 0;
}

export function firstPending(): i32 {
  if (highCount == 0) return -1;
  for (let i = 0; i < implemented; i++) if (unchecked(asserted[i]) != 0 && unchecked(masked[i]) == 0) return i;
  return -1;
}

export function lineLevel(line: i32): bool {
  return isLine(line) && asserted[line] != 0;
}
