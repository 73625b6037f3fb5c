// The dmaengine side of Linux's pl330 driver (struct dma_pl330_chan, struct dma_pl330_desc):
// descriptors from a pool, cookies at submit, the channel tasklet that feeds the two request
// slots of the hardware thread and completes descriptors, tx_status with residue read from
// SAR/DAR (spec pl330 §12.3–12.5).

import type { DmaAddr } from "../../hw/address.js";
import { dma_cookie_assign, dma_cookie_complete, dma_cookie_status } from "../../dmaengine/cookie.js";
import {
  DmaChan, DMA_COMPLETE, DMA_ERROR, DMA_IN_PROGRESS, DMA_PAUSED, DMA_TRANS_ABORTED, DMA_TRANS_NOERROR,
  DMA_TRANS_READ_FAILED, type DmaAsyncTxDescriptor, type DmaCookie, type DmaStatus, type DmaTxState,
} from "../../dmaengine/types.js";
import { ENOMEM, EAGAIN, EINVAL } from "../../kernel/errno.js";
import * as R from "./regs.js";
import { MCBUFSZ, type Pl330Dmac, type Pl330Thread } from "./dmac.js";
import { defaultReqConfig, prepareCcr, setupReq, type ReqConfig, type ReqType, type Xfer } from "./program.js";

export type DescStatus = "free" | "prep" | "busy" | "paused" | "done";

const PL330_MAX_BURST = 16;
/** Core cycles for preparing a descriptor (an estimate; docs/calibration.md). */
const PREP_CYCLES = 300;

export class Pl330Desc implements DmaAsyncTxDescriptor {
  cookie: DmaCookie = 0;
  flags = 0;
  chan!: DmaChan;
  callback?: (param: unknown) => void;
  callback_result?: (param: unknown, result: { result: number; residue: number }) => void;
  callback_param?: unknown;
  status: DescStatus = "free";
  bytes_requested = 0;
  px: Xfer = { src_addr: 0, dst_addr: 0, bytes: 0 };
  rqcfg: ReqConfig = defaultReqConfig();
  rqtype: ReqType = "mem2mem";
  peri = 0;
  pchan: Pl330Chan | null = null;
  last = false;
  /** DMA_TRANS_* outcome, for callback_result and tx_status. */
  result = DMA_TRANS_NOERROR;

  tx_submit(tx: DmaAsyncTxDescriptor): DmaCookie {
    return (tx as Pl330Desc).pchan!.submit(tx as Pl330Desc);
  }
}

export class Pl330Chan {
  chan!: DmaChan;
  thread: Pl330Thread | null = null;
  readonly submitted_list: Pl330Desc[] = [];
  readonly work_list: Pl330Desc[] = [];
  readonly completed_list: Pl330Desc[] = [];
  active = false;
  cyclic = false;
  /** Cookies whose transfer failed (a fault): tx_status reports DMA_ERROR for them. */
  private readonly failed = new Set<DmaCookie>();

  constructor(
    readonly dmac: Pl330Dmac,
    readonly pool: Pl330Desc[],
  ) {}

  private get kernel() {
    return this.dmac.kernel;
  }

  /** pl330_get_desc: from the pool, growing it when empty. */
  private getDesc(): Pl330Desc {
    const desc = this.pool.pop() ?? new Pl330Desc();
    desc.pchan = this;
    desc.chan = this.chan;
    desc.status = "prep";
    desc.cookie = 0;
    desc.flags = 0;
    desc.callback = undefined;
    desc.callback_result = undefined;
    desc.callback_param = undefined;
    desc.last = false;
    desc.result = DMA_TRANS_NOERROR;
    desc.rqcfg = defaultReqConfig();
    return desc;
  }

  allocResources(): number {
    this.thread = this.dmac.requestThread();
    if (!this.thread) return -ENOMEM;
    this.failed.clear();
    return 1;
  }

  freeResources(): void {
    this.terminateAll();
    if (this.thread) this.dmac.releaseThread(this.thread);
    this.thread = null;
  }

