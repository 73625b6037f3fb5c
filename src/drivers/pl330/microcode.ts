// Encoders for DMA-330 instructions (the _emit_* helpers of pl330.c; encodings in spec pl330
// §2.1). Each returns the instruction's bytes.

export const SAR = 0;
export const CCR = 1;
export const DAR = 2;

export type Cond = "always" | "single" | "burst";

const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

const condBits = (c: Cond) => (c === "single" ? 0b01 : c === "burst" ? 0b11 : 0);

export const emitMOV = (rd: number, imm: number) => [0xbc, rd, ...le32(imm)];
/** DMALP: `cnt` iterations (1…256), encoded as cnt−1. */
export const emitLP = (loop: 0 | 1, cnt: number) => [0x20 | (loop << 1), (cnt - 1) & 0xff];
export const emitLPEND = (loop: 0 | 1, bjump: number, cond: Cond = "always", forever = false) =>
  [0x28 | (forever ? 0 : 0x10) | (loop << 2) | condBits(cond), bjump & 0xff];
export const emitLD = (cond: Cond = "always") => [0x04 | condBits(cond)];
export const emitST = (cond: Cond = "always") => [0x08 | condBits(cond)];
export const emitLDP = (cond: "single" | "burst", peri: number) => [0x25 | (cond === "burst" ? 2 : 0), peri << 3];
export const emitSTP = (cond: "single" | "burst", peri: number) => [0x29 | (cond === "burst" ? 2 : 0), peri << 3];
export const emitWFP = (cond: Cond | "periph", peri: number) =>
  [0x30 | (cond === "burst" ? 2 : cond === "periph" ? 1 : 0), peri << 3];
export const emitFLUSHP = (peri: number) => [0x35, peri << 3];
export const emitSTZ = () => [0x0c];
export const emitRMB = () => [0x12];
export const emitWMB = () => [0x13];
export const emitNOP = () => [0x18];
export const emitSEV = (ev: number) => [0x34, ev << 3];
export const emitWFE = (ev: number, invalidate = false) => [0x36, (ev << 3) | (invalidate ? 2 : 0)];
export const emitEND = () => [0x00];
export const emitKILL = () => [0x01];
export const emitADDH = (dar: boolean, imm: number) => [0x54 | (dar ? 2 : 0), imm & 0xff, (imm >> 8) & 0xff];
export const emitADNH = (dar: boolean, imm: number) => [0x5c | (dar ? 2 : 0), imm & 0xff, (imm >> 8) & 0xff];
export const emitGO = (chan: number, addr: number, ns: boolean) => [0xa0 | (ns ? 2 : 0), chan & 7, ...le32(addr)];
