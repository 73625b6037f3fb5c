// Why a peripheral FIFO lost or invented bytes during a transfer: the note dmasim adds when a
// client's transfer (a UART send, an ADC capture period) completes with the FIFO's loss counter
// higher than at its start, and the channel's burst is larger than the FIFO's burst level. The
// opposite of the burst stall (burst-stall.ts): there the peripheral raises single requests only
// and a burst channel waits for ever; here it raises burst requests, but for fewer bytes than
// the channel's burst moves.
//
// A burst request carries no length: it tells the DMAC that the peripheral is ready for *its*
// burst (a TX FIFO: that many bytes are free; an RX FIFO: that many bytes are waiting). The
// PL330 answers a DMAWFPB with the burst its CCR programs, DMASTPB writes (DMALDPB reads) all of
// it (spec pl330 §2.2), and nothing on either side checks that the two agree; that is the
// driver's part, which is why dma_slave_config's maxburst is documented as a burst the device's
// FIFO can take. A TX FIFO that is written while full drops the byte and counts it (the model's
// OVERRUN register; Zynq's UART: TOVR); an RX FIFO read while empty returns zeros for the
// missing bytes and counts the short read (the model's UNDERRUN register; real FIFOs typically
// return zeros or the last word again). Once the FIFO is steady, every burst request goes up
// with exactly `level` bytes free (TX) or waiting (RX), so each burst of `burst` bytes loses (or
// reads from nothing) `burst − level` of them.
//
// Read as a debugger would (untimed, through the backdoor and the models' counters): a report,
// not kernel code, so a transfer's timing is the same with or without it.

import type { DmaChan } from "../dmaengine/types.js";
import type { PlatformDevice } from "../kernel/device.js";
import type { Pl330Chan } from "../drivers/pl330/channel.js";
import type { PeripheralInstance } from "../hw/board-peripherals.js";
import { RxStreamDevice, TxFifoDevice, type PeripheralStats } from "../hw/dma-peripherals.js";
import { ccrWithBurstLen } from "../drivers/pl330/program.js";
import { slaveBurstLen } from "../drivers/pl330/prep.js";
import { CC } from "../drivers/pl330/regs.js";
import { peripheralOnLine } from "./request-wiring.js";
import { ccrBurst, plural } from "./ccr-burst.js";

/** One direction of the note: which FIFO, what it counts, and the words that differ. */
export interface FifoSide {
  dmaName: "tx" | "rx";
  model: typeof TxFifoDevice | typeof RxStreamDevice;
  /** What the FIFO's counter holds for this note: TX bytes dropped, RX bytes read from empty. */
  count(s: PeripheralStats): number;
  /** The bytes at which the FIFO raises a burst request; null when it raises single requests
   *  (a burst channel stalls on those instead, burst-stall.ts). */
  burstLevel(d: TxFifoDevice | RxStreamDevice): number | null;
  fifoBytes(d: TxFifoDevice | RxStreamDevice): number;
  /** The note's words: its title, the count, the dma_slave_config fields' prefix, what the
   *  channel does, when the FIFO asks, what a request promises, the PL330 access, what each
   *  steady burst does with the `rest` beyond the level, and the level's name in the fix. */
  title: string;
  counted: (n: number) => string;
  slave: "dst" | "src";
  moves: string;
  levelIs: (level: number) => string;
  promise: string;
  op: string;
  steady: (level: number, rest: number) => string;
  levelName: string;
}

export const TX_FIFO_SIDE: FifoSide = {
  dmaName: "tx",
  model: TxFifoDevice,
  count: (s) => s.overruns,
  burstLevel: (d) => (d.config.burstBytes > 1 ? d.config.burstBytes : null),
  fifoBytes: (d) => d.config.depth,
  title: "TX FIFO overrun",
  counted: (n) => `${plural(n, "byte")} lost`,
  slave: "dst",
  moves: "writes bursts of",
  levelIs: (level) => `TX FIFO raises a burst request when ${level} bytes are free (its BURST register)`,
  promise: "room for the peripheral's burst only",
  op: "DMASTPB",
  steady: (level, rest) => `once the FIFO has filled, each burst meets ${level} free bytes and the FIFO drops the other ${rest} (its OVERRUN register counts them)`,
  levelName: "threshold",
};

export const RX_FIFO_SIDE: FifoSide = {
  dmaName: "rx",
  model: RxStreamDevice,
  count: (s) => s.underrunBytes,
  burstLevel: (d) => (d instanceof RxStreamDevice && d.config.burstBytes > d.config.sampleBytes ? d.config.burstBytes : null),
  fifoBytes: (d) => (d instanceof RxStreamDevice ? d.config.depth * d.config.sampleBytes : d.config.depth),
  title: "RX FIFO underrun",
  counted: (n) => `${plural(n, "byte")} read from an empty FIFO`,
  slave: "src",
  moves: "reads bursts of",
  levelIs: (level) => `RX FIFO raises a burst request when ${level} bytes are waiting`,
  promise: "the peripheral's burst only",
  op: "DMALDPB",
  steady: (level, rest) => `each burst meets ${level} bytes waiting (more only if the channel came late) and reads the other ${rest} ` +
    `from an empty FIFO, which returns zeros for them (its UNDERRUN register counts the short reads): the buffer gets ` +
    `${plural(rest, "byte")} of zeros after every ${level} bytes of data, and fills faster than the peripheral produces`,
  levelName: "burst level",
};

