// The capture side of an ADC (or I2S/audio RX) driver that streams through a DMA channel: the
// "rx" channel by dma-names, dmaengine_slave_config with the RX FIFO's data register as the
// source (sample-wide accesses, bursts of `maxburst` samples), a coherent ring buffer filled by
// a cyclic DEV_TO_MEM transfer with a callback per period, and the capture position read from
// the residue as ALSA's dmaengine PCM pointer does (buffer bytes − residue).
//
// The register block is dmasim's RX stream model (assembly/peripherals/rx-stream.ts): DR 0x00,
// SR 0x04 ([0] empty), CR 0x08 ([0] sampling, [1] DMA requests), COUNT 0x0c, OVERRUN 0x10, at
// the node's base + 0x100 × (index of "rx" in dma-names), as the board builder wires it. The
// sample width is not in a register: it comes with the device, as platform data would.
//
// A capture whose bursts read more than the FIFO had waiting (src_maxburst larger than the
// FIFO's burst level) gets zeros for the missing bytes; the first period callback that follows
// such reads prints dmasim's note on why (report/fifo-burst-excess.ts), once a capture.

import type { PlatformDevice } from "../kernel/device.js";
import type { VirtAddr, DmaAddr } from "../hw/address.js";
import { KernelError, ENODEV, ENOMEM, EIO, EINVAL, EBUSY } from "../kernel/errno.js";
import { readl, writel } from "../kernel/io.js";
import { dev_err_probe } from "../kernel/dev-printk.js";
import { fifoExcessMark, reportFifoExcess, RX_FIFO_SIDE } from "../report/fifo-burst-excess.js";
import { GFP_KERNEL } from "../mm/gfp.js";
import { dma_alloc_coherent, dma_free_coherent } from "../dma/mapping.js";
import {
  dma_request_chan, dma_release_channel, dmaengine_slave_config, dmaengine_prep_dma_cyclic, dmaengine_submit,
  dma_async_issue_pending, dmaengine_tx_status, dmaengine_terminate_sync,
} from "../dmaengine/dmaengine.js";
import {
  DMA_DEV_TO_MEM, DMA_PREP_INTERRUPT, DMA_TRANS_NOERROR, dma_submit_error, dma_tx_state, type DmaChan, type DmaCookie, type DmaengineResult,
} from "../dmaengine/types.js";

export const ADC_DMA_CLIENT = "adc-dma-client";

const RX_DR = 0x00;
const RX_SR = 0x04;
const RX_CR = 0x08;
const RX_COUNT = 0x0c;
const RX_OVERRUN = 0x10;
const SR_EMPTY = 1 << 0;
const CR_SAMPLING = 1 << 0;
const CR_DMA = 1 << 1;
const WINDOW = 0x100;

export interface AdcDmaClientOptions {
  /** Bytes per sample: the slave config's access width. */
  sampleBytes: 1 | 2 | 4;
  /** Samples per DMA request of the FIFO (1: single requests). */
  maxburst?: number;
}

/** One period callback: which period of the ring, and when it ran (ps). */
export interface AdcPeriod {
  index: number;
  at: number;
  result: DmaengineResult;
}

export interface AdcCapture {
  cookie: DmaCookie;
  buffer: { cpuAddr: VirtAddr; dmaAddr: DmaAddr; bytes: number };
  periodBytes: number;
  /** When sampling was enabled (ps), and the number (value) of the first sample captured. */
  startedAt: number;
  firstSample: number;
  /** The OVERRUN register when the capture started (samples lost before it don't count). */
  overrunsBefore: number;
  periods: AdcPeriod[];
}

export class AdcDmaClient {
  private capture: AdcCapture | null = null;

  private constructor(
    readonly pdev: PlatformDevice,
    readonly chan: DmaChan,
    private readonly regs: VirtAddr,
    /** Physical address of the RX FIFO's data register. */
    readonly fifoPhys: number,
    readonly options: Required<AdcDmaClientOptions>,
  ) {}

