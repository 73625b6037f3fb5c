// Building a channel program for one descriptor exactly as Linux's _setup_req does (spec pl330
// §12.2): DMAMOV CCR, SAR, DAR; nested loops of bursts (inner LC1, outer LC0), a tail for the
// leftover beats, DMASEV for the thread's event, DMAEND. Memory-to-memory bursts are DMALD DMAST;
// peripheral bursts are DMAFLUSHP then DMAWFP, a load and a store, one of them the peripheral
// variant (DMALDP from a device, DMASTP to one), conditional on the request type. Linux 4.9's
// peripheral bodies are older (see ldstPeripheral49).

import type { KernelVersion } from "../../mm/layout.js";
import { DMA_DEV_TO_MEM, DMA_MEM_TO_DEV, DMA_MEM_TO_MEM, type DmaTransferDirection } from "../../dmaengine/types.js";
import {
  CCR, DAR, SAR, emitEND, emitFLUSHP, emitLD, emitLDP, emitLP, emitLPEND, emitMOV, emitRMB, emitSEV, emitST, emitSTP,
  emitWFP, emitWMB, type Cond,
} from "./microcode.js";

/** DT `arm,pl330-broken-no-flushp`: the peripherals cannot take a flush; never emit DMAFLUSHP. */
export const PL330_QUIRK_BROKEN_NO_FLUSHP = 1 << 0;
/** DT `arm,pl330-periph-burst`: the peripherals only raise burst requests; always the B forms. */
export const PL330_QUIRK_PERIPH_BURST = 1 << 1;

export interface ReqConfig {
  src_inc: boolean;
  dst_inc: boolean;
  nonsecure: boolean;
  privileged: boolean;
  insnaccess: boolean;
  /** log2 of bytes per beat */
  brst_size: number;
  /** beats per burst, 1…16 */
  brst_len: number;
  scctl: number;
  dcctl: number;
  swap: number;
}

export interface Xfer {
  src_addr: number;
  dst_addr: number;
  bytes: number;
}

export interface XferSpec {
  ccr: number;
  /** The descriptor's direction (DMA_MEM_TO_MEM, DMA_MEM_TO_DEV, DMA_DEV_TO_MEM). */
  rqtype: DmaTransferDirection;
  px: Xfer;
  /** DMA-330 revision from the peripheral ID (0 = r0p0). */
  revision: number;
  /** The peripheral request line of a slave transfer. */
  peri?: number;
  /** PL330_QUIRK_* from the device tree. */
  quirks?: number;
  /** Whose peripheral microcode: modern (the default) or Linux 4.9's. */
  kernel?: KernelVersion;
}

export function defaultReqConfig(): ReqConfig {
  return {
    src_inc: true, dst_inc: true, nonsecure: false, privileged: false, insnaccess: false,
    brst_size: 0, brst_len: 1, scctl: 0, dcctl: 0, swap: 0,
  };
}

/** _prepare_ccr: same burst size and length for source and destination. */
export function prepareCcr(rqc: ReqConfig): number {
  let ccr = 0;
  if (rqc.src_inc) ccr |= 1 << 0;
  if (rqc.dst_inc) ccr |= 1 << 14;
  if (rqc.privileged) ccr |= (1 << 8) | (1 << 22);
  if (rqc.nonsecure) ccr |= (1 << 9) | (1 << 23);
  if (rqc.insnaccess) ccr |= (1 << 10) | (1 << 24);
  ccr |= ((rqc.brst_len - 1) & 0xf) << 4;
  ccr |= ((rqc.brst_len - 1) & 0xf) << 18;
  ccr |= rqc.brst_size << 1;
  ccr |= rqc.brst_size << 15;
  ccr |= rqc.scctl << 11;
  ccr |= rqc.dcctl << 25;
  ccr |= rqc.swap << 28;
  return ccr >>> 0;
}

const BRST_SIZE = (ccr: number) => 1 << ((ccr >> 1) & 7);
const BRST_LEN = (ccr: number) => ((ccr >> 4) & 0xf) + 1;

function ldstMemToMem(xs: XferSpec, cyc: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < cyc; i++) {
    // r0p0 is not lock-up free: it needs barriers between load and store.
    if (xs.revision >= 1) out.push(...emitLD(), ...emitST());
    else out.push(...emitLD(), ...emitRMB(), ...emitST(), ...emitWMB());
  }
  return out;
}

