// Instruction semantics for channel and manager threads (spec pl330 §2.2), including the
// operand checks of §2.1 and the security rules. A precise fault leaves CPC at the culprit.

import { ramPtr } from "../dram";
import { NEVER } from "../time";
import { insnLength, REQ_SINGLE, REQ_BURST } from "./isa";
import { Thread, ST_STOPPED, ST_EXECUTING, ST_CACHE_MISS, ST_WFE, ST_BARRIER, ST_COMPLETING,
  F_UNDEF, F_OPERAND, F_DMAGO_ERR, F_EVNT_ERR, F_RDWR_ERR, F_INSTR_FETCH_ERR, F_DBG_INSTR } from "./thread";
import { Dmac } from "./dmac";
import { loadBurst, storeBurst, storeZeros } from "./datapath";

@inline function imm32(p: usize): u32 {
  return load<u8>(p) | (<u32>load<u8>(p + 1) << 8) | (<u32>load<u8>(p + 2) << 16) | (<u32>load<u8>(p + 3) << 24);
}

/** Instruction fetch timing: returns false (thread stalled in Cache miss) if a line of the
 *  instruction had to be filled. */
function fetch(d: Dmac, th: Thread, t: i64, pc: u32, len: u32): bool {
  const ic = d.ic;
  const first = pc >> ic.lineShift;
  const last = (pc + len - 1) >> ic.lineShift;
  if (first == last && first == th.icLine && th.icGen == ic.gen) {
    ic.hits++;
    return true;
  }
  let ready = t;
  let missed = false;
  for (let l = first; l <= last; l++) {
    if (ic.has(l)) continue;
    const addr = <u64>(l << ic.lineShift);
    const bytes: u32 = 1 << ic.lineShift;
    const beats = (bytes + d.axi.widthBytes - 1) / d.axi.widthBytes;
    d.axi.read(ready, addr, bytes, beats, d.controllerFor(addr));
    ready = d.axi.doneAt;
    ic.insert(l);
    ic.misses++;
    missed = true;
  }
  if (!missed) ic.hits++;
  th.icLine = last;
  th.icGen = ic.gen;
  if (missed) {
    th.state = ST_CACHE_MISS;
    th.wakeAt = ready;
    return false;
  }
  return true;
}

