// The DMA-330 register file: 32-bit MMIO reads and writes at offsets within its 4 KB window
// (spec pl330 §4). Writes to read-only registers are ignored; channel registers beyond
// num_chnls read 0.

import { Dmac } from "./dmac";
import { ST_FAULTING, ST_FAULT_COMPLETING } from "./thread";
import { intmis, writeInten, clearInterrupts } from "./events";

export const DSR: u32 = 0x000;
export const DPC: u32 = 0x004;
export const INTEN: u32 = 0x020;
export const INT_EVENT_RIS: u32 = 0x024;
export const INTMIS: u32 = 0x028;
export const INTCLR: u32 = 0x02c;
export const FSRD: u32 = 0x030;
export const FSRC: u32 = 0x034;
export const FTRD: u32 = 0x038;
export const FTR0: u32 = 0x040;
export const CSR0: u32 = 0x100;
export const SAR0: u32 = 0x400;
export const DBGSTATUS: u32 = 0xd00;
export const DBGCMD: u32 = 0xd04;
export const DBGINST0: u32 = 0xd08;
export const DBGINST1: u32 = 0xd0c;
export const CR0: u32 = 0xe00;
export const CRD: u32 = 0xe14;
export const WD: u32 = 0xe80;
export const PERIPH_ID0: u32 = 0xfe0;
export const PCELL_ID0: u32 = 0xff0;

function fsrc(d: Dmac): u32 {
  let v: u32 = 0;
  for (let i = 0; i < d.numChannels; i++) {
    const s = d.channel(i).state;
    if (s == ST_FAULTING || s == ST_FAULT_COMPLETING) v |= 1 << i;
  }
  return v;
}

export function readRegister(d: Dmac, off: u32, t: i64): u32 {
  const n = <u32>d.numChannels;
  if (off == DSR) {
    const m = d.manager;
    return m.state | ((m.wakeup & 0x1f) << 4) | (m.ns ? 1 << 9 : 0);
  }
  if (off == DPC) return d.manager.pc;
  if (off == INTEN) return d.inten;
  if (off == INT_EVENT_RIS) return d.ris;
  if (off == INTMIS) return intmis(d);
  if (off == FSRD) return d.manager.state == ST_FAULTING ? 1 : 0;
  if (off == FSRC) return fsrc(d);
  if (off == FTRD) return d.manager.ftr;
  if (off >= FTR0 && off < FTR0 + 32) {
    const c = (off - FTR0) >> 2;
    return c < n ? d.channel(<i32>c).ftr : 0;
  }
  if (off >= CSR0 && off < CSR0 + 64) {
    const c = (off - CSR0) >> 3;
    if (c >= n) return 0;
    const th = d.channel(<i32>c);
    return (off & 4) ? th.pc : th.csr();
  }
  if (off >= SAR0 && off < SAR0 + 0x100) {
    const c = (off - SAR0) >> 5;
    if (c >= n) return 0;
    const th = d.channel(<i32>c);
    const r = off & 0x1f;
    if (r == 0x00) return th.sar;
    if (r == 0x04) return th.dar;
    if (r == 0x08) return th.ccr;
    if (r == 0x0c) return th.lc0 & 0xff;
    if (r == 0x10) return th.lc1 & 0xff;
    return 0;
  }
  if (off == DBGSTATUS) return d.debugBusy ? 1 : 0;
  if (off == CR0) return d.cfg.cr0();
  if (off == CR0 + 4) return d.cfg.cr1();
  if (off == CR0 + 8) return d.cfg.bootAddr;
  if (off == CR0 + 12) return d.cfg.irqNs;
  if (off == CR0 + 16) return d.cfg.periphNs;
  if (off == CRD) return d.cfg.crd();
  if (off == WD) return d.wd;
  if (off >= PERIPH_ID0 && off < PERIPH_ID0 + 16) return d.cfg.periphId((off - PERIPH_ID0) >> 2);
  if (off >= PCELL_ID0 && off < PCELL_ID0 + 16) return d.cfg.pcellId((off - PCELL_ID0) >> 2);
  return 0;
}

export function writeRegister(d: Dmac, off: u32, v: u32, t: i64): void {
  if (off == INTEN) writeInten(d, v, t);
  else if (off == INTCLR) clearInterrupts(d, v, t);
  else if (off == DBGINST0) d.dbgInst0 = v;
  else if (off == DBGINST1) d.dbgInst1 = v;
  else if (off == DBGCMD) d.debugCommand(v, t); // ignored while busy: software waits for DBGSTATUS
  else if (off == WD) d.wd = v & 1;
}

