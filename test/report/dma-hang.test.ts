// When a DMA wait times out, dmasim says why (src/report/dma-hang.ts). Each hang is made the
// way a driver writer makes it — on the Zynq board with an ADC on PL330 request line 2 — and
// the note must name the channel, the line, the PL330 state read back and the cause. A client
// naming a request line the PL330 does not have gets -ENODEV at dma_request_chan, as in Linux.

import { describe, expect, it } from "vitest";
import { zynqWith, ADC_NODE } from "../helpers/zynq-peripherals.js";
import { createSystem } from "../../src/create.js";
import { AdcDmaClient } from "../../src/drivers/adc-dma-client.js";
import { UartDmaClient } from "../../src/drivers/uart-dma-client.js";
import type { Pl330Driver } from "../../src/drivers/pl330/driver.js";
import type { PlatformDevice } from "../../src/kernel/device.js";
import type { System } from "../../src/system.js";
import { ENODEV, KernelError } from "../../src/kernel/errno.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { DMA_FROM_DEVICE } from "../../src/dma/constants.js";
import { dma_alloc_coherent, dma_map_single } from "../../src/dma/mapping.js";
import {
  dma_request_chan, dma_request_chan_by_mask, dmaengine_slave_config, dmaengine_prep_slave_single, dmaengine_prep_dma_memcpy,
  dmaengine_submit, dma_async_issue_pending, dma_sync_wait, dmaengine_pause,
} from "../../src/dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_DEV_TO_MEM, DMA_ERROR, DMA_IN_PROGRESS, DMA_MEMCPY, DMA_PREP_INTERRUPT, type DmaChan } from "../../src/dmaengine/types.js";
import { explainDmaHang } from "../../src/report/dma-hang.js";
import { udelay } from "../../src/kernel/delay.js";
import { readl, writel } from "../../src/kernel/io.js";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ADC = "e0008000.adc";
/** The ADC's data register: its node's base (dma-names index 0). */
const ADC_DR = 0xe0008000;

/** The PL330 thread a note names (its CSRn/CCRn index). */
function thread(note: string): number {
  return Number(/PL330 thread (\d+)/.exec(note)![1]);
}

function hangNotes(s: System): string[] {
  return s.dmesg().split("\n").filter((l) => l.includes("timed out (dmasim)"));
}

/** A DEV_TO_MEM transfer of `len` bytes from the ADC into a fresh buffer, submitted (and issued
 *  unless `issue` is false). */
function rx(s: System, maxburst: number, len: number, issue = true): { chan: DmaChan; cookie: number } {
  const pdev = s.device(ADC);
  const chan = dma_request_chan(pdev, "rx");
  expect(dmaengine_slave_config(chan, { direction: DMA_DEV_TO_MEM, src_addr: ADC_DR, src_addr_width: 2, src_maxburst: maxburst })).toBe(0);
  const buf = s.kernel.kmalloc(len, GFP_KERNEL);
  const dma = dma_map_single(chan.device.dev, buf, len, DMA_FROM_DEVICE);
  const desc = dmaengine_prep_slave_single(chan, dma, len, DMA_DEV_TO_MEM, DMA_PREP_INTERRUPT)!;
  const cookie = dmaengine_submit(desc);
  if (issue) dma_async_issue_pending(chan);
  return { chan, cookie };
}

/** A System whose pl330 driver's interrupt handlers were freed, its channel 0 held as a client
 *  holds it, and a 256-byte buffer mapped for the DMAC. */
async function deafChannel(s: System): Promise<{ s: System; chan: DmaChan; dma: number }> {
  const pdev = [...s.kernel.devices.values()].find((d) => (d.driverData as Pl330Driver | undefined)?.ddma) as PlatformDevice;
  const drv = pdev.driverData as Pl330Driver;
  for (const irq of drv.irqs) s.kernel.irq.free_irq(irq, drv.dmac);
  const chan = drv.ddma.channels[0];
  chan.device.ops.device_alloc_chan_resources(chan);
  chan.client_count++;
  const a = s.kernel.kmalloc(256, GFP_KERNEL);
  return { s, chan, dma: dma_map_single(pdev, a, 256, DMA_FROM_DEVICE) };
}