/** Executes the instruction at th.pc, issued at time t. */
export function execute(d: Dmac, th: Thread, t: i64): void {
  const pc = th.pc;
  let p = ramPtr(<u64>pc, 1);
  if (p == 0) {
    d.fault(th, F_INSTR_FETCH_ERR, t);
    return;
  }
  const b0 = <u32>load<u8>(p);
  const len = insnLength(b0);
  if (len > 1) {
    p = ramPtr(<u64>pc, len);
    if (p == 0) {
      d.fault(th, F_INSTR_FETCH_ERR, t);
      return;
    }
  }
  if (!fetch(d, th, t, pc, len)) return;
  th.instructions++;
  if (th.isManager) {
    executeManager(d, th, t, b0, p, len);
    return;
  }
  switch (b0) {
    case 0x04: // DMALD
      if (loadBurst(d, th, t, th.srcLen)) th.pc = pc + 1;
      return;
    case 0x08: // DMAST
      if (storeBurst(d, th, t, th.dstLen)) th.pc = pc + 1;
      return;
    case 0x38: // DMALPEND LC0
    case 0x3c: // DMALPEND LC1
    case 0x28: // DMALPEND (forever) LC0
    case 0x2c: // DMALPEND (forever) LC1
    case 0x2d: // DMALPENDS (forever) LC1
    case 0x2f: // DMALPENDB (forever) LC1
    case 0x39: // DMALPENDS LC0
    case 0x3b: // DMALPENDB LC0
    case 0x3d: // DMALPENDS LC1
    case 0x3f: // DMALPENDB LC1
      loopEnd(th, b0, <u32>load<u8>(p + 1));
      return;
    case 0x05: // DMALDS
      if (th.reqFlag == REQ_SINGLE) {
        if (loadBurst(d, th, t, 1)) th.pc = pc + 1;
      } else th.pc = pc + 1;
      return;
    case 0x07: // DMALDB
      if (th.reqFlag == REQ_BURST) {
        if (loadBurst(d, th, t, th.srcLen)) th.pc = pc + 1;
      } else th.pc = pc + 1;
      return;
    case 0x09: // DMASTS: a single transfer when the request was Single
      if (th.reqFlag == REQ_SINGLE) {
        if (storeBurst(d, th, t, 1)) th.pc = pc + 1;
      } else th.pc = pc + 1;
      return;
    case 0x0b: // DMASTB
      if (th.reqFlag == REQ_BURST) {
        if (storeBurst(d, th, t, th.dstLen)) th.pc = pc + 1;
      } else th.pc = pc + 1;
      return;
    case 0x0c: // DMASTZ
      if (storeZeros(d, th, t)) th.pc = pc + 1;
      return;
    case 0x20: // DMALP LC0
      th.lc0 = <u32>load<u8>(p + 1);
      th.pc = pc + 2;
      return;
    case 0x22: // DMALP LC1
      th.lc1 = <u32>load<u8>(p + 1);
      th.pc = pc + 2;
      return;
    case 0xbc: { // DMAMOV
      const rd = <u32>load<u8>(p + 1);
      if (rd > 2) {
        d.fault(th, F_OPERAND, t);
        return;
      }
      const v = imm32(p + 2);
      if (rd == 0) th.sar = v;
      else if (rd == 2) th.dar = v;
      else {
        // A non-secure channel may not ask for secure (prot[1] = 0) reads or writes.
        if (th.ns && ((v & (1 << 9)) == 0 || (v & (1 << 23)) == 0)) {
          d.fault(th, F_RDWR_ERR, t);
          return;
        }
        th.setCcr(v);
      }
      th.pc = pc + 6;
      return;
    }
    case 0x00: // DMAEND
      end(d, th, t);
      th.pc = pc + 1;
      return;
    case 0x01: // DMAKILL
      d.kill(th, t);
      return;
    case 0x18: // DMANOP
      th.pc = pc + 1;
      return;
    case 0x12: // DMARMB
      th.pc = pc + 1;
      if (th.lastRead > t) {
        th.state = ST_BARRIER;
        th.wakeAt = th.lastRead;
      }
      return;
    case 0x13: // DMAWMB
      th.pc = pc + 1;
      if (th.lastWrite > t) {
        th.state = ST_BARRIER;
        th.wakeAt = th.lastWrite;
      }
      return;
    case 0x34: { // DMASEV
      const b1 = <u32>load<u8>(p + 1);
      const e = b1 >> 3;
      if ((b1 & 7) != 0 || e >= d.cfg.numEvents) {
        d.fault(th, F_OPERAND, t);
        return;
      }
      if (th.ns && ((d.cfg.irqNs >> e) & 1) == 0) {
        d.fault(th, F_EVNT_ERR, t);
        return;
      }
      th.pc = pc + 2;
      d.signal(e, t);
      return;
    }
    case 0x36: // DMAWFE
      waitForEvent(d, th, t, <u32>load<u8>(p + 1), pc);
      return;
    case 0x54: // DMAADDH SAR
    case 0x56: // DMAADDH DAR
    case 0x5c: // DMAADNH SAR
    case 0x5e: { // DMAADNH DAR
      let imm = <u32>load<u8>(p + 1) | (<u32>load<u8>(p + 2) << 8);
      if (b0 & 0x08) imm |= 0xffff0000; // "add negative halfword"
      if (b0 & 0x02) th.dar += imm;
      else th.sar += imm;
      th.pc = pc + 3;
      return;
    }
    case 0x06: // DMALD with bs x = 10
    case 0x0a: // DMAST with bs x = 10
    case 0x2a:
    case 0x2e:
    case 0x3a:
    case 0x3e:
      d.fault(th, F_OPERAND, t);
      return;
    default:
      // DMAGO in a channel, manager-only and undefined opcodes.
      d.fault(th, F_UNDEF, t);
      return;
  }
}

/** DMALPEND: nf=1 forms count LCx down; nf=0 (after DMALPFE) loop without a counter. A
 *  condition suffix that does not match request_flag makes it a no-op. */
