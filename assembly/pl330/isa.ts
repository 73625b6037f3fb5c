// DMA-330 instruction encodings (spec pl330 §2.1). Byte 0 selects the instruction; immediates
// that follow are little-endian. Decoding follows the TRM tables in the order the reference
// model uses, which matters where encodings overlap: 0x29/0x2B are DMASTP, not DMALPEND (nf=0,
// lc0, S/B), so a conditional forever loop must close on LC1.

export const I_END: u32 = 0x00;
export const I_KILL: u32 = 0x01;
export const I_STZ: u32 = 0x0c;
export const I_RMB: u32 = 0x12;
export const I_WMB: u32 = 0x13;
export const I_NOP: u32 = 0x18;
export const I_SEV: u32 = 0x34;
export const I_FLUSHP: u32 = 0x35;
export const I_WFE: u32 = 0x36;
export const I_MOV: u32 = 0xbc;
export const I_GO: u32 = 0xa0;

// Instruction classes, by the first byte.
export const K_UNDEF: u8 = 0;
export const K_END: u8 = 1;
export const K_KILL: u8 = 2;
export const K_LD: u8 = 3; // DMALD[S|B]; bs=2 is an invalid operand
export const K_ST: u8 = 4; // DMAST[S|B]
export const K_STZ: u8 = 5;
export const K_RMB: u8 = 6;
export const K_WMB: u8 = 7;
export const K_NOP: u8 = 8;
export const K_LP: u8 = 9;
export const K_LDP: u8 = 10;
export const K_STP: u8 = 11;
export const K_LPEND: u8 = 12; // nf=1 counted, nf=0 forever
export const K_WFP: u8 = 13;
export const K_SEV: u8 = 14;
export const K_FLUSHP: u8 = 15;
export const K_WFE: u8 = 16;
export const K_ADDH: u8 = 17; // DMAADDH / DMAADNH
export const K_GO: u8 = 18;
export const K_MOV: u8 = 19;

// request_flag values (set by DMAWFP, tested by the S/B conditional forms).
export const REQ_SINGLE: u8 = 0;
export const REQ_BURST: u8 = 1;

const kinds = new StaticArray<u8>(256);
const lengths = new StaticArray<u8>(256);

function define(b0: i32, kind: u8, len: u8): void {
  unchecked((kinds[b0] = kind));
  unchecked((lengths[b0] = len));
}

for (let b = 0; b < 256; b++) define(b, K_UNDEF, 1);
define(0x00, K_END, 1);
define(0x01, K_KILL, 1);
for (let b = 0x04; b <= 0x07; b++) define(b, K_LD, 1);
for (let b = 0x08; b <= 0x0b; b++) define(b, K_ST, 1);
define(0x0c, K_STZ, 1);
define(0x12, K_RMB, 1);
define(0x13, K_WMB, 1);
define(0x18, K_NOP, 1);
define(0x20, K_LP, 2);
define(0x22, K_LP, 2);
define(0x25, K_LDP, 2);
define(0x27, K_LDP, 2);
// DMALPEND: 001 nf 1 lc bs x (0x28–0x2F, 0x38–0x3F); DMASTP takes 0x29 and 0x2B first.
for (let b = 0x28; b <= 0x2f; b++) define(b, K_LPEND, 2);
for (let b = 0x38; b <= 0x3f; b++) define(b, K_LPEND, 2);
define(0x29, K_STP, 2);
define(0x2b, K_STP, 2);
for (let b = 0x30; b <= 0x33; b++) define(b, K_WFP, 2);
define(0x34, K_SEV, 2);
define(0x35, K_FLUSHP, 2);
define(0x36, K_WFE, 2);
define(0x54, K_ADDH, 3);
define(0x56, K_ADDH, 3);
define(0x5c, K_ADDH, 3);
define(0x5e, K_ADDH, 3);
define(0xa0, K_GO, 6);
define(0xa2, K_GO, 6);
define(0xbc, K_MOV, 6);

@inline export function insnKind(b0: u32): u8 {
  return unchecked(kinds[b0 & 0xff]);
}

/** Length in bytes of the instruction whose first byte is b0 (1 for undefined opcodes, which
 *  fault before any operand is read). */
@inline export function insnLength(b0: u32): u32 {
  return <u32>unchecked(lengths[b0 & 0xff]);
}
