// Why a DMA transfer never completed: the note dmasim adds when a wait for one times out
// (dma_sync_wait, a client's completion wait). Linux leaves the engineer with "timeout!" and
// the registers; dmasim reads the PL330's channel registers (untimed, through the backdoor:
// this is a report, not kernel code), decodes the instruction at the channel's PC and, where it
// can, names the cause: work submitted but never issued, a DMAWFPB waiting on a peripheral
// that raises single requests only (burst-stall.ts), a peripheral that has stopped requesting, a DMAWFP on a
// line the SoC wires no peripheral, or another peripheral, to while the client's own peripheral
// drives another (a wrong `dmas` cell: request-wiring.ts), a channel stopped or faulting whose
// interrupt no handler takes, or that pl330_probe never requested (an interrupts entry the AMBA
// bus could not resolve: unrequested-irq.ts), or that can never fire (an ID past the GIC's:
// irq-past-gic.ts), a program the DMAC fetched from DRAM while the
// driver's copy sat in the CPU's caches (a dma-coherent tree on a port that does not snoop:
// stale-program.ts).

import type { DmaChan } from "../dmaengine/types.js";
import type { Kernel } from "../kernel/kernel.js";
import type { PlatformDevice } from "../kernel/device.js";
import type { Pl330Chan } from "../drivers/pl330/channel.js";
import type { Pl330Driver } from "../drivers/pl330/driver.js";
import type { DeviceNode } from "../of/node.js";
import { RxStreamDevice } from "../hw/dma-peripherals.js";
import { disassemble } from "../tools/pl330/disassembler.js";
import { dma_to_phys } from "../dma/dma-address.js";
import { peripheralOnLine, wrongCell, wrongCellText } from "./request-wiring.js";
import { burstStallCause } from "./burst-stall.js";
import { hex } from "./ccr-burst.js";
import { staleProgramCause } from "./stale-program.js";
import { unrequestedIrq } from "./unrequested-irq.js";
import { pastGicIrq } from "./irq-past-gic.js";

// Register offsets (spec pl330 §4).
const INT_EVENT_RIS = 0x024;
const FTR0 = 0x040;
const CSR0 = 0x100;

// CSRn.Channel_Status (spec pl330 §4, Table 3-13).
const STATE_NAMES: Record<number, string> = {
  0: "Stopped", 1: "Executing", 2: "Cache miss", 3: "Updating PC", 4: "Waiting for event",
  5: "At barrier", 7: "Waiting for peripheral", 8: "Killing", 9: "Completing",
  14: "Faulting completing", 15: "Faulting",
};
const ST_STOPPED = 0;
const ST_WFP = 7;
const ST_FAULT_COMPLETING = 14;
const ST_FAULTING = 15;
const CSR_DMAWFP_B_NS = 1 << 14;

// FTRn bits (spec pl330 §4, Table 3-15).
const FAULT_NAMES: [number, string][] = [
  [0, "undef_instr"], [1, "operand_invalid"], [5, "ch_evnt_err"], [6, "ch_periph_err"], [7, "ch_rdwr_err"],
  [12, "mfifo_err"], [13, "st_data_unavailable"], [16, "instr_fetch_err"], [17, "data_write_err"],
  [18, "data_read_err"], [30, "dbg_instr"], [31, "lockup_err"],
];

/** The instruction at the channel's `pc`, decoded, or why it cannot be read. The PC is a bus
 *  address, as the DMAC fetches: behind an offsetting dma-ranges its bytes are elsewhere in the
 *  CPU's physical map. */
function instructionAt(k: Kernel, dev: PlatformDevice, pc: number): string {
  const pa = dma_to_phys(dev, pc);
  if (pa < 0) return "(in no window of the bus's dma-ranges)";
  try {
    const [first] = disassemble(k.machine.backdoor.read(pa, 6));
    return first ? first.text : "?";
  } catch {
    return "(not in RAM)";
  }
}

function unhandledIrqs(k: Kernel, irqs: number[]): number[] {
  const handled = new Set(k.irq.lines().filter((l) => l.actions.length).map((l) => l.irq));
  return irqs.filter((irq) => !handled.has(irq));
}

/** What the peripheral model on the channel's request line is doing, when it explains a wait
 *  of thread `t` (`burstOnly`: in DMAWFPB). */
function peripheralCause(k: Kernel, chan: DmaChan, dmac: DeviceNode | undefined, dmacIndex: number, t: number, line: number, burstOnly: boolean): string {
  const p = peripheralOnLine(k, dmacIndex, line);
  // The client's own peripheral drives another line: the cell is the cause, whoever is on this one.
  const cell = wrongCell(k, chan, dmac, dmacIndex, line);
  if (cell) return wrongCellText(cell, p);
  if (!p) return `no peripheral model drives request line ${line}`;
  const who = `${p.node.path} ("${p.dmaName}")`;
  const s = p.device.stats();
  if (p.device instanceof RxStreamDevice) {
    const c = p.device.config;
    if (c.total > 0 && s.transferred >= c.total) {
      return `its peripheral ${who} has produced all ${c.total} samples of its stream and requests no more; the transfer asks for more than the device sends`;
    }
  }
  const stall = burstOnly ? burstStallCause(k, chan.priv as Pl330Chan, dmac?.path ?? "the PL330's node", dmacIndex, t, p) : null;
  if (stall) return stall;
  if (p.device instanceof RxStreamDevice && burstOnly && s.level < p.device.config.burstBytes) {
    return `RX burst stall: the channel waits in DMAWFPB for a burst request, but its peripheral ${who} holds ${s.level} byte(s), below its burst level of ${p.device.config.burstBytes}, and asks only for singles`;
  }
  // `requests` counts the requests a DMAWFP took; a single request a DMAWFPB dropped is not one.
  return `its peripheral ${who} raises no request the channel takes (${s.requests} requests taken, ${s.acks} acknowledged so far)`;
}

