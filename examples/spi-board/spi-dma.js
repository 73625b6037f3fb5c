// Bringing up the DMA of a board of one's own (widget-a9.dts beside this file): an SPI
// controller whose TX and RX FIFOs are served by PL330 request lines 5 and 4. The module does
// what the SPI driver's DMA path does: request both channels by dma-names, slave_config each with
// its FIFO's physical address, send a kmalloc'ed buffer by slave_sg (dma_map_sg for the DMAC,
// which is the bus master), and capture the RX FIFO into a coherent ring by a cyclic transfer.
//
//   dmasim run examples/spi-board/spi-dma.js --dts examples/spi-board/widget-a9.dts
//
// dmasim's board builder puts a model on each "tx"/"rx" dmas entry: entry k's registers are at
// the node's base + k × 0x100, the data register at offset 0. The RX model's sample n holds the
// value n (2 bytes, little-endian) from the moment sampling is enabled.
//
// params: len (TX bytes, default 1000), period (bytes, default 256), periods (default 4),
// laps (ring laps to capture, default 2), burst (dst/src_maxburst, default 1; the models raise
// single requests, so burst=4 shows what a burst the FIFOs never ask for does: the TX channel
// waits in DMAWFP for ever and the run ends with the note on where), ring=all (the whole ring in
// the result).

import {
  withTeardown, kmallocBuffers, coherentBuffer, dma_request_chan, dma_release_channel, dmaengine_slave_config,
  sg_alloc, sg_set_buf, dma_map_sg, dma_unmap_sg, dmaengine_prep_slave_sg, dmaengine_prep_dma_cyclic,
  dmaengine_submit, dma_async_issue_pending, dma_sync_wait, dmaengine_terminate_sync, dmaengine_tx_status,
  dma_tx_state, dma_submit_error, readl, writel, KernelError,
  DMA_MEM_TO_DEV, DMA_DEV_TO_MEM, DMA_TO_DEVICE, DMA_PREP_INTERRUPT, DMA_COMPLETE, GFP_KERNEL,
} from "dmasim";

export const SPI_NODE = "12d20000.spi";
const WINDOW = 0x100; // one register window per dmas entry
const RX_CR = 0x08, RX_COUNT = 0x0c, RX_SR = 0x04, SR_EMPTY = 1, CR_ENABLE = 0x3;

/** TX byte i of the buffer sent: a pattern no FIFO reordering or drop could reproduce. */
export function txByte(i) {
  return (i * 7 + 0x31) & 0xff;
}

function check(what, value) {
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`${what} ${value}: a whole number ≥ 1`);
  return value;
}

/** The last note dmasim logged on a DMA wait that timed out: the channel's state and the cause. */
function lastHangNote(system) {
  return system.dmesg().split("\n").findLast((l) => l.includes("timed out (dmasim)"))?.replace(/^\[[^\]]*\] /, "") ?? "no note in dmesg";
}

// The parameters run reads: dmasim refuses any other --param name (a typo would run on a default).
export const params = ["len", "period", "periods", "laps", "burst", "ring"];

