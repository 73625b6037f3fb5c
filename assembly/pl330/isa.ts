// DMA-330 instruction encodings (spec pl330 §2.1). Byte 0 selects the instruction; immediates
// that follow are little-endian.

export const I_END: u32 = 0x00;
export const I_KILL: u32 = 0x01;
export const I_LD: u32 = 0x04; // 0x04 LD, 0x05 LDS, 0x07 LDB (0x06 invalid bs)
export const I_ST: u32 = 0x08; // 0x08 ST, 0x09 STS, 0x0B STB (0x0A invalid bs)
export const I_STZ: u32 = 0x0c;
export const I_RMB: u32 = 0x12;
export const I_WMB: u32 = 0x13;
export const I_NOP: u32 = 0x18;
export const I_LP: u32 = 0x20; // 0x20 LC0, 0x22 LC1
export const I_LDP: u32 = 0x25; // 0x25 LDPS, 0x27 LDPB
export const I_STP: u32 = 0x29; // 0x29 STPS, 0x2B STPB
export const I_WFP: u32 = 0x30; // 0x30 WFPS, 0x31 WFPP, 0x32 WFPB
export const I_SEV: u32 = 0x34;
export const I_FLUSHP: u32 = 0x35;
export const I_WFE: u32 = 0x36;
export const I_ADDH: u32 = 0x54; // 0x54 SAR, 0x56 DAR
export const I_ADNH: u32 = 0x5c; // 0x5C SAR, 0x5E DAR
export const I_GO: u32 = 0xa0; // 0xA0 secure, 0xA2 non-secure
export const I_MOV: u32 = 0xbc;

// request_flag values (set by DMAWFP, tested by the S/B conditional forms).
export const REQ_SINGLE: u8 = 0;
export const REQ_BURST: u8 = 1;

/** Length in bytes of the instruction whose first byte is b0 (1 for undefined opcodes, which
 *  fault before any operand is read). */
export function insnLength(b0: u32): u32 {
  if (b0 == I_MOV || (b0 & 0xfd) == I_GO) return 6;
  if ((b0 & 0xf9) == 0x54 || (b0 & 0xf9) == 0x5c) return 3; // ADDH/ADNH
  if (b0 >= 0x20 && b0 <= 0x3f) {
    // LP, LPEND, LDP, STP, WFP, SEV, FLUSHP, WFE are all 2 bytes
    return 2;
  }
  return 1;
}