/** The explanation for a channel whose transfer did not complete, or null when the channel is
 *  not a PL330's. */
export function explainDmaHang(chan: DmaChan): string | null {
  const pdev = chan.device.dev as PlatformDevice;
  const k = pdev.kernel;
  const drv = pdev.driverData as Pl330Driver | undefined;
  const pch = chan.priv as Pl330Chan | undefined;
  if (!drv?.dmac || !pch || !("submitted_list" in pch)) return null;
  const inst = k.board.dmacs.find((d) => d.node === pdev.ofNode)?.index ?? 0;
  const line = pch.peripheralLine;
  if (!pch.thread) return `${chan.name} (request line ${line}) holds no PL330 thread: it was released, or never requested`;
  if (!pch.work_list.length && pch.submitted_list.length) {
    return `${chan.name} (request line ${line}): never started: ${pch.submitted_list.length} descriptor(s) submitted, none issued; call dma_async_issue_pending after dmaengine_submit`;
  }
  const t = pch.thread.id;
  const reg = (off: number) => k.machine.backdoor.pl330Register(inst, off);
  const csr = reg(CSR0 + 8 * t);
  const cpc = reg(CSR0 + 8 * t + 4);
  const state = csr & 0xf;
  const head = `${chan.name} (PL330 thread ${t}, request line ${line}): CSR${t} ${hex(csr)} (${STATE_NAMES[state] ?? "reserved"}), CPC${t} ${hex(cpc)}: ${instructionAt(k, pdev, cpc)}`;
  const deaf = unhandledIrqs(k, drv.irqs);
  const staleProgram = staleProgramCause(k, pdev, cpc);
  let cause: string;
  if (staleProgram) {
    cause = staleProgram;
  } else if (state === ST_WFP) {
    cause = peripheralCause(k, chan, pdev.ofNode, inst, t, (csr >> 4) & 0x1f, (csr & CSR_DMAWFP_B_NS) !== 0);
  } else if (state === ST_FAULTING || state === ST_FAULT_COMPLETING) {
    const ftr = reg(FTR0 + 4 * t);
    const why = FAULT_NAMES.filter(([bit]) => ftr & (1 << bit)).map(([, n]) => n).join(", ") || "none";
    const abortUnrequested = unrequestedIrq(pdev, drv, "abort");
    const abortPastGic = pastGicIrq(pdev, drv, "abort");
    cause = `the channel faulted (FTR${t} ${hex(ftr)}: ${why})` +
      (abortUnrequested ? `, and the driver never resets it: its abort interrupt ${abortUnrequested}`
        : abortPastGic ? `, and the driver never resets it: its abort interrupt ${abortPastGic}`
        : deaf.length ? `, and no handler takes its abort interrupt (irq ${deaf.join(", ")}), so the driver never resets it` : "");
  } else if (state === ST_STOPPED && pch.thread.ev >= 0 && reg(INT_EVENT_RIS) & (1 << pch.thread.ev)) {
    const unrequested = unrequestedIrq(pdev, drv, pch.thread.ev);
    const pastGic = pastGicIrq(pdev, drv, pch.thread.ev);
    cause = `the channel finished and raised event ${pch.thread.ev}, but ` +
      (unrequested ? `the interrupt that event raises ${unrequested}`
        : pastGic ? `the interrupt that event raises ${pastGic}`
        : deaf.length ? `no handler takes its interrupt (irq ${deaf.join(", ")})` : "its interrupt has not been handled");
  } else if (state === ST_STOPPED && [...pch.work_list].some((d) => d.status === "paused")) {
    cause = "the channel was paused (dmaengine_pause): Linux's pl330 kills the thread and starts nothing behind the paused transfer until dmaengine_terminate_*";
  } else if (state === ST_STOPPED && !pch.work_list.length) {
    cause = "the channel has no work queued: the cookie was never submitted here, or its transfer was terminated";
  } else {
    cause = "dmasim names no cause for this state";
  }
  return `${head}; ${cause}`;
}

/** The note after a timed-out wait `what` (e.g. "dma_sync_wait") on `chan`. */
export function reportDmaHang(chan: DmaChan, what: string): void {
  const text = explainDmaHang(chan);
  if (text === null) return;
  chan.device.dev.kernel.printk.warn(`WARNING: dmaengine: ${what} timed out (dmasim): ${text}`);
}
