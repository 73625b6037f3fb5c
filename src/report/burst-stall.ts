// The burst stall, for the DMA hang note (dma-hang.ts): a PL330 channel waits in DMAWFPB for a
// burst request while the peripheral on its line raises single requests only. Linux's pl330
// (4.18 on, _bursts) emits `DMAWFP Pn, burst` when a burst is longer than one beat (a client's
// maxburst > 1) or, under `arm,pl330-periph-burst`, always; Linux 4.9 does so only under
// `arm,pl330-broken-no-flushp` (program.ts). A DMAWFPB takes a burst request only: a single
// request at the head of the request FIFO is dropped and the thread goes on waiting (spec
// pl330 §2.2, DMAWFP), so a peripheral that asks singly — a TX FIFO with room, an RX FIFO with a
// sample — is asking all the time and the channel never moves. What the note says: the
// channel's burst from its CCR (beats × bytes), why Linux waits for a burst, what the peripheral
// raises, and the fix in a driver's terms.

import type { Kernel } from "../kernel/kernel.js";
import type { Pl330Chan } from "../drivers/pl330/channel.js";
import type { PeripheralInstance } from "../hw/board-peripherals.js";
import { RxStreamDevice, TxFifoDevice } from "../hw/dma-peripherals.js";
import { PL330_QUIRK_PERIPH_BURST } from "../drivers/pl330/program.js";
import { CC } from "../drivers/pl330/regs.js";
import { ccrBurst, plural } from "./ccr-burst.js";

/** What the peripheral model asks for, when it raises single requests only; null when it raises
 *  burst requests (then a DMAWFPB is not what stops it). The RX wording is the note's from
 *  before the TX case was named. */
function singleRequests(p: PeripheralInstance): string | null {
  const d = p.device;
  const s = d.stats();
  if (d instanceof TxFifoDevice && d.config.burstBytes <= 1) {
    const free = d.config.depth - s.level;
    return `a ${d.config.depth}-byte TX FIFO holding ${plural(s.level, "byte")}, ${free} free: it asks for data one byte at a time, ` +
      `${free > 0 ? "and is asking now" : "once a byte has left"}`;
  }
  if (d instanceof RxStreamDevice && d.config.burstBytes <= d.config.sampleBytes) {
    return `${s.level} bytes in its FIFO, burst level one sample of ${d.config.sampleBytes}`;
  }
  return null;
}

/** The cause when thread `t` of PL330 `inst` (its node `dmac`) waits in DMAWFPB and the
 *  peripheral `p` on its line raises single requests only; null when `p` raises bursts. */
export function burstStallCause(k: Kernel, pch: Pl330Chan, dmac: string, inst: number, t: number, p: PeripheralInstance): string | null {
  const asks = singleRequests(p);
  if (asks === null) return null;
  const toDevice = p.device instanceof TxFifoDevice;
  const ccr = k.machine.backdoor.pl330Register(inst, CC(t));
  const burst = ccrBurst(ccr, t, toDevice);
  const { beats, bytes } = burst;
  const maxburst = toDevice ? "dst_maxburst" : "src_maxburst";
  const threshold = `a FIFO threshold that makes the peripheral raise burst requests of ${plural(bytes, "byte")}`;
  let why: string;
  let fix: string;
  if (pch.kernel.version === "v4.9") {
    why = `${dmac} has arm,pl330-broken-no-flushp: Linux 4.9's pl330 then waits with the burst forms`;
    fix = `${threshold}, or no arm,pl330-broken-no-flushp if the peripherals take a flush (4.9 then waits for single requests; its slave bursts are 1 beat whatever the ${maxburst})`;
  } else if (pch.dmac.quirks & PL330_QUIRK_PERIPH_BURST) {
    why = `${dmac} has arm,pl330-periph-burst: Linux's pl330 then waits for a burst request on every peripheral transfer`;
    fix = `${threshold}, or no arm,pl330-periph-burst if this SoC's peripherals raise single requests (with it, ${maxburst} 1 still waits for bursts)`;
  } else {
    const tail = beats < pch.burst_len ? ` (this is the transfer's tail of ${plural(beats, "beat")}, which Linux moves as one shorter burst)` : "";
    why = `${maxburst} is ${pch.burst_len}: Linux's pl330 (4.18 on) waits for a burst request whenever a burst is longer than 1 beat${tail}`;
    fix = `${maxburst} 1 in the client's dma_slave_config, or ${threshold} (arm,pl330-periph-burst only if the peripherals on ${dmac} really raise burst requests)`;
  }
  const side = toDevice ? "TX" : "RX";
  return `${side} burst stall: the channel waits in DMAWFPB for a burst request, but its peripheral ${p.node.path} ("${p.dmaName}") ` +
    `raises single requests only (${asks}), and a DMAWFPB drops each single request it meets; the channel's burst is ` +
    `${burst.text}, a burst because ${why}; fix: ${fix}`;
}