describe("a request line the PL330 does not have", () => {
  it("builds the board; dma_request_chan fails -ENODEV and the client's probe says so", async () => {
    // Zynq's PL330: 8 channels, so of_dma_pl330_xlate has num_peripherals = 8 and line 9 is none.
    const s = await zynqWith(ADC_NODE.replace("<&dmac_s 2>", "<&dmac_s 9>"));
    expect(s.board.peripherals.some((p) => p.node.name === "adc@e0008000")).toBe(false);
    let err: unknown;
    try {
      AdcDmaClient.probe(s.device(ADC), { sampleBytes: 2, maxburst: 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KernelError);
    expect((err as KernelError).errno).toBe(-ENODEV);
    const log = s.dmesg();
    expect(log).toContain(`dma-pl330 f8003000.dma-controller: a dmas entry names request line 9, but this PL330 has 8 (num_peripherals) (dmasim)`);
    expect(log).toContain(`${ADC}: error -ENODEV: failed to request "rx" DMA channel`);
    expect(s.kernel.devices.get(ADC)?.driver ?? null).toBeNull();
  });
});

/** The UART's TX FIFO wired to line 0 (dmasim,request-lines), its dmas cell naming line 2. */
const WRONG_TX_CELL = `&uart1 { dmas = <&dmac_s 2>, <&dmac_s 1>; dmasim,request-lines = <0 1>; };`;

function requestNotes(s: System): string[] {
  return s.kernel.printk.dmesg().map((l) => l.text).filter((t) => t.includes("dma_request_chan") && t.includes("(dmasim)"));
}

describe("the note at dma_request_chan on a dmas cell naming another peripheral's line", () => {
  it("names the peripheral the SoC wires to the line and the one the client's drives", async () => {
    const s = await zynqWith(`${ADC_NODE}\n${WRONG_TX_CELL}`);
    const uart = UartDmaClient.probe(s.device("e0001000.serial"));
    expect(uart.chan.name).toBe("dma0chan2");
    expect(requestNotes(s)).toEqual([
      `WARNING: dmaengine: e0001000.serial: dma_request_chan "tx" (dmasim): dma0chan2 (request line 2): request line 2 is wired to ` +
        `/axi/adc@e0008000 ("rx"), not to /axi/serial@e0001000 ("tx"), which drives line 0 (its dmas entry names line 2: a wrong dmas cell); ` +
        `the channel's transfers wait for and acknowledge that device's requests`,
    ]);
    uart.remove();
  });

  // Without dmasim,request-lines every model is on the line its dmas names (two on one line are
  // refused when the board is built), so only a board that declares its wiring can get the note.
  it("says nothing when the cell names the wired line, or when nothing drives the named line", async () => {
    // Right: the Zynq's uart1 names line 0, wired as named.
    const right = await zynqWith(ADC_NODE);
    UartDmaClient.probe(right.device("e0001000.serial")).remove();
    expect(requestNotes(right)).toEqual([]);
    // Line 2 driven by nothing: the hang note speaks when a wait times out.
    const empty = await zynqWith(WRONG_TX_CELL);
    UartDmaClient.probe(empty.device("e0001000.serial")).remove();
    expect(requestNotes(empty)).toEqual([]);
  });
});

describe("the note on a DMA wait that times out", () => {
  it("a normal transfer prints none", async () => {
    const s = await zynqWith(ADC_NODE, { "adc@e0008000": { rx: { sampleBytes: 2, sampleRateHz: 1e6 } } });
    const { chan, cookie } = rx(s, 1, 64);
    expect(dma_sync_wait(chan, cookie)).toBe(DMA_COMPLETE);
    expect(hangNotes(s)).toEqual([]);
  });

  it("never issued: submitted, no dma_async_issue_pending", async () => {
    const s = await zynqWith(ADC_NODE, { "adc@e0008000": { rx: { sampleBytes: 2, sampleRateHz: 1e6 } } });
    const { chan } = rx(s, 1, 64, false);
    expect(s.kernel.waitEvent(() => false, 1e9, chan)).toBe(false);
    expect(hangNotes(s)).toEqual([
      expect.stringContaining(`wait_event_timeout timed out (dmasim): ${chan.name} (request line 2): never started: 1 descriptor(s) submitted, none issued; call dma_async_issue_pending`),
    ]);
  });

  it("the peripheral's stream ends before the transfer: waiting in DMAWFP on line 2", async () => {
    // 16 samples of 2 bytes, and a transfer of 64 bytes: after 32 bytes nothing more comes.
    const s = await zynqWith(ADC_NODE, { "adc@e0008000": { rx: { sampleBytes: 2, sampleRateHz: 1e6, total: 16 } } });
    const { chan, cookie } = rx(s, 1, 64);
    expect(dma_sync_wait(chan, cookie)).toBe(DMA_ERROR);
    const notes = hangNotes(s);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/dma_sync_wait timed out \(dmasim\): dma0chan2 \(PL330 thread \d, request line 2\): CSR\d 0x27 \(Waiting for peripheral\), CPC\d 0x[0-9a-f]+: DMAWFP P2, single;/);
    expect(notes[0]).toContain(`its peripheral /axi/adc@e0008000 ("rx") has produced all 16 samples of its stream`);
  });

  it("RX burst stall: DMAWFPB on a periph-burst PL330, a peripheral raising singles", async () => {
    const s = await zynqWith(`${ADC_NODE}\n&dmac_s { arm,pl330-periph-burst; };`, {
      "adc@e0008000": { rx: { sampleBytes: 2, sampleRateHz: 1e6, burstBytes: 2 } },
    });
    const { chan } = rx(s, 8, 64);
    expect(s.kernel.waitEvent(() => false, 1e8, chan)).toBe(false);
    const notes = hangNotes(s);
    expect(notes).toHaveLength(1);
    // CSR: Waiting for peripheral (7), wakeup 2 (<< 4), dmawfp_b_ns (bit 14).
    expect(notes[0]).toMatch(/dma0chan2 \(PL330 thread \d, request line 2\): CSR\d 0x4027 \(Waiting for peripheral\), CPC\d 0x[0-9a-f]+: DMAWFP P2, burst;/);
    expect(notes[0]).toContain(`RX burst stall: the channel waits in DMAWFPB for a burst request, but its peripheral /axi/adc@e0008000 ("rx") raises single requests only (128 bytes in its FIFO, burst level one sample of 2)`);
    // The burst from CCR (spec pl330 §3): DEV_TO_MEM, dst_inc (bit 14), 2-byte beats (size 1 at
    // [3:1] and [17:15]), 8 beats (7 at [7:4] and [21:18]); a secure manager sets no NS bits.
    const ccr = (1 << 14) | (1 << 1) | (1 << 15) | (7 << 4) | (7 << 18);
    expect(notes[0]).toContain(`; the channel's burst is 8 beats × 2 bytes = 16 bytes (CCR${thread(notes[0])} 0x${ccr.toString(16)}), ` +
      `a burst because /axi/dma-controller@f8003000 has arm,pl330-periph-burst: Linux's pl330 then waits for a burst request on every peripheral transfer; ` +
      `fix: a FIFO threshold that makes the peripheral raise burst requests of 16 bytes, or no arm,pl330-periph-burst if this SoC's peripherals raise ` +
      `single requests (with it, src_maxburst 1 still waits for bursts)`);
  });

  it("TX burst stall under arm,pl330-periph-burst: maxburst 1 still waits in DMAWFPB for a burst the UART's single requests never make", async () => {
    // The UART's TX FIFO requests when 1 byte is free (single requests); the client's maxburst is
    // its BURST register, 1. Linux's _bursts: the quirk makes cond BURST whatever the length.
    const s = await zynqWith(`&dmac_s { arm,pl330-periph-burst; };`, { "serial@e0001000": { tx: { burstBytes: 1 } } });
    const uart = UartDmaClient.probe(s.device("e0001000.serial"));
    const tx = uart.startTx(s.kernel.kmalloc(64, GFP_KERNEL), 64);
    expect(uart.waitTx(tx, 1e9)).toBe(DMA_IN_PROGRESS);
    const notes = hangNotes(s);
    expect(notes).toHaveLength(1);
    // CSR: Waiting for peripheral (7), wakeup 0, dmawfp_b_ns (bit 14).
    expect(notes[0]).toMatch(/request line 0\): CSR\d 0x4007 \(Waiting for peripheral\), CPC\d 0x[0-9a-f]+: DMAWFP P0, burst; /);
    // MEM_TO_DEV: src_inc (bit 0), 1-byte beats, 1 beat: CCR 0x1. The 64-byte FIFO is empty.
    expect(notes[0]).toContain(`; TX burst stall: the channel waits in DMAWFPB for a burst request, but its peripheral /axi/serial@e0001000 ("tx") ` +
      `raises single requests only (a 64-byte TX FIFO holding 0 bytes, 64 free: it asks for data one byte at a time, and is asking now), ` +
      `and a DMAWFPB drops each single request it meets; the channel's burst is 1 beat × 1 byte = 1 byte (CCR${thread(notes[0])} 0x1), ` +
      `a burst because /axi/dma-controller@f8003000 has arm,pl330-periph-burst: Linux's pl330 then waits for a burst request on every peripheral transfer; ` +
      `fix: a FIFO threshold that makes the peripheral raise burst requests of 1 byte, or no arm,pl330-periph-burst if this SoC's peripherals raise ` +
      `single requests (with it, dst_maxburst 1 still waits for bursts)`);
    uart.remove();
  });

  it("TX burst stall with the UART's FIFO full: its single requests come only once a byte has left", async () => {
    // The transmitter off (CR 0x08 = 0x2: DMA requests on, [0] transmitter disabled), 64 bytes
    // written to DR fill the 64-byte FIFO and stay there: no byte leaves, so no request.
    const s = await zynqWith(`&dmac_s { arm,pl330-periph-burst; };`, { "serial@e0001000": { tx: { burstBytes: 1 } } });
    const regs = s.kernel.mm.ioremap(0xe0001000, 0x100)!;
    writel(s.machine, 0x2, regs + 0x08);
    for (let i = 0; i < 64; i++) writel(s.machine, i, regs);
    expect(readl(s.machine, regs + 0x04) >>> 16).toBe(64); // FR [31:16]: the FIFO level
    const uart = UartDmaClient.probe(s.device("e0001000.serial"));
    const tx = uart.startTx(s.kernel.kmalloc(64, GFP_KERNEL), 64);
    expect(uart.waitTx(tx, 1e9)).toBe(DMA_IN_PROGRESS);
    const notes = hangNotes(s);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(`raises single requests only (a 64-byte TX FIFO holding 64 bytes, 0 free: it asks for data one byte at a time, once a byte has left), `);
    uart.remove();
  });

  it("TX burst stall on Linux 4.9: only arm,pl330-broken-no-flushp makes it wait in DMAWFPB", async () => {
    // 4.9's _ldst_memtodev: DMAWFP cond SINGLE, BURST under broken-no-flushp; its slave bursts are 1 beat.
    const s = await zynqWith(`&dmac_s { arm,pl330-broken-no-flushp; };`, {}, "v4.9");
    const uart = UartDmaClient.probe(s.device("e0001000.serial"));
    const tx = uart.startTx(s.kernel.kmalloc(64, GFP_KERNEL), 64);
    expect(uart.waitTx(tx, 1e9)).toBe(DMA_IN_PROGRESS);
    const notes = hangNotes(s);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/CSR\d 0x4007 \(Waiting for peripheral\), CPC\d 0x[0-9a-f]+: DMAWFP P0, burst; TX burst stall: /);
    expect(notes[0]).toContain(`the channel's burst is 1 beat × 1 byte = 1 byte (CCR${thread(notes[0])} 0x1), a burst because /axi/dma-controller@f8003000 ` +
      `has arm,pl330-broken-no-flushp: Linux 4.9's pl330 then waits with the burst forms; fix: a FIFO threshold that makes the peripheral raise ` +
      `burst requests of 1 byte, or no arm,pl330-broken-no-flushp if the peripherals take a flush (4.9 then waits for single requests; its slave ` +
      `bursts are 1 beat whatever the dst_maxburst)`);
    uart.remove();
  });

  it("a peripheral that raises no request: the counts are of requests the channel took", async () => {
    const s = await zynqWith(ADC_NODE, { "adc@e0008000": { rx: { sampleBytes: 2, sampleRateHz: 1e6 } } });
    // Sampling and DMA requests off (CR at 0x08 = 0) before the transfer: nothing to request.
    const regs = s.kernel.mm.ioremap(ADC_DR, 0x100)!;
    writel(s.machine, 0, regs + 0x08);
    const { chan } = rx(s, 1, 64);
    expect(s.kernel.waitEvent(() => false, 1e8, chan)).toBe(false);
    const notes = hangNotes(s);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/DMAWFP P2, single; its peripheral \/axi\/adc@e0008000 \("rx"\) raises no request the channel takes \(0 requests taken, 0 acknowledged so far\)$/);
  });

  it("a channel finished whose interrupt was freed: free_irq shut the line down, so it stays pending, untaken", async () => {
    const { s, chan, dma } = await deafChannel(await zynqWith(""));
    const cookie = dmaengine_submit(dmaengine_prep_dma_memcpy(chan, dma, dma + 128, 128, DMA_PREP_INTERRUPT)!);
    expect(dma_sync_wait(chan, cookie)).toBe(DMA_ERROR);
    const notes = hangNotes(s);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/dma0chan0 \(PL330 thread 0, request line 0\): CSR0 0x0 \(Stopped\), CPC0 0x[0-9a-f]+: DMAEND; the channel finished and raised event \d+, but no handler takes its interrupt \(irq /);
    // __free_irq shut each line down (irq_shutdown masks it at the GIC): event 0's line, "dma0"
    // = <0 14 4> = GIC ID 46, is high at the distributor but never taken, so nothing counts it
    // and no "nobody cared".
    expect(Boolean(s.machine.x.irqLevel(46))).toBe(true);
    expect(s.machine.pendingIrq()).toBe(-1);
    expect(s.dmesg()).not.toContain("nobody cared");
    // No numbered row left: 32-bit ARM's IPI rows (show_ipi_list, arch/arm/kernel/smp.c) and Err.
    const ipis = ["CPU wakeup", "Timer broadcast", "Rescheduling", "Function call", "CPU stop", "IRQ work", "completion"];
    expect(s.readFile("/proc/interrupts")).toBe(
      "           CPU0       CPU1       \n" + ipis.map((name, i) => `IPI${i}:          0          0  ${name} interrupts\n`).join("") + "Err:          0\n",
    );
  });

  it("a channel faulting whose abort interrupt no handler takes", async () => {
    const { s, chan, dma } = await deafChannel(await zynqWith(""));
    // A source in no memory or device of the Zynq's map: the first read gets an error response.
    const cookie = dmaengine_submit(dmaengine_prep_dma_memcpy(chan, dma, 0x9000_0000, 128, DMA_PREP_INTERRUPT)!);
    expect(dma_sync_wait(chan, cookie)).toBe(DMA_ERROR);
    const notes = hangNotes(s);
    expect(notes).toHaveLength(1);
    // CSR state 15 (Faulting); FTR bit 18, data_read_err (spec pl330 §4, Fault Type).
    expect(notes[0]).toMatch(/dma0chan0 \(PL330 thread 0, request line 0\): CSR0 0x[0-9a-f]*f \(Faulting\), CPC0 0x[0-9a-f]+: [^;]+; the channel faulted \(FTR0 0x40000: data_read_err\), and no handler takes its abort interrupt \(irq /);
  });

  it("behind an offsetting dma-ranges, the instruction at the channel's PC is read at its CPU address", async () => {
    const { s, chan, dma } = await deafChannel(await createSystem({ board: "arm64-dma-offset" }));
    // Bus 0x1000 lies below the bus's one window (RAM at bus 0xc0000000): DECERR on the first read.
    const cookie = dmaengine_submit(dmaengine_prep_dma_memcpy(chan, dma, 0x1000, 128, DMA_PREP_INTERRUPT)!);
    expect(dma_sync_wait(chan, cookie)).toBe(DMA_ERROR);
    const notes = hangNotes(s);
    expect(notes).toHaveLength(1);
    // The microcode lives in a coherent buffer the DMAC sees in its window (bus 0xc0000000 and up).
    expect(notes[0]).toMatch(/CSR0 0x[0-9a-f]*f \(Faulting\), CPC0 0x[c-f][0-9a-f]{7}: DMA[A-Z]+/);
    expect(notes[0]).toContain("the channel faulted (FTR0 0x40000: data_read_err)");
  });

  it("a dmas cell naming a line the SoC wires no peripheral to: the note names the line it does drive", async () => {
    // The UART's TX FIFO is wired to line 0 (dmasim,request-lines), its dmas names line 2.
    const s = await zynqWith(`&uart1 { dmas = <&dmac_s 2>, <&dmac_s 1>; dmasim,request-lines = <0 1>; };`);
    const uart = UartDmaClient.probe(s.device("e0001000.serial"));
    const buf = s.kernel.kmalloc(64, GFP_KERNEL);
    const tx = uart.startTx(buf, 64);
    expect(uart.waitTx(tx, 1e9)).toBe(DMA_IN_PROGRESS);
    const notes = hangNotes(s);
    expect(notes).toHaveLength(1);
    // CSR: Waiting for peripheral (7), wakeup 2 (<< 4); the PC at the DMAWFP on line 2.
    expect(notes[0]).toMatch(/waitTx timed out \(dmasim\): dma0chan\d \(PL330 thread \d, request line 2\): CSR\d 0x27 \(Waiting for peripheral\), CPC\d 0x[0-9a-f]+: DMAWFP P2, single;/);
    expect(notes[0]).toContain(`; request line 2 has no peripheral wired to it; /axi/serial@e0001000 ("tx") drives line 0 (its dmas entry names line 2: a wrong dmas cell)`);
    uart.remove();
  });

  it("a thread other than 0 faulting: its own CSR, CPC and FTR are read (CSRn at 0x100 + 8n, CPCn at 0x104 + 8n, FTRn at 0x40 + 4n)", async () => {
    const { s, chan: chan0, dma } = await deafChannel(await zynqWith(""));
    // chan0 holds thread 0; the next channel a client holds gets thread 1.
    const chan = chan0.device.channels[1];
    chan.device.ops.device_alloc_chan_resources(chan);
    chan.client_count++;
    const cookie = dmaengine_submit(dmaengine_prep_dma_memcpy(chan, dma, 0x9000_0000, 128, DMA_PREP_INTERRUPT)!);
    expect(dma_sync_wait(chan, cookie)).toBe(DMA_ERROR);
    const cpc1 = s.machine.backdoor.pl330Register(0, 0x10c);
    const notes = hangNotes(s);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/dma0chan1 \(PL330 thread 1, request line \d+\): CSR1 0x[0-9a-f]*f \(Faulting\), CPC1 0x[0-9a-f]+: DMA[A-Z]+/);
    expect(notes[0]).toContain(`CPC1 0x${cpc1.toString(16)}:`);
    expect(notes[0]).toContain("the channel faulted (FTR1 0x40000: data_read_err)");
  });

  it("issued work still running with more submitted behind it is not 'never started': the note names the running transfer's wait", async () => {
    // 16 samples of 2 bytes: the first 64-byte transfer waits for ever in DMAWFP on line 2.
    const s = await zynqWith(ADC_NODE, { "adc@e0008000": { rx: { sampleBytes: 2, sampleRateHz: 1e6, total: 16 } } });
    const { chan } = rx(s, 1, 64);
    const buf = s.kernel.kmalloc(64, GFP_KERNEL);
    const dma = dma_map_single(chan.device.dev, buf, 64, DMA_FROM_DEVICE);
    dmaengine_submit(dmaengine_prep_slave_single(chan, dma, 64, DMA_DEV_TO_MEM, DMA_PREP_INTERRUPT)!);
    // Not dma_sync_wait: it would issue the second descriptor first.
    expect(s.kernel.waitEvent(() => false, 1e9, chan)).toBe(false);
    const notes = hangNotes(s);
    expect(notes).toHaveLength(1);
    expect(notes[0]).not.toContain("never started");
    expect(notes[0]).toContain(`(Waiting for peripheral)`);
    expect(notes[0]).toContain(`its peripheral /axi/adc@e0008000 ("rx") has produced all 16 samples of its stream`);
  });

  it("a channel finished whose interrupt is pending while handlers exist (asked from another channel's callback): not handled yet, not 'no handler'", async () => {
    const s = await zynqWith("");
    const chans = [dma_request_chan_by_mask(s, DMA_MEMCPY), dma_request_chan_by_mask(s, DMA_MEMCPY)];
    const runs = chans.map((chan, i) => {
      const len = i === 0 ? 64 : 8192;
      const a = dma_alloc_coherent(chan.device.dev, len, GFP_KERNEL)!;
      const b = dma_alloc_coherent(chan.device.dev, len, GFP_KERNEL)!;
      return { chan, tx: dmaengine_prep_dma_memcpy(chan, b.dmaAddr, a.dmaAddr, len, DMA_PREP_INTERRUPT)! };
    });
    let note: string | null = "(callback not run)";
    runs[0].tx.callback = () => {
      // In interrupt context: the big copy ends during this delay and its interrupt stays pending.
      udelay(s, 200);
      note = explainDmaHang(runs[1].chan);
    };
    for (const r of runs) dmaengine_submit(r.tx);
    for (const r of runs) dma_async_issue_pending(r.chan);
    udelay(s, 1000);
    expect(note).toMatch(/\(Stopped\), CPC\d 0x[0-9a-f]+: DMAEND; the channel finished and raised event \d+, but its interrupt has not been handled$/);
  });
  it("a paused transfer: the note says the channel was paused", async () => {
    const s = await zynqWith("");
    const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
    const a = dma_alloc_coherent(chan.device.dev, 65536, GFP_KERNEL)!;
    const b = dma_alloc_coherent(chan.device.dev, 65536, GFP_KERNEL)!;
    dmaengine_submit(dmaengine_prep_dma_memcpy(chan, b.dmaAddr, a.dmaAddr, 65536, DMA_PREP_INTERRUPT)!);
    dma_async_issue_pending(chan);
    expect(dmaengine_pause(chan)).toBe(0);
    // dma_sync_wait returns DMA_PAUSED at once; a client's own wait for the completion times out.
    expect(s.kernel.waitEvent(() => false, 1e9, chan)).toBe(false);
    const notes = hangNotes(s);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/\(Stopped\), CPC\d 0x[0-9a-f]+: [^;]+; the channel was paused \(dmaengine_pause\)/);
  });
  it("a wrong cell on the second dmas entry: the note names that entry's own peripheral, not the first entry's", async () => {
    // rx listed first (line 1, wired as named), tx second: its cell names line 2, the SoC wires it to 0.
    const s = await zynqWith(`&uart1 { dmas = <&dmac_s 1>, <&dmac_s 2>; dma-names = "rx", "tx"; dmasim,request-lines = <1 0>; };`);
    const uart = UartDmaClient.probe(s.device("e0001000.serial"));
    const tx = uart.startTx(s.kernel.kmalloc(64, GFP_KERNEL), 64);
    expect(uart.waitTx(tx, 1e9)).toBe(DMA_IN_PROGRESS);
    const notes = hangNotes(s);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(`; request line 2 has no peripheral wired to it; /axi/serial@e0001000 ("tx") drives line 0 (its dmas entry names line 2: a wrong dmas cell)`);
    uart.remove();
  });

  it("a dmas cell naming a line the SoC wires another, silent, peripheral to: the note names that peripheral and the line the client's drives", async () => {
    // The ADC on line 2 samples at 1 Hz: nothing in its FIFO for the first second, so no request.
    const s = await zynqWith(`${ADC_NODE}\n${WRONG_TX_CELL}`, { "adc@e0008000": { rx: { sampleBytes: 2, sampleRateHz: 1 } } });
    const uart = UartDmaClient.probe(s.device("e0001000.serial"));
    const tx = uart.startTx(s.kernel.kmalloc(64, GFP_KERNEL), 64);
    expect(uart.waitTx(tx, 1e9)).toBe(DMA_IN_PROGRESS);
    const notes = hangNotes(s);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/waitTx timed out \(dmasim\): dma0chan2 \(PL330 thread \d, request line 2\): CSR\d 0x27 \(Waiting for peripheral\), CPC\d 0x[0-9a-f]+: DMAWFP P2, single; /);
    // Not "its peripheral /axi/adc… raises no request": the ADC is not the UART's.
    expect(notes[0]).toMatch(/; request line 2 is wired to \/axi\/adc@e0008000 \("rx"\), not to \/axi\/serial@e0001000 \("tx"\), which drives line 0 \(its dmas entry names line 2: a wrong dmas cell\)$/);
    uart.remove();
  });

  it("a wait on request line 17 of a 20-line PL330 (RK3399 DMAC_PERI): the CSR's 5-bit wakeup field gives line 17", async () => {
    // PL330 TRM CSRn: wakeup_number is bits [8:4], so lines 16-31 set bit 8; dmawfp_b_ns (bit 14)
    // as arm,pl330-periph-burst makes the driver wait with DMAWFPB: 0x4000 | 17 << 4 | 7.
    const dtsName = fileURLToPath(new URL("../../examples/boards/arm64-ref.dts", import.meta.url));
    const dts = readFileSync(dtsName, "utf8") + `\n&uart2 { dmas = <&dmac 17>, <&dmac 5>; dmasim,request-lines = <4 5>; };\n`;
    const s = await createSystem({ dts, dtsName });
    const uart = UartDmaClient.probe(s.device("ff1a0000.serial"));
    const tx = uart.startTx(s.kernel.kmalloc(64, GFP_KERNEL), 64);
    expect(uart.waitTx(tx, 1e9)).toBe(DMA_IN_PROGRESS);
    const notes = hangNotes(s);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/CSR\d 0x4117 \(Waiting for peripheral\), CPC\d 0x[0-9a-f]+: DMAWFP P17, burst;/);
    expect(notes[0]).toContain(`; request line 17 has no peripheral wired to it; /soc/serial@ff1a0000 ("tx") drives line 4 (its dmas entry names line 17: a wrong dmas cell)`);
    uart.remove();
  });
});