@inline function loopEnd(th: Thread, b0: u32, back: u32): void {
  const pc = th.pc;
  const bs = b0 & 3;
  if ((bs == 1 && th.reqFlag != REQ_SINGLE) || (bs == 3 && th.reqFlag != REQ_BURST)) {
    th.pc = pc + 2;
    return;
  }
  const lc1 = (b0 & 0x04) != 0;
  if ((b0 & 0x10) == 0) {
    th.pc = pc - back;
    return;
  }
  if (lc1) {
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

/** DMAEND: leftover MFIFO data is discarded; the channel stops once its traffic is done. */
function end(d: Dmac, th: Thread, t: i64): void {
  if (th.fifo.count > 0) {
    d.mfifo.releaseNow(th.fifo.count);
    th.clearData();
  }
  const busy = th.outstandingUntil();
  if (busy > t) {
    th.state = ST_COMPLETING;
    th.wakeAt = busy;
  } else {
    th.state = ST_STOPPED;
    th.wakeAt = NEVER;
  }
}

function waitForEvent(d: Dmac, th: Thread, t: i64, b1: u32, pc: u32): void {
  const e = b1 >> 3;
  if ((b1 & 5) != 0 || e >= d.cfg.numEvents) {
    d.fault(th, F_OPERAND, t);
    return;
  }
  if (th.ns && ((d.cfg.irqNs >> e) & 1) == 0) {
    d.fault(th, F_EVNT_ERR, t);
    return;
  }
  th.pc = pc + 2;
  th.wakeup = e;
  const bit: u32 = 1 << e;
  if ((d.ris & bit) != 0 && (d.inten & bit) == 0) {
    d.ris &= ~bit; // a pending event is consumed
    return;
  }
  if (b1 & 2) d.ic.invalidate();
  th.state = ST_WFE;
  th.wakeAt = NEVER;
}

/** DMAGO from the manager: start channel cn at `addr`. */
function go(d: Dmac, mgr: Thread, t: i64, b0: u32, b1: u32, addr: u32, viaDebug: bool): void {
  const dbg: u32 = viaDebug ? F_DBG_INSTR : 0;
  const cn = b1 & 7;
  if ((b1 & 0xf8) != 0 || <i32>cn >= d.numChannels) {
    d.fault(mgr, F_OPERAND | dbg, t);
    return;
  }
  const ns = (b0 & 2) != 0;
  if (mgr.ns && !ns) {
    d.fault(mgr, F_DMAGO_ERR | dbg, t);
    return;
  }
  const ch = d.channel(<i32>cn);
  if (ch.state != ST_STOPPED) {
    d.fault(mgr, F_OPERAND | dbg, t);
    return;
  }
  ch.pc = addr;
  ch.ns = ns;
  ch.ftr = 0;
  ch.state = ST_EXECUTING;
  ch.wakeAt = t + d.cyclePs;
}

/** Manager programs: DMAEND, DMAGO, DMAKILL, DMANOP, DMASEV, DMAWFE only. */
function executeManager(d: Dmac, th: Thread, t: i64, b0: u32, p: usize, len: u32): void {
  const pc = th.pc;
  switch (b0) {
    case 0x00:
      th.state = ST_STOPPED;
      th.wakeAt = NEVER;
      th.pc = pc + 1;
      return;
    case 0xa0:
    case 0xa2:
      th.pc = pc + 6;
      go(d, th, t, b0, <u32>load<u8>(p + 1), imm32(p + 2), false);
      return;
    case 0x01:
      d.kill(th, t);
      return;
    case 0x18:
      th.pc = pc + 1;
      return;
    case 0x34: {
      const b1 = <u32>load<u8>(p + 1);
      const e = b1 >> 3;
      if ((b1 & 7) != 0 || e >= d.cfg.numEvents) {
        d.fault(th, F_OPERAND, t);
        return;
      }
      if (th.ns && ((d.cfg.irqNs >> e) & 1) == 0) {
        d.fault(th, F_EVNT_ERR, t);
        return;
      }
      th.pc = pc + 2;
      d.signal(e, t);
      return;
    }
    case 0x36:
      waitForEvent(d, th, t, <u32>load<u8>(p + 1), pc);
      return;
    default:
      d.fault(th, F_UNDEF, t);
  }
}

/** An instruction injected through DBGINST0/1 (only DMAGO, DMASEV, DMAKILL get here). */
export function executeDebug(d: Dmac, th: Thread, t: i64, b0: u32, b1: u32, inst1: u32): void {
  if (b0 == 0x01) {
    d.kill(th, t);
    return;
  }
  if (b0 == 0x34) {
    const e = b1 >> 3;
    if ((b1 & 7) != 0 || e >= d.cfg.numEvents) {
      d.fault(th, F_OPERAND | F_DBG_INSTR, t);
      return;
    }
    if (th.ns && ((d.cfg.irqNs >> e) & 1) == 0) {
      d.fault(th, F_EVNT_ERR | F_DBG_INSTR, t);
      return;
    }
    d.signal(e, t);
    return;
  }
  // DMAGO: manager only.
  if (!th.isManager) {
    d.fault(th, F_UNDEF | F_DBG_INSTR, t);
    return;
  }
  go(d, th, t, b0, b1, inst1, true);
}
