// Interrupt lines as the interrupt controller sees them: level-sensitive, numbered by the GIC
// interrupt ID the board wires each device output to. The kernel's dispatcher asks for the
// lowest pending line; a device lowers its line when the handler clears the cause.

export const MAX_LINES: i32 = 1024;

const level = new StaticArray<u8>(MAX_LINES);
let highCount: i32 = 0;

export function setLine(line: i32, high: bool): void {
  if (line < 0 || line >= MAX_LINES) return;
  const was = unchecked(level[line]) != 0;
  if (was == high) return;
  unchecked((level[line] = high ? 1 : 0));
  highCount += high ? 1 : -1;
}

@inline export function anyPending(): bool {
  return highCount > 0;
}

export function firstPending(): i32 {
  if (highCount == 0) return -1;
  for (let i = 0; i < MAX_LINES; i++) if (unchecked(level[i]) != 0) return i;
  return -1;
}

export function lineLevel(line: i32): bool {
  return line >= 0 && line < MAX_LINES && level[line] != 0;
}
