// The bug kind burst-on-single-requests: a UART driver sets dst_maxburst 4 (a value copied from
// another SoC's driver) while its TX FIFO raises single requests only (one per free byte, its
// BURST register 1). Linux's pl330 (4.18 on, _bursts) then waits for each 4-byte burst with
// `DMAWFP Pn, burst`, which a single request never satisfies (spec pl330 §2.2): the send times
// out with nothing on the wire, and dmasim's hang note names the burst stall with the numbers.
// The fix is maxburst 1 (what the FIFO's BURST register says); the same UART then sends every
// byte. Linux 4.9 moves slave transfers in 1-beat bursts whatever the maxburst, so there the
// bug cannot show and the symptom says so; on a FIFO that raises burst requests, or a PL330 with
// `arm,pl330-periph-burst` (where maxburst 1 waits for bursts too), likewise.
//
// The board is the default Zynq-7000's: serial@e0001000's TX FIFO on request line 0, 64 bytes,
// single requests.

import type { System } from "../../system.js";
import type { TxFifoDevice } from "../../hw/dma-peripherals.js";
import type { Defer } from "../teardown.js";
import type { BugResult } from "./bug-kinds.js";
import { sentText, uartSendBugAndFix, uartTxPeripheral, type UartSend } from "./uart-send.js";
import { leaveTreeText } from "../../tree-choice.js";

/** Bytes sent: 256 characters, 22 ms of line time at 115200 baud. */
const LEN = 256;
/** The driver's dst_maxburst: 4 one-byte beats per burst. */
const MAXBURST = 4;

export function burstOnSingleRequests(s: System, defer: Defer): BugResult {
  const p = uartTxPeripheral(s);
  const model = p.device as TxFifoDevice;
  const { bug, fix } = uartSendBugAndFix(s, p, LEN, 45, MAXBURST, defer);

  const who = `${p.node.path} ("tx")`;
  const asks = model.config.burstBytes === 1 ? "single requests only (one per free byte)" : `burst requests of ${model.config.burstBytes} bytes`;
  const hung = bug.sent < LEN;
  const symptom = hung
    ? `${who}'s driver sets dst_maxburst ${MAXBURST} while its TX FIFO raises ${asks}: the channel waits in DMAWFP P${bug.line}, burst for a burst ` +
      `request that never comes; the send timed out (${bug.status}) with ${bug.sent} of ${LEN} bytes on the wire, and dmasim said: ${bug.note}`
    : `${who}'s driver sets dst_maxburst ${MAXBURST} and its TX FIFO raises ${asks}: ${bug.sender} sent ${bug.sent} of ${LEN} bytes (${bug.status}); ` +
      (s.kernel.version === "v4.9"
        ? `Linux 4.9's pl330 moves slave transfers in 1-beat bursts whatever the maxburst, so the bug needs a 4.18 or later kernel (--kernel modern)`
        : `this board's FIFO asks for bursts, so the bug cannot show here; ${leaveTreeText(s)}`);
  return {
    kind: "burst-on-single-requests",
    symptom,
    fixed: fixedText(fix),
    reproduced: hung && fix.sent === LEN && fix.wrong === 0,
    details: {
      peripheral: p.node.path, bytes: LEN, requestBytes: model.config.burstBytes, maxburst: bug.maxburst, channelLine: bug.line,
      status: bug.status, sentBytes: bug.sent, hangNote: bug.note,
      maxburstFixed: fix.maxburst, statusFixed: fix.status, sentBytesFixed: fix.sent, wrongBytesFixed: fix.wrong,
    },
  };
}

/** The fixed send, as the result says it, with dmasim's note if it hung as well. */
function fixedText(fix: UartSend): string {
  const what = fix.sent === LEN ? "" : `; dmasim said: ${fix.note}`;
  return `with dst_maxburst ${fix.maxburst} (the FIFO's BURST register) ${sentText(fix, LEN)}${what}`;
}
