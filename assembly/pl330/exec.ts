// Instruction fetch and the semantics of channel-thread instructions (spec pl330 §2.2), with the
// operand checks of §2.1 and the security rules. CPC conventions follow the reference model:
// an undefined opcode leaves CPC at itself; an instruction that decodes and then faults leaves
// CPC after itself; a thread waiting (event, peripheral, barrier) keeps CPC at the instruction
// it waits in.

import { max64 } from "../time";
import { insnKind, insnLength, K_END, K_KILL, K_LD, K_ST, K_STZ, K_RMB, K_WMB, K_NOP, K_LP,
  K_LDP, K_STP, K_LPEND, K_WFP, K_SEV, K_FLUSHP, K_WFE, K_ADDH, K_GO, K_MOV, REQ_SINGLE, REQ_BURST } from "./isa";
import { Thread, NO_PC, ST_CACHE_MISS, ST_BARRIER, F_UNDEF, F_OPERAND, F_EVNT_ERR, F_RDWR_ERR,
  F_INSTR_FETCH_ERR } from "./thread";
import { Dmac } from "./dmac";
import { fault, faultAfter, killThread, endThread } from "./thread-stop";
import { loadBurst, storeBurst, storeZeros } from "./datapath";
import { waitForPeripheral, flushPeripheral, checkPeripheral, acknowledgePeripheral } from "./requests";
import { executeManager } from "./manager";
import { signalEvent, waitForEvent } from "./events";
import * as T from "../trace";
import { N_SEV } from "../trace-names";

@inline export function imm32(p: usize): u32 {
  return load<u8>(p) | (<u32>load<u8>(p + 1) << 8) | (<u32>load<u8>(p + 2) << 16) | (<u32>load<u8>(p + 3) << 24);
}

/** Instruction fetch through the i-cache. Returns the host address of the instruction at
 *  th.pc, or 0 if the thread stalled (Cache miss: its lines are being filled over AXI) or
 *  faulted (instr_fetch_err: the program is not in memory). On a hit it also sets the thread's
 *  fetch window to the present lines around pc, so the next fetches are one compare. */
function fetch(d: Dmac, th: Thread, t: i64): usize {
  const pc = th.pc;
  const ic = d.ic;
  // A coherent DMAC's fetches snoop: the microcode the CPU wrote may still be only in its
  // caches (Linux does no maintenance for a dma-coherent device). Hits too: the i-cache keeps
  // tags only, and a line still tagged from an earlier program in the same descriptor buffer
  // must give the program the driver has since written, not DRAM's older copy.
  if (d.coherent) d.snoopAt(<u64>pc & ~(<u64>ic.lineBytes - 1), ic.lineBytes);
  const p = d.ramAt(<u64>pc, 1);
  const len = p == 0 ? 1 : insnLength(load<u8>(p));
  if (p == 0 || (len > 1 && d.ramAt(<u64>pc, len) == 0)) {
    fault(d, th, F_INSTR_FETCH_ERR, t);
    return 0;
  }
  if (th.filledPc == pc) {
    // The fill this thread waited for hands it its instruction even when another thread's fill
    // has evicted the line since: with more threads than lines, they would otherwise take each
    // other's lines forever. The next fetch looks in the cache again.
    th.filledPc = NO_PC;
    th.winLo = pc;
    th.winHi = pc + len;
    th.winHost = d.ramAt(<u64>pc, len);
    th.winGen = ic.gen;
    return th.winHost;
  }
  const s = ic.lineShift;
  const first = pc >> s;
  const last = <u32>((<u64>pc + len - 1) >> s);
  let missed = false;
  for (let l = first; l <= last; l++) {
    if (ic.has(l)) continue;
    const addr = <u64>l << s;
    const bytes = ic.lineBytes;
    if (d.coherent) d.snoopAt(addr, bytes);
    d.axi.readOne(max64(t, ic.fillFree), addr, bytes, (bytes + d.axi.widthBytes - 1) / d.axi.widthBytes, d.controllerFor(addr));
    ic.fillFree = d.axi.doneAt;
    ic.insert(l);
    ic.misses++;
    missed = true;
  }
  if (missed) {
    th.state = ST_CACHE_MISS;
    th.wakeAt = ic.fillFree;
    th.dropWindow();
    th.filledPc = pc;
    return 0;
  }
  let lo = <u64>first;
  let hi = <u64>last + 1;
  if (lo > 0 && ic.has(<u32>(lo - 1))) lo--;
  if ((hi << s) < 0x100000000 && ic.has(<u32>hi)) hi++;
  if (d.coherent) d.snoopAt(lo << s, <u32>((hi - lo) << s));
  const wp = d.ramAt(lo << s, (hi - lo) << s);
  if (wp != 0) {
    th.winLo = <u32>(lo << s);
    th.winHi = <u32>min<u64>(hi << s, 0xffffffff);
    th.winHost = wp;
  } else {
    th.winLo = pc;
    th.winHi = pc + len;
    th.winHost = d.ramAt(<u64>pc, len);
  }
  th.winGen = ic.gen;
  return th.winHost + <usize>(pc - th.winLo);
}

