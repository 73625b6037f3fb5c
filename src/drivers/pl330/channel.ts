// The dmaengine side of Linux's pl330 driver (struct dma_pl330_chan): cookies at submit, the
// channel tasklet that feeds the two request slots of the hardware thread, completes
// descriptors and runs callbacks, tx_status with residue read from SAR/DAR, pause and
// terminate (spec pl330 §12.3–12.5). The prep_* calls are in prep.ts.
//
// Where dmasim goes beyond Linux 6.x's pl330.c, for clients' sake:
// - callbacks get the transfer's result (DMA_TRANS_READ_FAILED / _WRITE_FAILED from the fault
//   type, DMA_TRANS_ABORTED for a request killed alongside), a transfer of several segments
//   fails as a whole, and tx_status reports DMA_ERROR for such a cookie; Linux invokes
//   callbacks without a result, so clients hear NOERROR;
// terminate_all is Linux's, unkind parts included: see terminateAll.

import { dma_cookie_assign, dma_cookie_complete, dma_cookie_init, dma_cookie_status } from "../../dmaengine/cookie.js";
import { dmaengine_desc_callback_invoke, dmaengine_desc_get_callback } from "../../dmaengine/desc-callback.js";
import {
  DmaChan, DMA_COMPLETE, DMA_DEV_TO_MEM, DMA_ERROR, DMA_IN_PROGRESS, DMA_MEM_TO_DEV, DMA_MEM_TO_MEM,
  DMA_MIN_COOKIE, DMA_PAUSED, DMA_TRANS_ABORTED, DMA_TRANS_NOERROR, type DmaCookie, type DmaSlaveConfig, type DmaStatus, type DmaTxState,
} from "../../dmaengine/types.js";
import { DMA_NONE, type DmaDirection } from "../../dma/constants.js";
import { ENOMEM, EAGAIN, EINVAL, ENOSYS, KernelBug } from "../../kernel/errno.js";
import { dev_err, dev_info } from "../../kernel/dev-printk.js";
import * as R from "./regs.js";
import { MCBUFSZ, type Pl330Dmac, type Pl330Thread } from "./dmac.js";
import { lengthUnaligned49, prepareCcr, setupReq, type XferSpec } from "./program.js";
import { configNow49, unprepSlaveFifo } from "./prep.js";
import type { Pl330Desc, Pl330DescPool } from "./desc.js";
import { DescList } from "./desc-list.js";

/** Failed cookies remembered for tx_status (older ones are forgotten first). */
const FAILED_COOKIES_KEPT = 256;

export class Pl330Chan {
  chan!: DmaChan;
  thread: Pl330Thread | null = null;
  readonly submitted_list = new DescList();
  readonly work_list = new DescList();
  readonly completed_list = new DescList();
  /** How many of work_list's descriptors are "done", and whether one of them failed since the
   *  tasklet last looked: Linux's tasklet walks the whole list at every completion, cheap in C,
   *  but a channel with thousands of descriptors queued (a copy in 64-byte dma_pool blocks) made
   *  that quadratic here. The walks stop once they have seen what these say is there. */
  private doneOnWorkList = 0;
  private failureOnWorkList = false;
  active = false;
  cyclic = false;
  /** The client's dma_slave_config (pl330_config keeps a copy; prep applies it). */
  slave_config: DmaSlaveConfig = {};
  /** log2 of the peripheral FIFO's access width, and beats per burst. */
  burst_sz = 0;
  burst_len = 1;
  fifo_addr = 0;
  /** The FIFO's DMA address (dma_map_resource) and the direction it was mapped for. */
  fifo_dma = 0;
  dir: DmaDirection = DMA_NONE;
  /** Cookies whose transfer failed or was aborted: tx_status reports DMA_ERROR for them. */
  private readonly failed = new Set<DmaCookie>();

  constructor(
    readonly dmac: Pl330Dmac,
    readonly pool: Pl330DescPool,
    /** desc->peri: the channel index on a DT-probed DMAC, 0 otherwise. */
    readonly peripheralLine: number,
  ) {}

  get kernel() {
    return this.dmac.kernel;
  }

  private get dev() {
    return this.chan.device.dev;
  }

  /** pl330_alloc_chan_resources: a hardware thread and its event. */
  allocResources(): number {
    dma_cookie_init(this.chan);
    this.cyclic = false;
    this.thread = this.dmac.requestThread();
    if (!this.thread) return -ENOMEM;
    this.failed.clear();
    return 1;
  }

