// The transmit side of a UART driver that sends through a DMA channel (the way amba-pl011's or
// the Cadence UART's DMA paths do): the "tx" channel by dma-names, dmaengine_slave_config
// pointing at the TX FIFO's data register with byte accesses and bursts as large as the FIFO's
// request threshold, the buffer mapped as a scatterlist, one slave_sg MEM_TO_DEV transfer per
// send, and the transmitter drained (FIFO empty, shifter idle) before the caller moves on.
//
// A send that never completes (a channel waiting for a request that does not come) stays
// mapped until the driver lets go of it: stopTx (and remove) terminate the channel with
// dmaengine_terminate_sync, after which no callback can run, and unmap what the callbacks did
// not, as pl011's or imx's serial drivers unmap a queued TX buffer on flush or shutdown.
//
// The register block is dmasim's TX FIFO model (assembly/peripherals/tx-fifo.ts): DR 0x00,
// FR 0x04 ([0] empty, [2] shifter busy), SENT 0x0c, OVERRUN 0x10, BURST 0x18, placed at the
// node's base + 0x100 × (index of "tx" in dma-names), as the board builder wires it.

import type { PlatformDevice } from "../kernel/device.js";
import type { VirtAddr } from "../hw/address.js";
import { KernelError, ENODEV, ENOMEM, EIO, EINVAL } from "../kernel/errno.js";
import { readl } from "../kernel/io.js";
import { dev_err_probe } from "../kernel/dev-printk.js";
import { reportDmaHang } from "../report/dma-hang.js";
import { fifoExcessMark, reportFifoExcess, TX_FIFO_SIDE } from "../report/fifo-burst-excess.js";
import { PAGE_SIZE } from "../mm/gfp.js";
import { DMA_TO_DEVICE } from "../dma/constants.js";
import { dma_map_sg, dma_unmap_sg } from "../dma/mapping.js";
import { sg_alloc, sg_set_buf, type Scatterlist } from "../dma/scatterlist.js";
import {
  dma_request_chan, dma_release_channel, dmaengine_slave_config, dmaengine_prep_slave_sg, dmaengine_submit,
  dma_async_issue_pending, dmaengine_tx_status, dmaengine_terminate_sync,
} from "../dmaengine/dmaengine.js";
import {
  DMA_COMPLETE, DMA_CTRL_ACK, DMA_ERROR, DMA_MEM_TO_DEV, DMA_PREP_INTERRUPT, DMA_SLAVE_BUSWIDTH_1_BYTE,
  DMA_TRANS_ABORTED, DMA_TRANS_NOERROR, dma_submit_error, type DmaChan, type DmaCookie, type DmaStatus, type DmaengineResult,
} from "../dmaengine/types.js";

export const UART_DMA_CLIENT = "uart-dma-client";

const TX_DR = 0x00;
const TX_FR = 0x04;
const TX_SENT = 0x0c;
const TX_OVERRUN = 0x10;
const TX_BURST = 0x18;
const FR_EMPTY = 1 << 0;
const FR_BUSY = 1 << 2;
const WINDOW = 0x100;
/** How often a draining transmitter is polled (usleep_range in a serial driver's tx_empty wait). */
const DRAIN_POLL_PS = 10e6;

/** One send in flight or finished. */
export interface UartTx {
  cookie: DmaCookie;
  bytes: number;
  /** Simulated time at submit and at the completion callback (ps). */
  submittedAt: number;
  completedAt?: number;
  result?: DmaengineResult;
}

/** A send's scatterlist while it is mapped: from dma_map_sg until its callback or stopTx
 *  unmaps it. */
interface MappedTx {
  sgl: Scatterlist[];
  nents: number;
}

export class UartDmaClient {
  /** Sends still mapped: each is unmapped once, by its callback or by stopTx. */
  private readonly mapped = new Set<MappedTx>();
  /** Each send's TX FIFO overrun count at its start, for dmasim's note on bytes it lost
   *  (report/fifo-burst-excess.ts: read untimed, so a send's timing does not depend on it). */
  private readonly overrunMarks = new WeakMap<UartTx, number>();