  /** pl330_prep_dma_memcpy: the widest beat that divides src, dst and len; the longest burst
   *  that fits this channel's share of the MFIFO. */
  prepMemcpy(dst: DmaAddr, src: DmaAddr, len: number, flags: number): Pl330Desc | null {
    if (!this.thread || !len || len < 0) return null;
    this.kernel.machine.cpu.spend(PREP_CYCLES);
    const pcfg = this.dmac.pcfg;
    const desc = this.getDesc();
    desc.px = { src_addr: src, dst_addr: dst, bytes: len };
    desc.rqcfg.src_inc = true;
    desc.rqcfg.dst_inc = true;
    desc.rqtype = "mem2mem";
    let burst = pcfg.data_bus_width / 8;
    while ((src | dst | len) & (burst - 1)) burst /= 2;
    desc.rqcfg.brst_size = Math.log2(burst);
    let len_ = (pcfg.data_bus_width / 8) * Math.floor(pcfg.data_buf_dep / pcfg.num_chan);
    len_ >>= desc.rqcfg.brst_size;
    desc.rqcfg.brst_len = Math.max(1, Math.min(len_, PL330_MAX_BURST));
    // A burst narrower than the bus could straddle an MFIFO entry: one beat at a time.
    if (burst * 8 < pcfg.data_bus_width) desc.rqcfg.brst_len = 1;
    if (this.dmac.params.memcpy_max_burst > 0) {
      desc.rqcfg.brst_len = Math.min(desc.rqcfg.brst_len, this.dmac.params.memcpy_max_burst);
    }
    desc.bytes_requested = len;
    desc.flags = flags;
    return desc;
  }

  /** pl330_tx_submit */
  submit(desc: Pl330Desc): DmaCookie {
    desc.last = true;
    const cookie = dma_cookie_assign(desc);
    this.submitted_list.push(desc);
    return cookie;
  }

  /** pl330_issue_pending */
  issuePending(): void {
    if (!this.work_list.length) {
      if (!this.submitted_list.length) this.kernel.printk.warn(`${this.chan.name}: issue_pending with nothing submitted`);
      this.active = true;
    }
    this.work_list.push(...this.submitted_list.splice(0));
    this.tasklet();
  }

  /** pl330_submit_req: writes the program into a free request slot of the thread. */
  private submitReq(desc: Pl330Desc): number {
    const thrd = this.thread!;
    const dmac = this.dmac;
    if (dmac.dying || dmac.tbd.reset_chan & (1 << thrd.id)) return -EAGAIN;
    if (desc.rqtype !== "mem2mem" && desc.peri >= dmac.pcfg.num_peri) return -EINVAL;
    if (dmac.queueFull(thrd)) return -EAGAIN;
    desc.rqcfg.nonsecure = dmac.managerNs;
    const ccr = prepareCcr(desc.rqcfg);
    const idx = thrd.req[0].desc === null ? 0 : 1;
    const program = setupReq({ ccr, rqtype: desc.rqtype, px: desc.px, revision: dmac.pcfg.revision }, thrd.ev);
    if (program.length > MCBUFSZ / 2) {
      this.kernel.printk.info(`${dmac.name}: pl330_submit_req: Try increasing mcbufsz (${program.length}/${MCBUFSZ / 2})`);
      return -ENOMEM;
    }
    thrd.lstenq = idx;
    thrd.req[idx].desc = desc;
    this.kernel.machine.cpu.write(thrd.req[idx].mc_cpu, Uint8Array.from(program));
    return 0;
  }

  /** fill_queue */
  private fillQueue(): void {
    for (const desc of this.work_list) {
      if (desc.status === "busy" || desc.status === "paused") continue;
      const rc = this.submitReq(desc);
      if (rc === 0) desc.status = "busy";
      else if (rc === -EAGAIN) break;
      else {
        desc.status = "done";
        desc.result = DMA_TRANS_ABORTED;
        this.kernel.printk.err(`${this.dmac.name}: fill_queue: Bad Desc(${desc.cookie})`);
        this.kernel.irq.tasklet_schedule(() => this.tasklet());
      }
    }
  }

