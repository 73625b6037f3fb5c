// The DMAC side of the peripheral request interfaces (spec pl330 §1, §2.2): DMAWFP, DMAFLUSHP
// and the acknowledge a DMALDP/DMASTP sends when its transfer completes. A line with no
// peripheral wired to it is tied off as a requester that always has a burst request pending:
// DMAWFP never waits on it, and the request flag becomes Single for DMAWFPS and Burst for
// DMAWFPB/DMAWFPP (what the reference model does with its undriven request inputs). A board
// that describes its SoC's wiring ties them low instead (config.ts unwiredRequestsIdle): no
// request ever comes, and DMAWFP waits for ever, as on silicon.
//
// Request-FIFO rules (spec §2.2): DMAWFPS continues on any request, taking a Single and
// leaving a Burst for a later DMAWFPB or DMAFLUSHP; DMAWFPB takes a Burst, and a Single at the
// head is dropped (the peripheral is asked to request again, as after a flush) while the thread
// keeps waiting; DMAWFPP takes whatever came and sets the flag from its type.

import { NEVER } from "../time";
import { REQ_SINGLE, REQ_BURST } from "./isa";
import { Thread, ST_WFP, F_OPERAND, F_PERIPH_ERR } from "./thread";
import { Dmac } from "./dmac";
import { faultAfter } from "./thread-stop";

/** Operand and security checks shared by the peripheral instructions; false if it faulted. */
export function checkPeripheral(d: Dmac, th: Thread, t: i64, b1: u32, len: u32): bool {
  const p = b1 >> 3;
  if ((b1 & 7) != 0 || p >= d.cfg.numPeriph) {
    faultAfter(d, th, F_OPERAND, t, len);
    return false;
  }
  if (th.ns && ((d.cfg.periphNs >> p) & 1) == 0) {
    faultAfter(d, th, F_PERIPH_ERR, t, len);
    return false;
  }
  return true;
}

/** DMAWFP<S|B|P> p (b0 bits [1:0]: 0 S, 1 P, 2 B). */
export function waitForPeripheral(d: Dmac, th: Thread, t: i64, b0: u32, b1: u32): void {
  if (!checkPeripheral(d, th, t, b1, 2)) return;
  const bs = b0 & 3;
  if (bs == 3) {
    faultAfter(d, th, F_OPERAND, t, 2);
    return;
  }
  const p = <i32>(b1 >> 3);
  th.wfpB = bs == 2;
  th.wfpP = bs == 1;
  const port = unchecked(d.ports[p]);
  if (port === null) {
    if (d.cfg.unwiredRequestsIdle) {
      th.state = ST_WFP;
      th.wakeup = <u32>p;
      th.wakeAt = NEVER;
      return;
    }
    th.reqFlag = bs == 0 ? REQ_SINGLE : REQ_BURST;
    th.reqLast = false;
    th.pc += 2;
    return;
  }
  const at = port.requestAt(t);
  if (at > t) {
    th.state = ST_WFP;
    th.wakeup = <u32>p;
    th.wakeAt = at;
    return;
  }
  const burst = port.burst;
  if (bs == 0) {
    th.reqFlag = REQ_SINGLE;
    if (!burst) port.accept(t);
    th.reqLast = !burst && port.last;
  } else if (bs == 2) {
    if (!burst) {
      port.flush(t);
      th.state = ST_WFP;
      th.wakeup = <u32>p;
      // Wait for the next request only if it will be a burst: a peripheral that goes on raising
      // singles leaves the thread waiting (as on silicon) without a retry every cycle; a CPU
      // access that changes the peripheral wakes it to look again (requestChanged).
      const next = port.requestAt(t + d.cyclePs);
      th.wakeAt = next != NEVER && port.burst ? next : NEVER;
      return;
    }
    th.reqFlag = REQ_BURST;
    port.accept(t);
    th.reqLast = port.last;
  } else {
    th.reqFlag = burst ? REQ_BURST : REQ_SINGLE;
    port.accept(t);
    th.reqLast = port.last;
  }
  th.pc += 2;
}

/** DMAFLUSHP p: clears the request state held for p and asks the peripheral to resend it. */
export function flushPeripheral(d: Dmac, th: Thread, t: i64, b1: u32): void {
  if (!checkPeripheral(d, th, t, b1, 2)) return;
  const port = unchecked(d.ports[<i32>(b1 >> 3)]);
  if (port !== null) port.flush(t);
  th.pc += 2;
}

/** The acknowledge of a DMALDP/DMASTP whose transfer completes at `done`. */
export function acknowledgePeripheral(d: Dmac, p: u32, done: i64, burst: bool): void {
  const port = unchecked(d.ports[<i32>p]);
  if (port !== null) port.acknowledge(done, burst);
}