/** The FIFO model of client `pdev` on `side` (its "tx" or "rx" dma-names entry), if the board has one. */
function fifoOf(pdev: PlatformDevice, side: FifoSide): (PeripheralInstance & { device: TxFifoDevice | RxStreamDevice }) | undefined {
  const p = pdev.kernel.board.peripherals.find((q) => q.node === pdev.ofNode && q.dmaName === side.dmaName && q.device instanceof side.model);
  return p as (PeripheralInstance & { device: TxFifoDevice | RxStreamDevice }) | undefined;
}

/** The FIFO's count on `side` so far (TX bytes dropped, RX bytes read from an empty FIFO): the
 *  mark a transfer's bytes are counted from. */
export function fifoExcessMark(pdev: PlatformDevice, side: FifoSide): number {
  const p = fifoOf(pdev, side);
  return p ? side.count(p.device.stats()) : 0;
}

/** Why `n` bytes were lost (TX) or read from an empty FIFO (RX) by `chan` on the FIFO of `pdev`,
 *  when the channel's bursts are larger than the FIFO's burst level; null for any other cause (a
 *  channel on another peripheral's request line has its own note, request-wiring.ts). */
export function fifoExcessCause(chan: DmaChan, pdev: PlatformDevice, side: FifoSide, n: number): string | null {
  const k = pdev.kernel;
  const pch = chan.priv as Pl330Chan | undefined;
  const p = fifoOf(pdev, side);
  if (!p || !pch?.thread || !("peripheralLine" in pch)) return null;
  const inst = k.board.dmacs.find((d) => d.node === chan.device.dev.ofNode)?.index ?? 0;
  if (peripheralOnLine(k, inst, pch.peripheralLine) !== p) return null;
  const level = side.burstLevel(p.device);
  if (level === null) return null;
  const t = pch.thread.id;
  // CCRn holds what the program last moved in: the tail's shorter burst if the transfer had one
  // (_dregs); its whole bursts ran with the slave burst length.
  const ccr = ccrWithBurstLen(k.machine.backdoor.pl330Register(inst, CC(t)), slaveBurstLen(pch));
  const burst = ccrBurst(ccr, t, side.dmaName === "tx");
  if (burst.bytes <= level) return null;
  const { slave, levelName } = side;
  const fitting = Math.floor(level / burst.beatBytes);
  const fix = fitting >= 1
    ? `${slave}_maxburst ${fitting} in the client's dma_slave_config (${plural(fitting, "beat")} × ${plural(burst.beatBytes, "byte")} = ` +
      `${plural(fitting * burst.beatBytes, "byte")}: a burst no larger than the FIFO's ${levelName})`
    : `a ${slave}_addr_width and ${slave}_maxburst whose burst is at most ${plural(level, "byte")}, the FIFO's ${levelName}`;
  // On 4.9 the bursts are single beats whatever the maxburst: then the maxburst is not the cause.
  const from = burst.beats === pch.burst_len ? `, ${slave}_maxburst ${pch.burst_len} × ${slave}_addr_width ${burst.beatBytes},` : "";
  return `${side.counted(n)}: ${chan.name} (PL330 thread ${t}, request line ${pch.peripheralLine}) ${side.moves} ${burst.text}` +
    `${from} ${side.dmaName === "tx" ? "to" : "from"} ${p.node.path} ("${p.dmaName}"), whose ${side.fifoBytes(p.device)}-byte ${side.levelIs(level)}` +
    `; a burst request promises ${side.promise}, and the PL330 answers it with the whole` +
    ` burst its CCR programs (DMAWFPB, ${side.op}), so ${side.steady(level, burst.bytes - level)}; fix: ${fix}`;
}

/** The note after a transfer on `chan` by client `pdev` (`what`, e.g. "e0001000.serial: waitTx")
 *  that started at mark `mark` (fifoExcessMark), when its FIFO lost (TX) or read from empty (RX)
 *  bytes for a burst larger than its burst level. True when it printed the note. */
export function reportFifoExcess(chan: DmaChan, pdev: PlatformDevice, side: FifoSide, mark: number, what: string): boolean {
  const n = fifoExcessMark(pdev, side) - mark;
  if (n <= 0) return false;
  const text = fifoExcessCause(chan, pdev, side, n);
  if (text !== null) pdev.kernel.printk.warn(`WARNING: ${what}: ${side.title} (dmasim): ${text}`);
  return text !== null;
}