  /** dma_pl330_rqcb: the DMAC finished (or failed) a request. */
  requestDone(desc: Pl330Desc, err: "none" | "abort" | "fail"): void {
    desc.status = "done";
    if (err !== "none") desc.result = err === "fail" ? DMA_TRANS_READ_FAILED : DMA_TRANS_ABORTED;
    this.kernel.irq.tasklet_schedule(() => this.tasklet());
  }

  /** pl330_tasklet: complete finished descriptors, refill the thread, run callbacks. */
  tasklet(): void {
    if (!this.thread) return;
    for (const desc of [...this.work_list]) {
      if (desc.status !== "done") continue;
      if (desc.result !== DMA_TRANS_NOERROR) this.failed.add(desc.cookie);
      if (!this.cyclic) dma_cookie_complete(desc);
      this.work_list.splice(this.work_list.indexOf(desc), 1);
      this.completed_list.push(desc);
    }
    this.fillQueue();
    if (!this.work_list.length) {
      this.dmac.stop(this.thread);
      this.active = false;
    } else {
      this.dmac.start(this.thread);
    }
    while (this.completed_list.length) {
      const desc = this.completed_list.shift()!;
      const cb = desc.callback;
      const cbr = desc.callback_result;
      const param = desc.callback_param;
      const result = { result: desc.result, residue: desc.result === DMA_TRANS_NOERROR ? 0 : desc.bytes_requested };
      desc.status = "free";
      desc.pchan = null;
      this.pool.push(desc);
      if (cbr) cbr(param, result);
      else if (cb) cb(param);
    }
  }

  /** pl330_get_current_xferred_count: progress from SAR (or DAR for a fixed source). */
  private xferredCount(desc: Pl330Desc): number {
    const id = this.thread!.id;
    const [val, addr] = desc.rqcfg.src_inc
      ? [this.dmac.readl(R.SA(id)), desc.px.src_addr]
      : [this.dmac.readl(R.DA(id)), desc.px.dst_addr];
    return val ? (val - addr) >>> 0 : 0;
  }

  /** pl330_tx_status */
  txStatus(cookie: DmaCookie, state?: DmaTxState): DmaStatus {
    let ret = dma_cookie_status(this.chan, cookie, state);
    if (ret === DMA_COMPLETE && this.failed.has(cookie)) ret = DMA_ERROR;
    if (!state || ret === DMA_COMPLETE || ret === DMA_ERROR || !this.thread) return ret;
    const thrd = this.thread;
    const running = thrd.req_running !== -1 ? thrd.req[thrd.req_running].desc : null;
    const lastEnq = thrd.req[thrd.lstenq].desc;
    let residual = 0;
    for (const desc of this.work_list) {
      let transferred: number;
      if (desc.status === "done") transferred = desc.bytes_requested;
      else if (running && desc === running) transferred = this.xferredCount(desc);
      else if (desc.status === "busy" || desc.status === "paused") transferred = desc === lastEnq ? 0 : desc.bytes_requested;
      else transferred = 0;
      residual += desc.bytes_requested - transferred;
      if (desc.cookie === cookie) {
        ret = desc.status === "done" ? DMA_COMPLETE : desc.status === "paused" ? DMA_PAUSED : DMA_IN_PROGRESS;
        break;
      }
      if (desc.last) residual = 0;
    }
    state.residue = residual;
    return ret;
  }

  /** pl330_terminate_all */
  terminateAll(): number {
    const thrd = this.thread;
    if (thrd) {
      this.dmac.stop(thrd);
      thrd.req[0].desc = null;
      thrd.req[1].desc = null;
      thrd.req_running = -1;
    }
    this.active = false;
    for (const list of [this.submitted_list, this.work_list, this.completed_list]) {
      for (const desc of list) {
        if (desc.cookie >= 1) dma_cookie_complete(desc);
        desc.status = "free";
        desc.pchan = null;
        this.pool.push(desc);
      }
      list.length = 0;
    }
    return 0;
  }
}

export { DMA_IN_PROGRESS };