  /** Binds to a device whose dma-names has "rx": requests and configures the channel, stops
   *  the converter until a capture starts. Throws KernelError as probe would fail. */
  static probe(pdev: PlatformDevice, options: AdcDmaClientOptions): AdcDmaClient {
    const k = pdev.kernel;
    const res = pdev.memResource(0);
    const slot = pdev.ofNode?.strings("dma-names").indexOf("rx") ?? -1;
    if (!res || slot < 0) throw new KernelError(ENODEV, `${pdev.name}: no registers or no "rx" DMA channel`);
    const o = { maxburst: 1, ...options };
    if (![1, 2, 4].includes(o.sampleBytes) || !Number.isInteger(o.maxburst) || o.maxburst < 1) {
      throw new KernelError(EINVAL, `${pdev.name}: ${o.sampleBytes}-byte samples in bursts of ${o.maxburst}`);
    }
    const fifoPhys = res.start + slot * WINDOW;
    const regs = k.mm.ioremap(fifoPhys, WINDOW);
    if (regs === null) throw new KernelError(ENOMEM, `${pdev.name}: cannot map the RX FIFO`);
    let chan: DmaChan;
    try {
      chan = dma_request_chan(pdev, "rx");
    } catch (e) {
      k.mm.iounmap(regs);
      // A client's probe reports the failed request (dev_err_probe, silent for -EPROBE_DEFER).
      if (e instanceof KernelError) dev_err_probe(pdev, e.errno, `failed to request "rx" DMA channel`);
      throw e;
    }
    const rc = dmaengine_slave_config(chan, { direction: DMA_DEV_TO_MEM, src_addr: fifoPhys + RX_DR, src_addr_width: o.sampleBytes, src_maxburst: o.maxburst });
    if (rc < 0) {
      dma_release_channel(chan);
      k.mm.iounmap(regs);
      throw new KernelError(-rc, `${pdev.name}: dmaengine_slave_config failed`);
    }
    writel(k.machine, 0, regs + RX_CR);
    k.device_bind_driver(pdev, ADC_DMA_CLIENT);
    return new AdcDmaClient(pdev, chan, regs, fifoPhys, o);
  }

  private get machine() {
    return this.pdev.kernel.machine;
  }

