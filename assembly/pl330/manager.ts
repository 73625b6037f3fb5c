// The manager thread (spec pl330 §1, §2): its instruction subset (DMAEND, DMAGO, DMAKILL,
// DMANOP, DMASEV, DMAWFE) when it runs a program from DPC (boot_from_pc), and the instructions
// software injects through the debug interface (§7): DMAGO on the manager, DMASEV and DMAKILL
// on the manager or a channel. Anything else injected faults the addressed thread with
// undef_instr; a fault caused by a debug instruction also carries dbg_instr.

import { Thread, NO_PC, ST_STOPPED, F_UNDEF, F_OPERAND, F_DMAGO_ERR, F_EVNT_ERR, F_DBG_INSTR, ST_EXECUTING,
  ST_KILLING, STALL_NONE } from "./thread";
import { NEVER } from "../time";
import { Dmac, MANAGER } from "./dmac";
import { fault, faultAfter, killThread } from "./thread-stop";
import { imm32 } from "./exec";
import { signalEvent, waitForEvent } from "./events";
import * as T from "../trace";
import { N_GO, N_KILL, N_SEV } from "../trace-names";

/** DMAGO from the manager: start channel (b1 & 7) at `addr`. b0 bit 1 is the ns bit. */
function go(d: Dmac, mgr: Thread, t: i64, b0: u32, b1: u32, addr: u32): void {
  const cn = b1 & 7;
  if ((b1 >> 3) != 0 || <i32>cn >= d.numChannels) {
    fault(d, mgr, F_OPERAND, t);
    return;
  }
  const ch = d.channel(<i32>cn);
  if (ch.state != ST_STOPPED) {
    fault(d, mgr, F_OPERAND, t);
    return;
  }
  const ns = (b0 & 2) != 0;
  if (mgr.ns && !ns) {
    fault(d, mgr, F_DMAGO_ERR, t);
    return;
  }
  T.slice(d.traceBase + <u32>MANAGER, N_GO, t, t + d.cyclePs, <f64>cn);
  ch.runStart = t;
  ch.runBytes = 0;
  ch.pc = addr;
  ch.ns = ns;
  ch.ftr = 0;
  ch.state = ST_EXECUTING;
  ch.stall = STALL_NONE;
  ch.wakeAt = t + d.cyclePs;
  ch.dropWindow();
  ch.filledPc = NO_PC;
  d.rescan = true;
}

/** DMASEV e from thread th (b1 = the event byte). */
function sev(d: Dmac, th: Thread, t: i64, b1: u32, len: u32): void {
  const e = b1 >> 3;
  if ((b1 & 7) != 0 || e >= d.cfg.numEvents) {
    faultAfter(d, th, F_OPERAND, t, len);
    return;
  }
  if (th.ns && ((d.cfg.irqNs >> e) & 1) == 0) {
    faultAfter(d, th, F_EVNT_ERR, t, len);
    return;
  }
  th.pc += len;
  T.instant(d.traceBase + (th.isManager ? <u32>MANAGER : <u32>th.id), N_SEV, t, <f64>e);
  signalEvent(d, e, t);
}

/** One instruction of a manager program at DPC. */
export function executeManager(d: Dmac, th: Thread, t: i64, b0: u32, p: usize): void {
  switch (b0) {
    case 0x00: // DMAEND
      th.pc += 1;
      th.state = ST_STOPPED;
      th.wakeAt = NEVER;
      return;
    case 0xa0:
    case 0xa2: // DMAGO
      th.pc += 6;
      th.wakeAt += d.cyclePs;
      go(d, th, t, b0, <u32>load<u8>(p + 1), imm32(p + 2));
      return;
    case 0x01: // DMAKILL
      th.pc += 1;
      T.slice(d.traceBase + <u32>MANAGER, N_KILL, t, t + d.cyclePs, <f64>MANAGER);
      killThread(d, th, t);
      return;
    case 0x18: // DMANOP
      th.pc += 1;
      return;
    case 0x34: // DMASEV
      sev(d, th, t, <u32>load<u8>(p + 1), 2);
      return;
    case 0x36: // DMAWFE
      waitForEvent(d, th, t, <u32>load<u8>(p + 1));
      return;
    default:
      fault(d, th, F_UNDEF, t);
  }
}

/** Executes the instruction held in DBGINST0/1 at time t. */
export function executeDebug(d: Dmac, t: i64): void {
  const inst0 = d.dbgInst0;
  const chan = <i32>((inst0 >> 8) & 7);
  if ((inst0 & 1) != 0 && chan >= d.numChannels) return;
  const th = (inst0 & 1) != 0 ? d.channel(chan) : unchecked(d.threads[MANAGER]);
  const b0 = (inst0 >> 16) & 0xff;
  const b1 = inst0 >>> 24;
  const ftrBefore = th.ftr;
  if ((b0 & 0xfd) == 0xa0) {
    if (th.isManager) go(d, th, t, b0, b1, d.dbgInst1);
    else fault(d, th, F_UNDEF, t);
  } else if (b0 == 0x01) {
    T.slice(d.traceBase + <u32>MANAGER, N_KILL, t, t + d.cyclePs, <f64>th.id);
    killThread(d, th, t);
    if (th.state == ST_KILLING) d.dbgKilling = th.id;
  } else if (b0 == 0x34) {
    sev(d, th, t, b1, 0); // a debug DMASEV does not move the thread's PC
  } else {
    fault(d, th, F_UNDEF, t);
  }
  // dbg_instr marks a fault this debug instruction raised (spec §6), not one the thread's own
  // program raised before it was sent a DMASEV.
  if (th.ftr != ftrBefore && th.ftr != 0) th.ftr |= F_DBG_INSTR;
}
