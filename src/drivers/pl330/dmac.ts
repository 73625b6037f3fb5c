// The DMAC side of Linux's pl330 driver (struct pl330_dmac, struct pl330_thread): configuration
// read from CR0/CR3/CR4/CRD at probe, threads and events, the microcode buffer, starting a
// request with DMAGO through the debug interface, stopping with DMAKILL, and the interrupt
// handler pl330_update (spec pl330 §12.1, §12.5). Everything goes through MMIO and memory.

import type { Kernel } from "../../kernel/kernel.js";
import type { Device } from "../../kernel/device.js";
import type { VirtAddr, DmaAddr } from "../../hw/address.js";
import { readl, writel } from "../../kernel/io.js";
import { dev_err, dev_info } from "../../kernel/dev-printk.js";
import { DMA_TRANS_ABORTED, DMA_TRANS_NOERROR, DMA_TRANS_READ_FAILED, DMA_TRANS_WRITE_FAILED } from "../../dmaengine/types.js";
import { emitGO, emitKILL } from "./microcode.js";
import * as R from "./regs.js";
import type { Pl330Desc } from "./desc.js";

export const MCBUFSZ = 512; // per thread: two 256-byte request slots

/** UNTIL() in pl330.c polls without a timeout; this bound only turns a hang into an error. */
const UNTIL_MAX_POLLS = 1_000_000;
/** _until_dmac_idle: ~5 ms of polling DBGSTATUS. */
const DBG_IDLE_POLLS = 5000;
/** FTRn data_write_err (spec pl330 §6): an error response to a write; other aborts of a
 *  running request (data_read_err, instr_fetch_err …) count as failed reads. */
const FT_DATA_WRITE_ERR = 1 << 17;

export interface Pl330Config {
  periph_id: number;
  mode: number;
  data_bus_width: number; // bits
  data_buf_dep: number; // lines
  num_chan: number;
  num_peri: number;
  peri_ns: number;
  num_events: number;
  irq_ns: number;
  revision: number;
}

export interface Pl330Req {
  mc_cpu: VirtAddr;
  mc_bus: DmaAddr;
  desc: Pl330Desc | null;
}

export class Pl330Thread {
  ev = -1;
  free = true;
  req: [Pl330Req, Pl330Req];
  req_running = -1;
  lstenq = 1;

  constructor(
    readonly dmac: Pl330Dmac,
    readonly id: number,
    mcCpu: VirtAddr,
    mcBus: DmaAddr,
  ) {
    this.req = [
      { mc_cpu: mcCpu, mc_bus: mcBus, desc: null },
      { mc_cpu: mcCpu + MCBUFSZ / 2, mc_bus: mcBus + MCBUFSZ / 2, desc: null },
    ];
  }

  get isManager(): boolean {
    return this.id === -1;
  }
}

export class Pl330Dmac {
  pcfg!: Pl330Config;
  channels: Pl330Thread[] = [];
  manager!: Pl330Thread;
  /** events[ev] = thread id owning the event, -1 when free. */
  events: number[] = [];
  mcode_cpu: VirtAddr = 0;
  mcode_bus: DmaAddr = 0;
  dying = false;
  /** pl330_del ran (state UNINIT, tasklet killed): a dotask still queued does nothing. */
  removed = false;
  readonly tbd = { reset_dmac: false, reset_mngr: false, reset_chan: 0 };
  /** Channels found faulting by the IRQ handler: their requests failed rather than aborted. */
  private faulted = 0;
  /** FTRn of each channel found faulting, read by the IRQ handler. */
  private readonly faultType: number[] = [];
  /** PL330_QUIRK_* from the device tree. */
  quirks = 0;
  /** Driver parameters (what /sys/module/dma_pl330/parameters would hold). memcpy_max_burst is
   *  dmasim's: it caps the beats per burst of memcpy microcode (0 = the driver's own choice),
   *  so the effect of burst length can be measured with everything else unchanged. */
  readonly params = { memcpy_max_burst: 0 };
  /** Called when a request finishes (rqcb) with its DMA_TRANS_* result. */
  onRequestDone: (desc: Pl330Desc, result: number) => void = () => {};