  private constructor(
    readonly pdev: PlatformDevice,
    readonly chan: DmaChan,
    private readonly regs: VirtAddr,
    /** Physical address of the TX FIFO's data register. */
    readonly fifoPhys: number,
    /** Bytes per DMA request (the FIFO's BURST register, or probe's maxburst): the slave config's maxburst. */
    readonly burstBytes: number,
  ) {}

  /** Binds to a device whose dma-names has "tx": requests and configures the channel. Throws
   *  KernelError (-ENODEV, -EPROBE_DEFER, -ENOMEM, …) as probe would fail. `maxburst` is a
   *  driver's own dst_maxburst instead of the FIFO's BURST register (a value copied from another
   *  SoC's driver: more than the FIFO asks for stalls the channel, see burst-on-single-requests). */
  static probe(pdev: PlatformDevice, options: { maxburst?: number } = {}): UartDmaClient {
    const k = pdev.kernel;
    if (options.maxburst !== undefined && !(Number.isInteger(options.maxburst) && options.maxburst >= 1)) {
      throw new KernelError(EINVAL, `${pdev.name}: maxburst ${options.maxburst}: a whole number ≥ 1`);
    }
    const res = pdev.memResource(0);
    const slot = pdev.ofNode?.strings("dma-names").indexOf("tx") ?? -1;
    if (!res || slot < 0) throw new KernelError(ENODEV, `${pdev.name}: no registers or no "tx" DMA channel`);
    const fifoPhys = res.start + slot * WINDOW;
    const regs = k.mm.ioremap(fifoPhys, WINDOW);
    if (regs === null) throw new KernelError(ENOMEM, `${pdev.name}: cannot map the TX FIFO`);
    let chan: DmaChan;
    try {
      chan = dma_request_chan(pdev, "tx");
    } catch (e) {
      k.mm.iounmap(regs);
      // A client's probe reports the failed request (dev_err_probe, silent for -EPROBE_DEFER).
      if (e instanceof KernelError) dev_err_probe(pdev, e.errno, `failed to request "tx" DMA channel`);
      throw e;
    }
    const burst = options.maxburst ?? Math.max(1, readl(k.machine, regs + TX_BURST));
    const rc = dmaengine_slave_config(chan, {
      // direction: Linux 4.9's pl330_config applies the FIFO settings of this direction only.
      direction: DMA_MEM_TO_DEV, dst_addr: fifoPhys + TX_DR, dst_addr_width: DMA_SLAVE_BUSWIDTH_1_BYTE, dst_maxburst: burst,
    });
    if (rc < 0) {
      dma_release_channel(chan);
      k.mm.iounmap(regs);
      throw new KernelError(-rc, `${pdev.name}: dmaengine_slave_config failed`);
    }
    k.device_bind_driver(pdev, UART_DMA_CLIENT);
    return new UartDmaClient(pdev, chan, regs, fifoPhys, burst);
  }

  private get machine() {
    return this.pdev.kernel.machine;
  }

