// The bug kind burst-larger-than-fifo-threshold: a UART driver sets dst_maxburst 16 (a value
// copied from another SoC's driver, or "the FIFO is 64 bytes, 16 will do") while its TX FIFO
// raises a burst request when 8 bytes are free (its BURST register 8). Nothing hangs: each burst
// request is answered, but with the 16 bytes the channel's CCR programs, not the 8 the FIFO made
// room for (spec pl330 §2.2: a burst request carries no length), and once the FIFO has filled,
// every burst meets exactly 8 free bytes and the FIFO drops the other 8. The send completes
// (DMA_COMPLETE) with bytes missing on the wire; dmasim's note after the wait names the
// threshold, the burst and the fix: dst_maxburst 8 (what the BURST register says), with which
// the same UART sends every byte. The opposite case (a FIFO raising single requests only, where
// a burst channel waits for ever) is burst-on-single-requests.
//
// The board is the default Zynq-7000's, with serial@e0001000's TX FIFO (request line 0,
// 64 bytes) raising burst requests of 8 bytes (uart-tx's burst=8).

import type { System } from "../../system.js";
import type { TxFifoDevice } from "../../hw/dma-peripherals.js";
import type { Defer } from "../teardown.js";
import type { BugResult } from "./bug-kinds.js";
import { sentText, uartSendBugAndFix, uartTxPeripheral, type UartSend } from "./uart-send.js";
import { leaveTreeText } from "../../tree-choice.js";

/** Bytes sent: 256 characters, 16 bursts of 16. */
const LEN = 256;
/** The driver's dst_maxburst: 16 one-byte beats per burst, the PL330's longest. */
const MAXBURST = 16;
/** The FIFO's burst threshold the bug runs with when the user names no board. */
export const BURST_THRESHOLD_BYTES = 8;

export function burstLargerThanFifoThreshold(s: System, defer: Defer): BugResult {
  const p = uartTxPeripheral(s);
  const { depth, burstBytes: threshold } = (p.device as TxFifoDevice).config;
  const { bug, fix } = uartSendBugAndFix(s, p, LEN, 46, MAXBURST, defer);

  const who = `${p.node.path} ("tx")`;
  const fifo = `its ${depth}-byte TX FIFO raises ${threshold > 1 ? `burst requests when ${threshold} bytes are free` : "single requests only (one per free byte)"}`;
  return {
    kind: "burst-larger-than-fifo-threshold",
    symptom: `${who}'s driver sets dst_maxburst ${MAXBURST} while ${fifo}: ` + outcome(s, bug, threshold),
    fixed: `with dst_maxburst ${fix.maxburst} (the FIFO's BURST register) ${sentText(fix, LEN)}, ${fix.overruns} lost to TX FIFO overruns` +
      (fix.sent === LEN ? "" : `; dmasim said: ${fix.note || fix.overrunNote}`),
    reproduced: bug.overruns > 0 && fix.overruns === 0 && fix.sent === LEN && fix.wrong === 0,
    details: {
      peripheral: p.node.path, bytes: LEN, fifoDepth: depth, requestBytes: threshold, maxburst: bug.maxburst, channelLine: bug.line,
      status: bug.status, sentBytes: bug.sent, lostBytes: bug.overruns, overrunNote: bug.overrunNote, hangNote: bug.note,
      maxburstFixed: fix.maxburst, statusFixed: fix.status, sentBytesFixed: fix.sent, lostBytesFixed: fix.overruns, wrongBytesFixed: fix.wrong,
    },
  };
}

/** What the buggy send did: bytes lost to overruns with dmasim's note, or why the bug cannot
 *  show on this System. */
function outcome(s: System, bug: UartSend, threshold: number): string {
  if (bug.overruns > 0) {
    return `the send completed (${bug.status}), yet ${bug.overruns} of ${LEN} bytes never reached the wire, lost to TX FIFO overruns ` +
      `(${bug.sent} sent, ${bug.wrongPrefix} of them out of place), and dmasim said: ${bug.overrunNote}`;
  }
  if (bug.sent < LEN) {
    return `the send timed out (${bug.status}) with ${bug.sent} of ${LEN} bytes on the wire: a FIFO raising single requests stalls a burst ` +
      `channel instead (bug kind burst-on-single-requests), and dmasim said: ${bug.note}; ${leaveTreeText(s)} for the overrun`;
  }
  const why = s.kernel.version === "v4.9"
    ? `Linux 4.9's pl330 moves slave transfers in 1-beat bursts whatever the maxburst, so the bug needs a 4.18 or later kernel (--kernel modern)`
    : `this board's FIFO takes a burst of ${MAXBURST} bytes at every burst request, so the bug cannot show here; ${leaveTreeText(s)}`;
  return `${sentText(bug, LEN)}, none lost; ${why}`;
}