/** _emit_load: the peripheral form when the data comes from the device. */
function emitLoad(cond: Cond, dir: DmaTransferDirection, peri: number): number[] {
  if (dir !== DMA_DEV_TO_MEM) return emitLD(cond);
  return cond === "always" ? [...emitLDP("single", peri), ...emitLDP("burst", peri)] : emitLDP(cond, peri);
}

/** _emit_store: the peripheral form when the data goes to the device. */
function emitStore(cond: Cond, dir: DmaTransferDirection, peri: number): number[] {
  if (dir !== DMA_MEM_TO_DEV) return emitST(cond);
  return cond === "always" ? [...emitSTP("single", peri), ...emitSTP("burst", peri)] : emitSTP(cond, peri);
}

/** _ldst_peripheral: the flush runs once per body, i.e. at every loop iteration (spec §12.2). */
function ldstPeripheral(xs: XferSpec, cyc: number, cond: Cond): number[] {
  const peri = xs.peri ?? 0;
  const out: number[] = [];
  if (!((xs.quirks ?? 0) & PL330_QUIRK_BROKEN_NO_FLUSHP)) out.push(...emitFLUSHP(peri));
  for (let i = 0; i < cyc; i++) {
    out.push(...emitWFP(cond, peri), ...emitLoad(cond, xs.rqtype, peri), ...emitStore(cond, xs.rqtype, peri));
  }
  return out;
}

/** Linux 4.9's _ldst_devtomem and _ldst_memtodev. 4.9's own drivers/dma/pl330.c was not
 *  available; this follows a 4.13–4.17-era copy (ARIES-Embedded/linux-socfpga at
 *  0d658e3e3155b1ee88ddc4e26b8f583090ba17a4, drivers/dma/pl330.c), which stands for 4.9: the
 *  3.x copies before it have the same per-beat bodies, the pl330.c commits between 4.9 and 4.13
 *  (pl330_prep_slave_fifo, dma_map_resource) do not touch the generators, and the first change
 *  to them is Frank Mori Hess's of 2018-04-18 (4.18), the modern code above. Per burst, each
 *  request conditional on SINGLE (BURST under broken-no-flushp; 4.9 knows no periph-burst quirk):
 *  DEV→MEM `DMAWFP; DMALDP; DMAST; DMAFLUSHP`, MEM→DEV `DMAWFP; DMALD; DMASTP; DMAFLUSHP` — the
 *  flush after every burst, not once before the loop. */
function ldstPeripheral49(xs: XferSpec, cyc: number): number[] {
  const peri = xs.peri ?? 0;
  const noFlush = ((xs.quirks ?? 0) & PL330_QUIRK_BROKEN_NO_FLUSHP) !== 0;
  const cond = noFlush ? "burst" : "single";
  const out: number[] = [];
  for (let i = 0; i < cyc; i++) {
    out.push(...emitWFP(cond, peri));
    if (xs.rqtype === DMA_DEV_TO_MEM) out.push(...emitLDP(cond, peri), ...emitST());
    else out.push(...emitLD(), ...emitSTP(cond, peri));
    if (!noFlush) out.push(...emitFLUSHP(peri));
  }
  return out;
}

function bursts(xs: XferSpec, cyc: number): number[] {
  if (xs.rqtype === DMA_MEM_TO_MEM) return ldstMemToMem(xs, cyc);
  if (xs.rqtype !== DMA_MEM_TO_DEV && xs.rqtype !== DMA_DEV_TO_MEM) throw new RangeError(`pl330: no program for direction ${xs.rqtype}`);
  if (xs.kernel === "v4.9") return ldstPeripheral49(xs, cyc);
  let cond: Cond = BRST_LEN(xs.ccr) > 1 ? "burst" : "single";
  if ((xs.quirks ?? 0) & PL330_QUIRK_PERIPH_BURST) cond = "burst";
  return ldstPeripheral(xs, cyc, cond);
}