  constructor(
    readonly kernel: Kernel,
    readonly base: VirtAddr,
    readonly dev: Device,
  ) {}

  get name(): string {
    return this.dev.name;
  }

  readl(off: number): number {
    return readl(this.kernel.machine, this.base + off);
  }

  writel(v: number, off: number): void {
    writel(this.kernel.machine, v >>> 0, this.base + off);
  }

  /** read_dmac_config */
  readConfig(): void {
    const crd = this.readl(R.CRD);
    const cr0 = this.readl(R.CR0);
    let pid = 0;
    for (let i = 0; i < 4; i++) pid |= (this.readl(R.PERIPH_ID + i * 4) & 0xff) << (8 * i);
    const num_peri = cr0 & R.CR0_PERIPH_REQ_SET ? ((cr0 >> R.CR0_NUM_PERIPH_SHIFT) & 0x1f) + 1 : 0;
    this.pcfg = {
      periph_id: pid >>> 0,
      mode: 0,
      data_bus_width: 8 * (1 << (crd & 7)),
      data_buf_dep: ((crd >> 20) & 0x3ff) + 1,
      num_chan: ((cr0 >> R.CR0_NUM_CHANS_SHIFT) & 0x7) + 1,
      num_peri,
      peri_ns: num_peri ? this.readl(R.CR4) : 0,
      num_events: ((cr0 >> R.CR0_NUM_EVENTS_SHIFT) & 0x1f) + 1,
      irq_ns: this.readl(R.CR3),
      revision: (pid >> 20) & 0xf,
    };
    if (cr0 & R.CR0_BOOT_MAN_NS) this.pcfg.mode |= 1;
  }

  get managerNs(): boolean {
    return (this.pcfg.mode & 1) !== 0;
  }

  /** dmac_alloc_threads + dmac_alloc_resources: one 512-byte microcode area per thread. */
  allocThreads(mcCpu: VirtAddr, mcBus: DmaAddr): void {
    this.mcode_cpu = mcCpu;
    this.mcode_bus = mcBus;
    this.channels = [];
    for (let i = 0; i < this.pcfg.num_chan; i++) {
      this.channels.push(new Pl330Thread(this, i, mcCpu + i * MCBUFSZ, mcBus + i * MCBUFSZ));
    }
    this.manager = new Pl330Thread(this, -1, 0, 0);
    this.manager.free = false;
    this.events = new Array(this.pcfg.num_events).fill(-1);
  }

  /** pl330_del: the DMAC's tasklet is killed and its threads are gone (dmac_free_threads); the
   *  caller frees the microcode buffer. */
  remove(): void {
    this.removed = true;
    this.dying = true;
    for (const thrd of this.channels) this.releaseThread(thrd);
    this.channels = [];
  }

  /** pl330_request_channel: the first free thread, with the first free event. */
  requestThread(): Pl330Thread | null {
    if (this.dying) return null;
    for (const thrd of this.channels) {
      if (!thrd.free) continue;
      const ev = this.events.indexOf(-1);
      if (ev < 0) return null;
      this.events[ev] = thrd.id;
      thrd.ev = ev;
      thrd.free = false;
      thrd.lstenq = 1;
      thrd.req[0].desc = null;
      thrd.req[1].desc = null;
      thrd.req_running = -1;
      return thrd;
    }
    return null;
  }

  releaseThread(thrd: Pl330Thread): void {
    if (thrd.free) return;
    this.stop(thrd);
    if (thrd.ev >= 0) this.events[thrd.ev] = -1;
    thrd.ev = -1;
    thrd.free = true;
  }

  // ---- the hardware thread -----------------------------------------------------------------

  state(thrd: Pl330Thread): number {
    return (thrd.isManager ? this.readl(R.DS) : this.readl(R.CS(thrd.id))) & 0xf;
  }

  /** UNTIL(thrd, states): polls the thread's state register. */
  until(thrd: Pl330Thread, ...states: number[]): void {
    for (let i = 0; i < UNTIL_MAX_POLLS; i++) if (states.includes(this.state(thrd))) return;
    throw new Error(`${this.name}: thread ${thrd.id} stuck in state ${this.state(thrd)}`);
  }