  /** Starts sending `len` bytes of the kernel buffer at `va`, in scatterlist entries of at
   *  most `segBytes`. The buffer stays mapped until the completion callback. */
  startTx(va: VirtAddr, len: number, segBytes = PAGE_SIZE, onDone?: (tx: UartTx) => void): UartTx {
    if (!Number.isInteger(len) || len <= 0 || !Number.isInteger(segBytes) || segBytes <= 0) {
      throw new KernelError(EINVAL, `${this.pdev.name}: cannot send ${len} bytes in segments of ${segBytes}`);
    }
    const dmaDev = this.chan.device.dev;
    const n = Math.ceil(len / segBytes);
    const sgl: Scatterlist[] = sg_alloc(n);
    for (let i = 0; i < n; i++) sg_set_buf(sgl[i], va + i * segBytes, Math.min(segBytes, len - i * segBytes));
    const mapped = dma_map_sg(dmaDev, sgl, n, DMA_TO_DEVICE);
    if (!mapped) throw new KernelError(EIO, `${this.pdev.name}: dma_map_sg failed`);
    const desc = dmaengine_prep_slave_sg(this.chan, sgl, mapped, DMA_MEM_TO_DEV, DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
    if (!desc) {
      dma_unmap_sg(dmaDev, sgl, n, DMA_TO_DEVICE);
      throw new KernelError(EIO, `${this.pdev.name}: dmaengine_prep_slave_sg failed`);
    }
    const tx: UartTx = { cookie: 0, bytes: len, submittedAt: this.machine.now() };
    this.overrunMarks.set(tx, fifoExcessMark(this.pdev, TX_FIFO_SIDE));
    const mapping: MappedTx = { sgl, nents: n };
    const done = (result: DmaengineResult) => {
      this.unmapTx(mapping);
      tx.completedAt = this.machine.now();
      tx.result = { ...result };
      onDone?.(tx);
    };
    // Both, as a driver built for 4.9 and later would (#if LINUX_VERSION_CODE): dmaengine calls
    // callback_result when the kernel has it (4.10+), callback on 4.9, never both. Without a
    // result, the cookie's status is all there is to go by.
    desc.callback_result = (_param, result) => done(result);
    desc.callback = () =>
      done(dmaengine_tx_status(this.chan, tx.cookie) === DMA_COMPLETE
        ? { result: DMA_TRANS_NOERROR, residue: 0 }
        : { result: DMA_TRANS_ABORTED, residue: len });
    tx.cookie = dmaengine_submit(desc);
    if (dma_submit_error(tx.cookie)) {
      dma_unmap_sg(dmaDev, sgl, n, DMA_TO_DEVICE);
      throw new KernelError(-tx.cookie, `${this.pdev.name}: dmaengine_submit failed`);
    }
    this.mapped.add(mapping);
    dma_async_issue_pending(this.chan);
    return tx;
  }

  /** dma_unmap_sg of one send, if it is still mapped (its callback and stopTx may both come to
   *  it: the one that comes second finds nothing to do). */
  private unmapTx(mapping: MappedTx): void {
    if (!this.mapped.delete(mapping)) return;
    dma_unmap_sg(this.chan.device.dev, mapping.sgl, mapping.nents, DMA_TO_DEVICE);
  }

  /** Aborts every send still in flight (a serial driver's flush_buffer or shutdown): the channel
   *  terminated and synchronized, so no callback of theirs runs any more, then their
   *  scatterlists unmapped. Their UartTx keeps no completedAt. */
  stopTx(): void {
    dmaengine_terminate_sync(this.chan);
    for (const mapping of [...this.mapped]) this.unmapTx(mapping);
  }

  /** Sleeps (interrupts running) until the transfer's callback has run, at most timeoutPs. */
  waitTx(tx: UartTx, timeoutPs: number): DmaStatus {
    const k = this.pdev.kernel;
    k.waitEvent(() => tx.completedAt !== undefined, timeoutPs);
    if (tx.completedAt === undefined) {
      reportDmaHang(this.chan, `${this.pdev.name}: waitTx`);
      return dmaengine_tx_status(this.chan, tx.cookie);
    }
    const mark = this.overrunMarks.get(tx);
    if (mark !== undefined) reportFifoExcess(this.chan, this.pdev, TX_FIFO_SIDE, mark, `${this.pdev.name}: waitTx`);
    return tx.result?.result ? DMA_ERROR : DMA_COMPLETE;
  }

  /** tx_empty: the FIFO is empty and the last character has left the shift register. */
  txEmpty(): boolean {
    const fr = readl(this.machine, this.regs + TX_FR);
    return (fr & FR_EMPTY) !== 0 && (fr & FR_BUSY) === 0;
  }

  /** Polls tx_empty with the CPU idle between polls; false if still busy after timeoutPs. */
  waitTxEmpty(timeoutPs: number): boolean {
    const m = this.machine;
    const deadline = m.now() + timeoutPs;
    while (!this.txEmpty()) {
      if (m.now() >= deadline) return false;
      m.idleUntil(Math.min(deadline, m.now() + DRAIN_POLL_PS));
    }
    return true;
  }

  /** Characters completely sent and bytes dropped on a full FIFO (the SENT and OVERRUN
   *  registers). */
  counters(): { sent: number; overruns: number } {
    return { sent: readl(this.machine, this.regs + TX_SENT), overruns: readl(this.machine, this.regs + TX_OVERRUN) };
  }

  /** Stops any transfer (unmapping what it had mapped) and lets go of the channel and the
   *  registers. */
  remove(): void {
    const k = this.pdev.kernel;
    this.stopTx();
    dma_release_channel(this.chan);
    k.mm.iounmap(this.regs);
    k.device_release_driver(this.pdev);
  }
}