  /** pl330_free_chan_resources: the FIFO mapping goes last (pl330_unprep_slave_fifo, modern;
   *  4.9 never mapped it). */
  freeResources(): void {
    if (this.thread) this.dmac.releaseThread(this.thread);
    this.thread = null;
    if (this.cyclic) {
      for (const desc of this.work_list.takeAll()) this.pool.put(desc);
      this.doneOnWorkList = 0;
    }
    unprepSlaveFifo(this);
  }

  /** The cookies of the descriptors still on the channel's lists (dmasim's check in
   *  dma_release_channel; no Linux counterpart). */
  pendingCookies(): DmaCookie[] {
    return [...this.submitted_list, ...this.work_list].map((d) => d.cookie).filter((c) => c >= DMA_MIN_COOKIE);
  }

  /** pl330_config. 6.x stores the config and applies the prep's direction from it
   *  (pl330_config_write); 4.9 applies it at once, by the deprecated `direction` field. */
  config(cfg: DmaSlaveConfig): number {
    if (this.kernel.version === "v4.9") return configNow49(this, cfg);
    this.slave_config = { ...cfg };
    return 0;
  }

  /** pl330_tx_submit: cookies for every descriptor of the prep, the returned one last. */
  submit(last: Pl330Desc): DmaCookie {
    for (const desc of [...last.chain, last]) {
      if (desc.status !== "prep") {
        throw new KernelBug("drivers/dma/pl330.c", `tx_submit of a descriptor that is ${desc.status}, not prepared`);
      }
      // Submitted and not yet complete: Linux would list_add a node already on submitted_list
      // (a BUG with CONFIG_DEBUG_LIST); queued twice, its second completion would BUG in
      // dma_cookie_complete at every tasklet and the channel would never run again.
      if (desc.cookie >= DMA_MIN_COOKIE) {
        throw new KernelBug("drivers/dma/pl330.c", `tx_submit of a descriptor already submitted (cookie ${desc.cookie})`);
      }
    }
    for (const desc of last.chain) {
      if (this.cyclic) {
        // pl330_tx_submit copies callback and callback_param only (6.x and 4.9); pluck_desc
        // cleared callback_result, so a client that sets only callback_result on a ring hears
        // it once per lap, when the returned (last) period completes.
        desc.callback = last.callback;
        desc.callback_param = last.callback_param;
      }
      desc.last = false;
      desc.result = DMA_TRANS_NOERROR;
      dma_cookie_assign(desc);
      this.submitted_list.push(desc);
    }
    last.last = true;
    last.result = DMA_TRANS_NOERROR;
    const cookie = dma_cookie_assign(last);
    this.submitted_list.push(last);
    return cookie;
  }

  /** pl330_issue_pending */
  issuePending(): void {
    if (!this.work_list.length) {
      // A WARN_ON, not WARN_ON_ONCE, in 4.9 and modern alike: it fires on every empty issue.
      if (!this.submitted_list.length) this.kernel.printk.warn("WARNING: drivers/dma/pl330.c: pl330_issue_pending: WARN_ON(list_empty(&pch->submitted_list))");
      this.active = true;
    }
    this.work_list.spliceTail(this.submitted_list);
    this.tasklet();
  }