  /** _until_dmac_idle: false when the debug interface went idle. */
  private untilDmacIdle(): boolean {
    for (let i = 0; i < DBG_IDLE_POLLS; i++) if (!(this.readl(R.DBGSTATUS) & R.DBG_BUSY)) return false;
    return true;
  }

  /** _execute_DBGINSN */
  executeDbgInsn(thrd: Pl330Thread, insn: number[], asManager: boolean): void {
    if (this.untilDmacIdle()) {
      dev_err(this.dev, "DMAC halted!");
      return;
    }
    let val = ((insn[0] ?? 0) << 16) | ((insn[1] ?? 0) << 24);
    if (!asManager) val |= 1 | (thrd.id << 8);
    this.writel(val, R.DBGINST0);
    this.writel((insn[2] ?? 0) | ((insn[3] ?? 0) << 8) | ((insn[4] ?? 0) << 16) | ((insn[5] ?? 0) << 24), R.DBGINST1);
    this.writel(0, R.DBGCMD);
  }

  /** _stop: DMAKILL the thread and stop its event from interrupting. */
  stop(thrd: Pl330Thread): void {
    const inten = this.readl(R.INTEN);
    if (this.state(thrd) === R.PL330_STATE_FAULT_COMPLETING) {
      this.until(thrd, R.PL330_STATE_FAULTING, R.PL330_STATE_KILLING);
    }
    const s = this.state(thrd);
    if (s === R.PL330_STATE_COMPLETING || s === R.PL330_STATE_KILLING || s === R.PL330_STATE_STOPPED) return;
    this.executeDbgInsn(thrd, emitKILL(), thrd.isManager);
    if (thrd.ev >= 0) {
      if (inten & (1 << thrd.ev)) this.writel(1 << thrd.ev, R.INTCLR);
      this.writel(inten & ~(1 << thrd.ev), R.INTEN);
    }
  }

  /** _trigger: DMAGO the next queued request if the thread is stopped. */
  trigger(thrd: Pl330Thread): boolean {
    if (this.state(thrd) !== R.PL330_STATE_STOPPED) return true;
    let idx = 1 - thrd.lstenq;
    let req: Pl330Req | null = thrd.req[idx].desc ? thrd.req[idx] : null;
    if (!req) {
      idx = thrd.lstenq;
      req = thrd.req[idx].desc ? thrd.req[idx] : null;
    }
    if (!req || idx === thrd.req_running) return true;
    const desc = req.desc!;
    const ns = desc.rqcfg.nonsecure;
    if (this.managerNs && !ns) dev_info(this.dev, "_trigger: Recipe for ABORT!");
    const insn = emitGO(thrd.id, req.mc_bus, ns);
    this.writel(this.readl(R.INTEN) | (1 << thrd.ev), R.INTEN);
    this.executeDbgInsn(thrd, insn, true);
    thrd.req_running = idx;
    return true;
  }

  /** _start */
  start(thrd: Pl330Thread): boolean {
    let s = this.state(thrd);
    switch (s) {
      case R.PL330_STATE_FAULT_COMPLETING:
        this.until(thrd, R.PL330_STATE_FAULTING, R.PL330_STATE_KILLING);
        s = this.state(thrd);
        if (s === R.PL330_STATE_KILLING) this.until(thrd, R.PL330_STATE_STOPPED);
      // fallthrough
      case R.PL330_STATE_FAULTING:
        this.stop(thrd);
      // fallthrough
      case R.PL330_STATE_KILLING:
      case R.PL330_STATE_COMPLETING:
        this.until(thrd, R.PL330_STATE_STOPPED);
      // fallthrough
      case R.PL330_STATE_STOPPED:
        return this.trigger(thrd);
      case R.PL330_STATE_WFP:
      case R.PL330_STATE_QUEUEBUSY:
      case R.PL330_STATE_ATBARRIER:
      case R.PL330_STATE_UPDTPC:
      case R.PL330_STATE_CACHEMISS:
      case R.PL330_STATE_EXECUTING:
        return true;
      default:
        return false;
    }
  }

