// Interrupt lines as the interrupt controller sees them: level-sensitive, numbered by the GIC
// interrupt ID the board wires each device output to. Several outputs may share a line (a board
// that ORs a DMAC's event interrupts together), so a line is high while any source asserts it.
// The kernel's dispatcher asks for the lowest pending line; a source deasserts when the
// handler clears its cause.

export const MAX_LINES: i32 = 1024;

const asserted = new StaticArray<u16>(MAX_LINES);
const masked = new StaticArray<u8>(MAX_LINES);
/** Lines that are high and enabled: what can interrupt the CPU. */
let highCount: i32 = 0;

/** One source starts (high) or stops (low) driving `line`. Sources call this on transitions only. */
export function drive(line: i32, high: bool): void {
  if (line < 0 || line >= MAX_LINES) return;
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
  if (line < 0 || line >= MAX_LINES) return;
  const was = unchecked(masked[line]) == 0;
  if (was == on) return;
  unchecked((masked[line] = on ? 0 : 1));
  if (unchecked(asserted[line]) != 0) highCount += on ? 1 : -1;
}

export function firstPending(): i32 {
  if (highCount == 0) return -1;
  for (let i = 0; i < MAX_LINES; i++) if (unchecked(asserted[i]) != 0 && unchecked(masked[i]) == 0) return i;
  return -1;
}

export function lineLevel(line: i32): bool {
  return line >= 0 && line < MAX_LINES && asserted[line] != 0;
}
