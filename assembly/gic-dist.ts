// The GIC distributor's registers that say what it implements and which IDs are enabled
// (GICv2 architecture spec §4.3, GICv3 §12.9): GICD_TYPER, fixed when the SoC is built, and the
// enable set/clear banks, one bit per ID, 32 IDs per word. An ID the distributor does not
// implement reads 0 and ignores writes (RAZ/WI). Every other register reads 0 and ignores
// writes here: priorities, targets, groups and configuration are not modelled (the kernel's
// dispatcher takes the lowest pending ID, irq.ts).

import { isEnabled, setEnabled, setImplemented, MAX_IMPLEMENTED } from "./irq";

export const GICD_TYPER: u32 = 0x004;
export const GICD_ISENABLER: u32 = 0x100;
export const GICD_ICENABLER: u32 = 0x180;
/** 32 words per bank: IDs 0-1023. */
const ENABLE_BANK_BYTES: u32 = 0x80;
const IT_LINES_MASK: u32 = 0x1f;

/** ITLinesNumber 31 (1020 IDs, the architecture's most) until the board says otherwise. */
let typer: u32 = IT_LINES_MASK;

/** The integrator's GICD_TYPER: ITLinesNumber [4:0] sets the IDs implemented,
 *  32 × (ITLinesNumber + 1), capped at 1020. */
export function configure(value: u32): void {
  typer = value;
  const ids = <i32>(32 * ((value & IT_LINES_MASK) + 1));
  setImplemented(ids > MAX_IMPLEMENTED ? MAX_IMPLEMENTED : ids);
}

function enableWord(first: i32): u32 {
  let v: u32 = 0;
  for (let b = 0; b < 32; b++) if (isEnabled(first + b)) v |= (<u32>1) << b;
  return v;
}

function writeEnables(first: i32, bits: u32, on: bool): void {
  for (let b = 0; b < 32; b++) if ((bits >> b) & 1) setEnabled(first + b, on);
}

export function read(off: u32): u32 {
  if (off == GICD_TYPER) return typer;
  if (off >= GICD_ISENABLER && off < GICD_ICENABLER + ENABLE_BANK_BYTES) {
    return enableWord(<i32>(((off - GICD_ISENABLER) % ENABLE_BANK_BYTES) >> 2) * 32);
  }
  return 0;
}

export function write(off: u32, v: u32): void {
  if (off >= GICD_ISENABLER && off < GICD_ICENABLER + ENABLE_BANK_BYTES) {
    const first = <i32>(((off - GICD_ISENABLER) % ENABLE_BANK_BYTES) >> 2) * 32;
    writeEnables(first, v, off < GICD_ICENABLER);
  }
}