export function run(system, params = {}) {
  const len = check("len", Number(params.len ?? 1000));
  const period = check("period", Number(params.period ?? 256));
  const periods = check("periods", Number(params.periods ?? 4));
  const laps = check("laps", Number(params.laps ?? 2));
  const burst = check("burst", Number(params.burst ?? 1));
  const spi = system.device(SPI_NODE);
  if (!spi) throw new KernelError(-19, `no device ${SPI_NODE}: boot widget-a9.dts (--dts)`); // -ENODEV
  const res = spi.memResource(0);
  const txFifo = res.start + 0 * WINDOW, rxFifo = res.start + 1 * WINDOW;

  return withTeardown((defer) => {
    // probe: both channels by name, as the driver's dma_request_chan(&pdev->dev, "tx"/"rx")
    const tx = dma_request_chan(spi, "tx");
    defer(() => dma_release_channel(tx));
    const rx = dma_request_chan(spi, "rx");
    defer(() => dma_release_channel(rx));
    let rc = dmaengine_slave_config(tx, { direction: DMA_MEM_TO_DEV, dst_addr: txFifo, dst_addr_width: 1, dst_maxburst: burst });
    if (rc < 0) throw new KernelError(rc, "tx: dmaengine_slave_config failed");
    rc = dmaengine_slave_config(rx, { direction: DMA_DEV_TO_MEM, src_addr: rxFifo, src_addr_width: 2, src_maxburst: burst });
    if (rc < 0) throw new KernelError(rc, "rx: dmaengine_slave_config failed");

    // TX: a kmalloc'ed buffer, mapped for the DMAC (the bus master), sent by slave_sg
    const [buf] = kmallocBuffers(system, [len], defer).vas;
    const out = new Uint8Array(len).map((_, i) => txByte(i));
    system.cpu.write(buf, out);
    const sgl = sg_alloc(1);
    sg_set_buf(sgl[0], buf, len);
    const dmaDev = tx.device.dev;
    const n = dma_map_sg(dmaDev, sgl, 1, DMA_TO_DEVICE);
    if (n === 0) throw new KernelError(-12, "tx: dma_map_sg failed");
    defer(() => dma_unmap_sg(dmaDev, sgl, 1, DMA_TO_DEVICE));
    const txd = dmaengine_prep_slave_sg(tx, sgl, n, DMA_MEM_TO_DEV, DMA_PREP_INTERRUPT);
    if (!txd) throw new KernelError(-5, "tx: dmaengine_prep_slave_sg failed"); // -EIO
    const txCookie = dmaengine_submit(txd);
    if (dma_submit_error(txCookie)) throw new KernelError(txCookie, "tx: dmaengine_submit failed");
    dma_async_issue_pending(tx);
    const txStatus = dma_sync_wait(tx, txCookie);
    // a driver gives up here (dev_err): the channel never finished, and dmasim's note in dmesg
    // says where it waits
    if (txStatus !== DMA_COMPLETE) throw new Error(`tx: ${len} bytes not sent (dma_sync_wait timed out); ${lastHangNote(system)}`);

    // RX: stop and drain the FIFO, start a cyclic ring, then enable sampling
    const regs = system.kernel.mm.ioremap(rxFifo, WINDOW);
    if (regs === null) throw new KernelError(-12, "rx: ioremap failed");
    defer(() => system.kernel.mm.iounmap(regs));
    writel(system.machine, 0, regs + RX_CR);
    while (!(readl(system.machine, regs + RX_SR) & SR_EMPTY)) readl(system.machine, regs);
    const ring = coherentBuffer(rx.device.dev, period * periods, defer);
    const rxd = dmaengine_prep_dma_cyclic(rx, ring.dmaAddr, period * periods, period, DMA_DEV_TO_MEM, DMA_PREP_INTERRUPT);
    if (!rxd) throw new KernelError(-5, "rx: dmaengine_prep_dma_cyclic failed");
    let periodsDone = 0;
    rxd.callback = () => { periodsDone++; };
    const rxCookie = dmaengine_submit(rxd);
    defer(() => dmaengine_terminate_sync(rx));
    dma_async_issue_pending(rx);
    const firstSample = readl(system.machine, regs + RX_COUNT); // sample numbers go on from here
    const rxStart = system.now();
    writel(system.machine, CR_ENABLE, regs + RX_CR);
    const want = laps * periods;
    // the driver sleeps (wait_event_timeout) while the ring fills; interrupts and their
    // callbacks run as they come. Room for twice the converter's time.
    const model = system.board.peripherals.find((p) => p.device.base === rxFifo).device;
    const samplePs = 1e12 / model.config.sampleRateHz;
    if (!system.kernel.waitEvent(() => periodsDone >= want, 2 * want * (period / 2) * samplePs)) {
      // what a bring-up engineer looks at next: did the FIFO ask, and for how much at a time
      const st = model.stats();
      throw new Error(`rx: ${periodsDone} of ${want} periods in ${((system.now() - rxStart) / 1e9).toFixed(3)} ms; the RX FIFO made ${st.requests} requests ` +
        `of ${model.config.burstBytes} bytes and holds ${st.level}; a burst of ${2 * burst} bytes waits for a larger request`);
    }
    writel(system.machine, 0, regs + RX_CR);
    const state = dma_tx_state();
    dmaengine_tx_status(rx, rxCookie, state);
    const ringBytes = system.cpu.read(ring.cpuAddr, period * periods);
    return {
      txStatus: txStatus === DMA_COMPLETE ? "complete" : String(txStatus),
      txBytes: len, periodsDone, firstSample, rxResidue: state.residue,
      // the first samples of the ring as the CPU reads them; ring=all gives every byte
      ringHead: Array.from(ringBytes.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join(" "),
      ...(params.ring === "all" ? { ring: ringBytes } : {}),
    };
  });
}