/** _loop: one loop nest; returns its code and how many bursts it covers. */
function loop(xs: XferSpec, total: number): { code: number[]; covered: number } {
  if (total === 1) return { code: bursts(xs, 1), covered: 1 };
  let lcnt0: number;
  let lcnt1: number;
  let cyc: number;
  if (total >= 256 * 256) {
    lcnt1 = 256;
    lcnt0 = 256;
    cyc = Math.floor(total / lcnt1 / lcnt0);
  } else if (total > 256) {
    lcnt1 = 256;
    lcnt0 = Math.floor(total / lcnt1);
    cyc = 1;
  } else {
    lcnt1 = total;
    lcnt0 = 0;
    cyc = 1;
  }
  let szlp = emitLP(0, 1).length;
  const szbrst = bursts(xs, 1).length;
  let szlpend = emitLPEND(0, 0).length;
  if (lcnt0) {
    szlp *= 2;
    szlpend *= 2;
  }
  // The backward jump of DMALPEND is 8 bits: at most 255 bytes of unrolled bursts.
  const cycmax = Math.floor((255 - (szlp + szlpend)) / szbrst);
  cyc = Math.min(cyc, cycmax);

  const code: number[] = [];
  let ljmp0 = 0;
  if (lcnt0) {
    code.push(...emitLP(0, lcnt0));
    ljmp0 = code.length;
  }
  code.push(...emitLP(1, lcnt1));
  const ljmp1 = code.length;
  code.push(...bursts(xs, cyc));
  code.push(...emitLPEND(1, code.length - ljmp1));
  if (lcnt0) code.push(...emitLPEND(0, code.length - ljmp0));
  return { code, covered: lcnt1 * cyc * (lcnt0 || 1) };
}

/** _dregs: the beats left over after whole bursts, as one shorter burst (always the B forms
 *  for a peripheral). 4.9 has no _dregs: a length that is not a whole number of bursts is
 *  refused before this (lengthUnaligned49). */
function dregs(xs: XferSpec, beats: number): number[] {
  if (beats === 0) return [];
  const body = xs.rqtype === DMA_MEM_TO_MEM ? ldstMemToMem(xs, 1) : ldstPeripheral(xs, 1, "burst");
  return [...emitMOV(CCR, ccrWithBurstLen(xs.ccr, beats)), ...body];
}

/** `ccr` with both burst lengths (SB [7:4], DB [21:18]) set to `beats`: the CCR _dregs moves in
 *  for a transfer's tail, and, read back after it, the one the transfer's whole bursts ran with. */
export function ccrWithBurstLen(ccr: number, beats: number): number {
  let out = ccr & ~((0xf << 4) | (0xf << 18));
  out |= ((beats - 1) & 0xf) << 4;
  out |= ((beats - 1) & 0xf) << 18;
  return out >>> 0;
}

function setupLoops(xs: XferSpec): number[] {
  const perBurst = BRST_SIZE(xs.ccr) * BRST_LEN(xs.ccr);
  let total = Math.floor(xs.px.bytes / perBurst);
  const numDregs = Math.floor((xs.px.bytes - total * perBurst) / BRST_SIZE(xs.ccr));
  const code: number[] = [];
  while (total) {
    const { code: c, covered } = loop(xs, total);
    code.push(...c);
    total -= covered;
  }
  code.push(...dregs(xs, numDregs));
  return code;
}

/** Linux 4.9's _setup_req refuses with -EINVAL a request whose length is not a whole number of
 *  bursts ("Error if xfer length is not aligned at burst size"; same 4.13-era copy as
 *  ldstPeripheral49), whatever its direction: 4.9 has no _dregs tail. Its memcpy never meets
 *  this, as get_burst_len picks a burst length that divides the transfer (prep.ts). */
export function lengthUnaligned49(xs: XferSpec): boolean {
  return xs.kernel === "v4.9" && xs.px.bytes % (BRST_SIZE(xs.ccr) * BRST_LEN(xs.ccr)) !== 0;
}

/** _setup_req: the whole program for one request on the thread owning event `ev`. */
export function setupReq(xs: XferSpec, ev: number): number[] {
  return [
    ...emitMOV(CCR, xs.ccr),
    ...emitMOV(SAR, xs.px.src_addr),
    ...emitMOV(DAR, xs.px.dst_addr),
    ...setupLoops(xs),
    ...emitSEV(ev),
    ...emitEND(),
  ];
}
