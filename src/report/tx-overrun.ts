// Why a TX FIFO dropped bytes during a send: the note dmasim adds when a UART client's send
// completes with the FIFO's OVERRUN count higher than at its start, and the channel's burst is
// larger than the FIFO's burst threshold. The opposite of the burst stall (burst-stall.ts):
// there the peripheral raises single requests only and a burst channel waits for ever; here it
// raises burst requests, but for fewer bytes than the channel's burst moves.
//
// A burst request carries no length: it tells the DMAC that the peripheral is ready for *its*
// burst (a TX FIFO: that many bytes are free). The PL330 answers a DMAWFPB with the burst its
// CCR programs, DMASTPB writes all of it (spec pl330 §2.2), and nothing on either side checks
// that the two agree; that is the driver's part, which is why dma_slave_config's maxburst is
// documented as a burst the device's FIFO can take without overflowing. A FIFO that is written
// while full drops the byte and counts it (the model's OVERRUN register; Zynq's UART: TOVR).
// Once the FIFO has filled, every burst request goes up with exactly `threshold` bytes free, so
// each burst of `burst` bytes loses `burst − threshold` of them.
//
// Read as a debugger would (untimed, through the backdoor and the models' counters): a report,
// not kernel code, so a send's timing is the same with or without it.

import type { DmaChan } from "../dmaengine/types.js";
import type { PlatformDevice } from "../kernel/device.js";
import type { Pl330Chan } from "../drivers/pl330/channel.js";
import type { PeripheralInstance } from "../hw/board-peripherals.js";
import { TxFifoDevice } from "../hw/dma-peripherals.js";
import { ccrWithBurstLen } from "../drivers/pl330/program.js";
import { slaveBurstLen } from "../drivers/pl330/prep.js";
import { CC } from "../drivers/pl330/regs.js";
import { peripheralOnLine } from "./request-wiring.js";
import { ccrBurst, plural } from "./ccr-burst.js";

/** The TX FIFO model of UART client `pdev` (its "tx" dma-names entry), if the board has one. */
function txFifoOf(pdev: PlatformDevice): (PeripheralInstance & { device: TxFifoDevice }) | undefined {
  const p = pdev.kernel.board.peripherals.find((q) => q.node === pdev.ofNode && q.dmaName === "tx" && q.device instanceof TxFifoDevice);
  return p as (PeripheralInstance & { device: TxFifoDevice }) | undefined;
}

/** Bytes the TX FIFO of `pdev` has dropped so far: the mark a send's losses are counted from. */
export function txOverrunMark(pdev: PlatformDevice): number {
  return txFifoOf(pdev)?.device.stats().overruns ?? 0;
}

/** Why `lost` bytes were dropped by the TX FIFO of `pdev` while `chan` wrote to it, when the
 *  channel's bursts are larger than the FIFO's burst threshold; null for any other cause (a
 *  channel on another peripheral's request line has its own note, request-wiring.ts). */
export function txOverrunCause(chan: DmaChan, pdev: PlatformDevice, lost: number): string | null {
  const k = pdev.kernel;
  const pch = chan.priv as Pl330Chan | undefined;
  const p = txFifoOf(pdev);
  if (!p || !pch?.thread || !("peripheralLine" in pch)) return null;
  const inst = k.board.dmacs.find((d) => d.node === chan.device.dev.ofNode)?.index ?? 0;
  if (peripheralOnLine(k, inst, pch.peripheralLine) !== p) return null;
  const { depth, burstBytes: threshold } = p.device.config;
  // A FIFO raising single requests (threshold 1) stalls a burst channel instead (burst-stall.ts).
  if (threshold <= 1) return null;
  const t = pch.thread.id;
  // CCRn holds what the program last moved in: the tail's shorter burst if the transfer had one
  // (_dregs); its whole bursts ran with the slave burst length.
  const ccr = ccrWithBurstLen(k.machine.backdoor.pl330Register(inst, CC(t)), slaveBurstLen(pch));
  const burst = ccrBurst(ccr, t, true);
  if (burst.bytes <= threshold) return null;
  const fitting = Math.floor(threshold / burst.beatBytes);
  const fix = fitting >= 1
    ? `dst_maxburst ${fitting} in the client's dma_slave_config (${plural(fitting, "beat")} × ${plural(burst.beatBytes, "byte")} = ` +
      `${plural(fitting * burst.beatBytes, "byte")}: a burst no larger than the FIFO's threshold)`
    : `a dst_addr_width and dst_maxburst whose burst is at most ${plural(threshold, "byte")}, the FIFO's threshold`;
  // On 4.9 the bursts are single beats whatever the maxburst: then the maxburst is not the cause.
  const from = burst.beats === pch.burst_len ? `, dst_maxburst ${pch.burst_len} × dst_addr_width ${burst.beatBytes},` : "";
  return `${plural(lost, "byte")} lost: ${chan.name} (PL330 thread ${t}, request line ${pch.peripheralLine}) writes bursts of ${burst.text}` +
    `${from} to ${p.node.path} ("${p.dmaName}"), whose ${depth}-byte TX FIFO raises a burst request when ${threshold} bytes are free` +
    ` (its BURST register); a burst request promises room for the peripheral's burst only, and the PL330 answers it with the whole` +
    ` burst its CCR programs (DMAWFPB, DMASTPB), so once the FIFO has filled, each burst meets ${threshold} free bytes and the FIFO` +
    ` drops the other ${burst.bytes - threshold} (its OVERRUN register counts them); fix: ${fix}`;
}

/** The note after a send on `chan` by UART client `pdev` (`what`, e.g. "e0001000.serial: waitTx")
 *  that started at overrun mark `mark` (txOverrunMark), when its FIFO dropped bytes for a burst
 *  larger than its threshold. */
export function reportTxOverrun(chan: DmaChan, pdev: PlatformDevice, mark: number, what: string): void {
  const lost = txOverrunMark(pdev) - mark;
  if (lost <= 0) return;
  const text = txOverrunCause(chan, pdev, lost);
  if (text !== null) pdev.kernel.printk.warn(`WARNING: ${what}: TX FIFO overrun (dmasim): ${text}`);
}