  /** Starts capturing into a ring of `periods` × `periodBytes`: the FIFO is emptied of stale
   *  samples, the cyclic transfer started, then sampling enabled. `onPeriod` runs in each
   *  period's callback. */
  start(periodBytes: number, periods: number, onPeriod?: (p: AdcPeriod) => void): AdcCapture {
    if (this.capture) throw new KernelError(EBUSY, `${this.pdev.name}: already capturing`);
    const step = this.options.sampleBytes * this.options.maxburst;
    if (!Number.isInteger(periodBytes) || periodBytes <= 0 || periodBytes % step) {
      throw new KernelError(EINVAL, `${this.pdev.name}: periods of ${periodBytes} bytes must be whole bursts of ${step} bytes`);
    }
    // pl330's tasklet puts a finished period back after refilling the thread, so it runs again
    // only once the period after it finishes: a ring of one stops after its first (as ALSA's
    // periods_min of 2 avoids).
    if (!Number.isInteger(periods) || periods < 2) {
      throw new KernelError(EINVAL, `${this.pdev.name}: a ring of ${periods} periods; a cyclic capture needs at least 2`);
    }
    const m = this.machine;
    const bytes = periodBytes * periods;
    const dmaDev = this.chan.device.dev;
    writel(m, 0, this.regs + RX_CR);
    while (!(readl(m, this.regs + RX_SR) & SR_EMPTY)) readl(m, this.regs + RX_DR);
    const buf = dma_alloc_coherent(dmaDev, bytes, GFP_KERNEL);
    if (!buf) throw new KernelError(ENOMEM, `${this.pdev.name}: no ${bytes}-byte ring buffer`);
    const desc = dmaengine_prep_dma_cyclic(this.chan, buf.dmaAddr, bytes, periodBytes, DMA_DEV_TO_MEM, DMA_PREP_INTERRUPT);
    if (!desc) {
      dma_free_coherent(dmaDev, bytes, buf.cpuAddr, buf.dmaAddr);
      throw new KernelError(EIO, `${this.pdev.name}: dmaengine_prep_dma_cyclic failed`);
    }
    const cap: AdcCapture = {
      cookie: 0, buffer: { ...buf, bytes }, periodBytes, startedAt: 0, firstSample: 0, overrunsBefore: 0, periods: [],
    };
    let next = 0;
    // Bytes the FIFO had returned from empty before this capture (a debugger's count, read
    // untimed, so the capture's timing is the same without it), for dmasim's underrun note.
    const underrunMark = fifoExcessMark(this.pdev, RX_FIFO_SIDE);
    let underrunNoted = false;
    // callback, not callback_result: pl330_tx_submit copies only callback to the other periods
    // of the ring (as ALSA's dmaengine PCM relies on), so callback_result would be heard once per
    // lap. The callback carries no result, so a period reads DMA_TRANS_NOERROR.
    desc.callback = () => {
      const p = { index: next, at: m.now(), result: { result: DMA_TRANS_NOERROR, residue: 0 } };
      next = (next + 1) % periods;
      cap.periods.push(p);
      if (!underrunNoted) {
        const what = `${this.pdev.name}: capture period ${cap.periods.length - 1}`;
        underrunNoted = reportFifoExcess(this.chan, this.pdev, RX_FIFO_SIDE, underrunMark, what);
      }
      onPeriod?.(p);
    };
    cap.cookie = dmaengine_submit(desc);
    if (dma_submit_error(cap.cookie)) {
      dma_free_coherent(dmaDev, bytes, buf.cpuAddr, buf.dmaAddr);
      throw new KernelError(-cap.cookie, `${this.pdev.name}: dmaengine_submit failed`);
    }
    dma_async_issue_pending(this.chan);
    cap.firstSample = readl(m, this.regs + RX_COUNT);
    cap.overrunsBefore = readl(m, this.regs + RX_OVERRUN);
    writel(m, CR_SAMPLING | CR_DMA, this.regs + RX_CR);
    cap.startedAt = m.now();
    this.capture = cap;
    return cap;
  }

  /** The capture position in the ring (bytes), from the transfer's residue. */
  pointer(): number {
    const cap = this.capture;
    if (!cap) return 0;
    const state = dma_tx_state();
    dmaengine_tx_status(this.chan, cap.cookie, state);
    const pos = cap.buffer.bytes - state.residue;
    return pos >= cap.buffer.bytes ? 0 : pos;
  }

  /** Samples the converter lost to a full FIFO since the capture started (OVERRUN register). */
  overruns(): number {
    const cap = this.capture;
    return cap ? (readl(this.machine, this.regs + RX_OVERRUN) - cap.overrunsBefore) >>> 0 : 0;
  }

  /** The ring's bytes as the CPU reads them. */
  readRing(): Uint8Array {
    const cap = this.capture;
    return cap ? this.machine.cpu.read(cap.buffer.cpuAddr, cap.buffer.bytes) : new Uint8Array(0);
  }

  /** Stops sampling and the transfer, and frees the ring. */
  stop(): void {
    const cap = this.capture;
    if (!cap) return;
    writel(this.machine, 0, this.regs + RX_CR);
    dmaengine_terminate_sync(this.chan);
    dma_free_coherent(this.chan.device.dev, cap.buffer.bytes, cap.buffer.cpuAddr, cap.buffer.dmaAddr);
    this.capture = null;
  }

  remove(): void {
    const k = this.pdev.kernel;
    this.stop();
    dma_release_channel(this.chan);
    k.mm.iounmap(this.regs);
    k.device_release_driver(this.pdev);
  }
}