/** Executes the instruction at th.pc, issued at time t. The engine has set th.wakeAt to the
 *  next cycle; instructions that stall or wait move it. */
export function execute(d: Dmac, th: Thread, t: i64): void {
  const pc = th.pc;
  let p: usize = 0;
  if (pc - th.winLo < th.winHi - th.winLo && th.winGen == d.ic.gen) {
    p = th.winHost + <usize>(pc - th.winLo);
    if (<u64>pc + insnLength(load<u8>(p)) > <u64>th.winHi) p = 0;
  }
  if (p == 0) {
    p = fetch(d, th, t);
    if (p == 0) return;
  }
  const b0 = <u32>load<u8>(p);
  if (th.isManager) {
    executeManager(d, th, t, b0, p);
    return;
  }
  switch (insnKind(b0)) {
    case K_LD: {
      const bs = b0 & 3;
      if (bs == 0) {
        if (loadBurst(d, th, t, th.srcLen)) th.pc = pc + 1;
      } else if (bs == 2) faultAfter(d, th, F_OPERAND, t, 1);
      else if ((bs == 1) != (th.reqFlag == REQ_SINGLE)) th.pc = pc + 1; // condition not met: NOP
      else if (loadBurst(d, th, t, bs == 1 ? 1 : th.srcLen)) th.pc = pc + 1;
      return;
    }
    case K_ST: {
      const bs = b0 & 3;
      if (bs == 0) {
        if (storeBurst(d, th, t, th.dstLen)) th.pc = pc + 1;
      } else if (bs == 2) faultAfter(d, th, F_OPERAND, t, 1);
      else if ((bs == 1) != (th.reqFlag == REQ_SINGLE)) th.pc = pc + 1;
      else if (storeBurst(d, th, t, bs == 1 ? 1 : th.dstLen)) th.pc = pc + 1;
      return;
    }
    case K_LPEND:
      loopEnd(d, th, t, b0, <u32>load<u8>(p + 1));
      return;
    case K_LP:
      if (b0 & 2) th.lc1 = <u32>load<u8>(p + 1);
      else th.lc0 = <u32>load<u8>(p + 1);
      th.pc = pc + 2;
      return;
    case K_LDP:
    case K_STP: {
      const b1 = <u32>load<u8>(p + 1);
      if (!checkPeripheral(d, th, t, b1, 2)) return;
      const single = (b0 & 2) == 0;
      if (single != (th.reqFlag == REQ_SINGLE)) {
        th.pc = pc + 2;
        return;
      }
      const isLoad = insnKind(b0) == K_LDP;
      const ok = isLoad
        ? loadBurst(d, th, t, single ? 1 : th.srcLen, 2)
        : storeBurst(d, th, t, single ? 1 : th.dstLen, 2);
      if (ok) {
        acknowledgePeripheral(d, b1 >> 3, d.axi.doneAt, !single);
        th.pc = pc + 2;
      }
      return;
    }
    case K_STZ:
      if (storeZeros(d, th, t)) th.pc = pc + 1;
      return;
    case K_MOV: {
      const b1 = <u32>load<u8>(p + 1);
      if (b1 > 2) {
        faultAfter(d, th, F_OPERAND, t, 6);
        return;
      }
      const v = imm32(p + 2);
      if (b1 == 0) th.sar = v;
      else if (b1 == 2) th.dar = v;
      else {
        if (th.ns && d.cfg.checkChannelProt && ((v & (1 << 9)) == 0 || (v & (1 << 23)) == 0)) {
          faultAfter(d, th, F_RDWR_ERR, t, 6);
          return;
        }
        th.setCcr(v);
      }
      th.pc = pc + 6;
      th.wakeAt += d.cyclePs; // six bytes: a second i-cache access
      return;
    }
    case K_END:
      if (endThread(d, th, t)) th.pc = pc + 1;
      return;
    case K_KILL:
      th.pc = pc + 1;
      killThread(d, th, t);
      return;
    case K_NOP:
      th.pc = pc + 1;
      return;
    case K_RMB:
      if (th.lastRead > t) {
        th.state = ST_BARRIER;
        th.wakeAt = th.lastRead;
      } else th.pc = pc + 1;
      return;
    case K_WMB:
      if (th.lastWrite > t) {
        th.state = ST_BARRIER;
        th.wakeAt = th.lastWrite;
      } else th.pc = pc + 1;
      return;
    case K_SEV: {
      const b1 = <u32>load<u8>(p + 1);
      const e = b1 >> 3;
      if ((b1 & 7) != 0 || e >= d.cfg.numEvents) {
        faultAfter(d, th, F_OPERAND, t, 2);
        return;
      }
      if (th.ns && ((d.cfg.irqNs >> e) & 1) == 0) {
        faultAfter(d, th, F_EVNT_ERR, t, 2);
        return;
      }
      th.pc = pc + 2;
      T.instant(d.traceBase + <u32>th.id, N_SEV, t, <f64>e);
      signalEvent(d, e, t);
      return;
    }
    case K_WFE:
      waitForEvent(d, th, t, <u32>load<u8>(p + 1));
      return;
    case K_WFP:
      waitForPeripheral(d, th, t, b0, <u32>load<u8>(p + 1));
      return;
    case K_FLUSHP:
      flushPeripheral(d, th, t, <u32>load<u8>(p + 1));
      return;
    case K_ADDH: {
      let imm = <u32>load<u8>(p + 1) | (<u32>load<u8>(p + 2) << 8);
      if (b0 & 0x08) imm |= 0xffff0000; // DMAADNH: "add negative halfword"
      if (b0 & 0x02) th.dar += imm;
      else th.sar += imm;
      th.pc = pc + 3;
      return;
    }
    case K_GO:
      faultAfter(d, th, F_UNDEF, t, 6); // manager only
      return;
    default:
      fault(d, th, F_UNDEF, t);
  }
}

/** DMALPEND: nf=1 forms count LCx down; nf=0 (after DMALPFE) loop until the peripheral flagged
 *  its last request. A condition suffix that does not match request_flag makes it a no-op. */
@inline function loopEnd(d: Dmac, th: Thread, t: i64, b0: u32, back: u32): void {
  const pc = th.pc;
  const bs = b0 & 3;
  if (bs == 2) {
    faultAfter(d, th, F_OPERAND, t, 2);
    return;
  }
  if ((bs == 1 && th.reqFlag != REQ_SINGLE) || (bs == 3 && th.reqFlag != REQ_BURST)) {
    th.pc = pc + 2;
    return;
  }
  if ((b0 & 0x10) == 0) {
    if (th.reqLast) {
      th.reqLast = false;
      th.pc = pc + 2;
    } else th.pc = pc - back;
    return;
  }
  if (b0 & 0x04) {
    if (th.lc1 != 0) {
      th.lc1--;
      th.pc = pc - back;
    } else th.pc = pc + 2;
  } else {
    if (th.lc0 != 0) {
      th.lc0--;
      th.pc = pc - back;
    } else th.pc = pc + 2;
  }
}