  /** pl330_submit_req: writes the program into a free request slot of the thread. */
  private submitReq(desc: Pl330Desc): number {
    const thrd = this.thread!;
    const dmac = this.dmac;
    if (desc.rqtype !== DMA_MEM_TO_MEM && desc.rqtype !== DMA_MEM_TO_DEV && desc.rqtype !== DMA_DEV_TO_MEM) return -ENOSYS;
    if (dmac.dying || dmac.tbd.reset_chan & (1 << thrd.id)) return -EAGAIN;
    if (desc.rqtype !== DMA_MEM_TO_MEM && desc.peri >= dmac.pcfg.num_peri) {
      dev_info(this.dev, `pl330_submit_req: Invalid peripheral(${desc.peri})!`);
      return -EINVAL;
    }
    if (dmac.queueFull(thrd)) return -EAGAIN;
    desc.rqcfg.nonsecure = dmac.managerNs;
    const ccr = prepareCcr(desc.rqcfg);
    const idx = thrd.req[0].desc === null ? 0 : 1;
    const xs: XferSpec = {
      ccr, rqtype: desc.rqtype, px: desc.px, revision: dmac.pcfg.revision, peri: desc.peri, quirks: dmac.quirks,
      kernel: this.kernel.version,
    };
    if (lengthUnaligned49(xs)) return -EINVAL;
    const program = setupReq(xs, thrd.ev);
    if (program.length > MCBUFSZ / 2) {
      dev_info(this.dev, `pl330_submit_req: Try increasing mcbufsz (${program.length}/${MCBUFSZ / 2})`);
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
        // Linux marks a request it cannot program done; its client hears it was aborted.
        this.markDone(desc, DMA_TRANS_ABORTED, desc.bytes_requested);
        dev_err(this.dev, `fill_queue: Bad Desc(${desc.cookie})`);
        this.kernel.irq.tasklet_schedule(() => this.tasklet());
      }
    }
  }

  /** dma_pl330_rqcb: the DMAC finished (result DMA_TRANS_NOERROR) or gave up on a request. */
  requestDone(desc: Pl330Desc, result: number): void {
    this.markDone(desc, result, result === DMA_TRANS_NOERROR ? 0 : desc.bytes_requested);
    this.kernel.irq.tasklet_schedule(() => this.tasklet());
  }

  private markDone(desc: Pl330Desc, result: number, residue: number): void {
    if (desc.status !== "done") this.doneOnWorkList++;
    if (result !== DMA_TRANS_NOERROR) this.failureOnWorkList = true;
    desc.status = "done";
    desc.result = result;
    desc.residue = residue;
  }

  private noteFailed(cookie: DmaCookie): void {
    this.failed.add(cookie);
    if (this.failed.size > FAILED_COOKIES_KEPT) this.failed.delete(this.failed.values().next().value!);
  }

  /** A transfer prepared as several descriptors (slave_sg segments) fails as a whole: once a
   *  segment failed, the segments after it are not run, and all complete with the first
   *  failure, so the callback (on the last) reports it with the bytes not transferred. */
  private failRestOfTransaction(): void {
    if (!this.failureOnWorkList) return;
    this.failureOnWorkList = false;
    let failure = DMA_TRANS_NOERROR;
    let lost = 0;
    for (const desc of this.work_list) {
      if (failure === DMA_TRANS_NOERROR) {
        if (desc.status === "done" && desc.result !== DMA_TRANS_NOERROR && !desc.last) {
          failure = desc.result;
          lost = desc.bytes_requested;
        }
      } else if (desc.status === "prep" || desc.status === "done") {
        lost += desc.bytes_requested;
        this.markDone(desc, failure, lost);
      }
      if (desc.last) failure = DMA_TRANS_NOERROR;
    }
  }

  /** pl330_tasklet: complete finished descriptors, refill the thread, run callbacks. */
  tasklet(): void {
    if (!this.thread) return;
    if (!this.cyclic) this.failRestOfTransaction();
    // Done descriptors move to completed_list in order (list_move_tail), the others stay in
    // theirs; the walk ends at the last done one.
    const done = this.doneOnWorkList > 0 ? this.work_list.take(this.doneOnWorkList, (desc) => desc.status === "done") : [];
    // All counted were found, or the walk reached the end: either way none is left to find.
    this.doneOnWorkList = 0;
    for (const desc of done) {
      if (desc.result !== DMA_TRANS_NOERROR) this.noteFailed(desc.cookie);
      if (!this.cyclic) dma_cookie_complete(desc);
      this.completed_list.push(desc);
    }
    this.fillQueue();
    let powerDown = false;
    if (!this.work_list.length) {
      this.dmac.stop(this.thread);
      powerDown = true;
      this.active = false;
    } else {
      this.dmac.start(this.thread);
    }
    while (this.completed_list.length) {
      const desc = this.completed_list.shift()!;
      const cb = dmaengine_desc_get_callback(desc);
      const result = { result: desc.result, residue: desc.result === DMA_TRANS_NOERROR ? 0 : desc.residue };
      if (this.cyclic) {
        desc.status = "prep";
        desc.result = DMA_TRANS_NOERROR;
        this.work_list.push(desc);
        if (powerDown && this.thread) {
          this.active = true;
          this.dmac.start(this.thread);
          powerDown = false;
        }
      } else {
        this.pool.put(desc);
      }
      this.invokeCallback(cb, result);
    }
  }

  /** A client callback that throws is, in Linux, an oops in the tasklet ("Kernel panic - not
   *  syncing: Fatal exception in interrupt"). dmasim reports it as a KernelBug carrying the
   *  client's error, after rescheduling the tasklet so the completions still queued behind it
   *  are delivered when interrupts are next serviced. */
  private invokeCallback(cb: ReturnType<typeof dmaengine_desc_get_callback>, result: { result: number; residue: number }): void {
    try {
      dmaengine_desc_callback_invoke(cb, result);
    } catch (e) {
      if (this.completed_list.length) this.kernel.irq.tasklet_schedule(() => this.tasklet());
      const why = e instanceof Error ? e.message : String(e);
      throw Object.assign(
        new KernelBug("drivers/dma/pl330.c", `${this.chan.name}: a completion callback threw (${why}): in Linux an oops in the channel's tasklet, "Kernel panic - not syncing: Fatal exception in interrupt"`),
        { cause: e },
      );
    }
  }

  /** pl330_get_current_xferred_count: progress from SAR (or DAR for a fixed source). */
  private xferredCount(desc: Pl330Desc): number {
    const id = this.thread!.id;
    const [val, addr] = desc.rqcfg.src_inc
      ? [this.dmac.readl(R.SA(id)), desc.px.src_addr]
      : [this.dmac.readl(R.DA(id)), desc.px.dst_addr];
    // Before the program's DMAMOV runs, the register can still read 0.
    return val ? (val - addr) >>> 0 : 0;
  }

  /** pl330_tx_status */
  txStatus(cookie: DmaCookie, state?: DmaTxState): DmaStatus {
    let ret = dma_cookie_status(this.chan, cookie, state);
    if (this.failed.has(cookie)) ret = DMA_ERROR;
    if (!state || ret === DMA_COMPLETE || ret === DMA_ERROR || !this.thread) return ret;
    const thrd = this.thread;
    const running = thrd.req_running !== -1 ? thrd.req[thrd.req_running].desc : null;
    const lastEnq = thrd.req[thrd.lstenq].desc;
    let residual = 0;
    for (const desc of this.work_list) {
      let transferred: number;
      if (desc.status === "done") transferred = desc.bytes_requested;
      else if (running && desc === running) transferred = this.xferredCount(desc);
      // Busy but not running: just enqueued, or finished and not yet marked done.
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

  /** pl330_pause: the DMAC cannot resume a killed thread, so a paused transfer can only be
   *  terminated; pausing is for reading a stable residue first. As in Linux, req_running still
   *  names the paused request's slot, so _trigger starts nothing after it: work issued later
   *  is written into the free slot (or stays on work_list) and waits, DMA_IN_PROGRESS with its
   *  whole length as residue, until terminate_all. Linux logs nothing about it either. */
  pause(): number {
    if (!this.thread) return -EINVAL;
    this.dmac.stop(this.thread);
    // 4.9's pl330_pause only stops the thread: its descriptors stay BUSY (there is no PAUSED
    // state), so tx_status goes on saying DMA_IN_PROGRESS and a dma_sync_wait times out.
    if (this.kernel.version === "v4.9") return 0;
    for (const desc of this.work_list) if (desc.status === "busy") desc.status = "paused";
    return 0;
  }

  /** pl330_terminate_all (4.9 and modern alike): stop the thread, complete the cookie of each
   *  descriptor on submitted_list and then on work_list, in that order, and give every
   *  descriptor back. dma_cookie_complete sets completed_cookie, so it ends as the cookie of the
   *  last descriptor walked, which need not be the newest: transfers submitted but not issued
   *  behind issued ones, or the periods of a cyclic ring that has turned (the ring's order
   *  rotates as periods complete), keep reading DMA_IN_PROGRESS afterwards, until a later
   *  transfer completes a higher cookie. completed_list is not walked. `cyclic` stays set until
   *  the channel is released (only pl330_alloc_chan_resources clears it), so after a ring a
   *  one-shot transfer on the same channel is run again and again, its callback at every lap,
   *  and its cookie never completes. */
  terminateAll(): number {
    const thrd = this.thread;
    if (thrd) {
      this.dmac.stop(thrd);
      thrd.req[0].desc = null;
      thrd.req[1].desc = null;
      thrd.req_running = -1;
    }
    this.active = false;
    this.doneOnWorkList = 0;
    this.failureOnWorkList = false;
    for (const desc of this.submitted_list) dma_cookie_complete(desc);
    for (const desc of this.work_list) dma_cookie_complete(desc);
    for (const list of [this.submitted_list, this.work_list, this.completed_list]) {
      for (const desc of list.takeAll()) this.pool.put(desc);
    }
    return 0;
  }
}
