// The (dmasim) notes a boot leaves for the tools to print beside their results, one sentence
// each: what dmasim assumed about a board its tree does not fully describe (Board.assumed),
// then each device register window the memory covers (kernel.registersInRam, which the kernel
// log holds too), then each AMBA device no driver takes for its peripheral ID (kernel.ambaNotes,
// logged too). probe, run and demo print them as `note:` lines.

import type { System } from "../system.js";

/** The registers-in-RAM notes alone, in boot order. */
export function registersInRamNotes(system: System): string[] {
  return system.kernel.registersInRam.map((r) => r.note);
}

/** Every note of the boot: the board's assumptions, then the registers in RAM. */
export function bootNotes(system: System): string[] {
  return [...system.board.assumed, ...registersInRamNotes(system), ...system.kernel.ambaNotes];
}