  queueFull(thrd: Pl330Thread): boolean {
    return thrd.req[0].desc !== null && thrd.req[1].desc !== null;
  }

  // ---- interrupts ----------------------------------------------------------------------------

  /** pl330_update: the interrupt handler. Returns true if it found something to do. */
  update(): boolean {
    let ret = false;
    const done: Pl330Desc[] = [];
    this.tbd.reset_mngr = (this.readl(R.FSM) & 1) !== 0;
    const fsc = this.readl(R.FSC) & ((1 << this.pcfg.num_chan) - 1);
    this.tbd.reset_chan |= fsc;
    this.faulted |= fsc;
    for (let i = 0; i < this.pcfg.num_chan; i++) {
      if (!(fsc & (1 << i))) continue;
      const ftc = this.readl(R.FTC(i));
      this.faultType[i] = ftc;
      dev_info(this.dev, `Reset Channel-${i}\t CS-${this.readl(R.CS(i)).toString(16)} FTC-${ftc.toString(16)}`);
      this.stop(this.channels[i]);
    }
    const es = this.readl(R.ES);
    if (this.pcfg.num_events < 32 && es & ~((1 << this.pcfg.num_events) - 1)) {
      this.tbd.reset_dmac = true;
      dev_err(this.dev, "pl330_update: Unexpected!");
      ret = true;
    } else {
      for (let ev = 0; ev < this.pcfg.num_events; ev++) {
        if (!(es & (1 << ev))) continue;
        const inten = this.readl(R.INTEN);
        if (inten & (1 << ev)) this.writel(1 << ev, R.INTCLR);
        ret = true;
        const id = this.events[ev];
        if (id < 0) continue;
        const thrd = this.channels[id];
        const active = thrd.req_running;
        if (active === -1) continue; // aborted
        const desc = thrd.req[active].desc;
        thrd.req[active].desc = null;
        thrd.req_running = -1;
        this.start(thrd);
        if (desc) done.push(desc);
      }
    }
    for (const d of done) this.onRequestDone(d, DMA_TRANS_NOERROR);
    if (this.tbd.reset_dmac || this.tbd.reset_mngr || this.tbd.reset_chan) {
      ret = true;
      this.kernel.irq.tasklet_schedule(() => this.dotask());
    }
    return ret;
  }

  /** pl330_dotask: reset what the interrupt handler found faulting, failing its requests. */
  dotask(): void {
    if (this.removed) return;
    if (this.tbd.reset_dmac) {
      this.dying = true;
      this.tbd.reset_mngr = true;
      this.tbd.reset_chan = (1 << this.pcfg.num_chan) - 1;
    }
    if (this.tbd.reset_mngr) {
      this.stop(this.manager);
      this.tbd.reset_chan = (1 << this.pcfg.num_chan) - 1;
      this.tbd.reset_mngr = false;
    }
    for (let i = 0; i < this.pcfg.num_chan; i++) {
      if (!(this.tbd.reset_chan & (1 << i))) continue;
      const thrd = this.channels[i];
      this.stop(thrd);
      // Linux reads FSC after _stop, when the fault is already cleared; the handler's record
      // keeps the difference between a failed and an aborted request. Linux fails both
      // requests of a faulting thread alike; here the one that was running failed, by the
      // fault's type, and the one queued behind it was aborted.
      const failed = this.faulted & (1 << i)
        ? (this.faultType[i] & FT_DATA_WRITE_ERR ? DMA_TRANS_WRITE_FAILED : DMA_TRANS_READ_FAILED)
        : DMA_TRANS_ABORTED;
      this.faulted &= ~(1 << i);
      const running = thrd.req_running;
      const order = [1 - thrd.lstenq, thrd.lstenq];
      const descs = order.map((idx) => ({ desc: thrd.req[idx].desc, result: idx === running ? failed : DMA_TRANS_ABORTED }));
      thrd.req[0].desc = null;
      thrd.req[1].desc = null;
      thrd.req_running = -1;
      for (const { desc, result } of descs) if (desc) this.onRequestDone(desc, result);
      this.tbd.reset_chan &= ~(1 << i);
    }
  }
}
