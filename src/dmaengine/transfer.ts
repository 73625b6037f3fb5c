// A dmaengine client's transfer calls (the inline wrappers of include/linux/dmaengine.h and
// dma_sync_wait from dmaengine.c): each checks that the provider has the operation and calls
// it, with the kernel's return conventions (NULL descriptors, -ENOSYS for a missing pause or
// resume, -EINVAL for a missing terminate).

import type { DmaAddr } from "../hw/address.js";
import { EINVAL, ENODEV, ENOSYS, ETIMEDOUT, KernelError } from "../kernel/errno.js";
import { checkSize, checkWhole } from "../dma/arguments.js";
import { checkChan, checkSlaveConfig, checkTx } from "./arguments.js";
import { refuseUnregistered } from "./unregistered.js";
import { dev_err } from "../kernel/dev-printk.js";
import { might_sleep } from "../kernel/might-sleep.js";
import { reportDmaHang } from "../report/dma-hang.js";
import { sg_alloc, type Scatterlist } from "../dma/scatterlist.js";
import {
  DmaChan, DMA_ERROR, DMA_IN_PROGRESS, DMA_MIN_COOKIE, dma_tx_state, type DmaAsyncTxDescriptor, type DmaCookie, type DmaSlaveConfig,
  type DmaStatus, type DmaTransferDirection, type DmaTxState,
} from "./types.js";

/** Core cycles of a dmaengine_tx_status call (an estimate: the call through the provider's ops
 *  and dma_cookie_status's loads of cached fields): what a loop polling it spends a lap. */
const TX_STATUS_CYCLES = 20;

/** A client call from process context runs with IRQs on, so an interrupt already pending (a
 *  transfer that ended while the client was busy) is taken at the call's entry, before the
 *  driver takes its lock with spin_lock_irqsave: a loop polling dmaengine_tx_status sees its
 *  cookie complete once the DMAC has raised the line, as on Linux. */
function irqsOn(chan: DmaChan): void {
  chan.device.dev.kernel.irq.irqs_on_point();
}

/** A client call on a channel no client holds (released, or never requested). Linux's pl330
 *  frees the channel's hardware thread at release (pl330_free_chan_resources sets pch->thread
 *  to NULL) and later calls reach it unchecked: a prep still succeeds, and issue_pending, pause,
 *  terminate or tx_status with a state dereference the NULL thread, an oops. dmasim answers
 *  without a thread (no descriptor, -EINVAL) and says so once a channel. */
function warnUnheld(fn: string, chan: DmaChan): void {
  if (chan.client_count > 0) return;
  chan.device.dev.kernel.dmaengine.dmasimWarnOnce(
    `unheld-${chan.name}`,
    `WARNING: dmaengine: ${fn} on ${chan.name}, which no client holds (released, or never requested) (dmasim): Linux's pl330 has freed its hardware thread, so a prep still succeeds and issue_pending, pause or terminate oops on the NULL thread; request the channel first`,
  );
}

/** A cookie this channel never handed out since it was requested: 0 or negative (a failed
 *  dmaengine_submit's -errno, which dma_submit_error() catches), or beyond the last one
 *  assigned. dma_async_is_complete calls those DMA_COMPLETE, so a driver polling one reads a
 *  buffer no transfer wrote; Linux says nothing, dmasim warns once a channel. */
function warnCookieNeverAssigned(fn: string, chan: DmaChan, cookie: DmaCookie): void {
  const wrapped = chan.completed_cookie > chan.cookie;
  if (cookie >= DMA_MIN_COOKIE && (wrapped || cookie <= chan.cookie)) return;
  chan.device.dev.kernel.dmaengine.dmasimWarnOnce(
    `cookie-${chan.name}`,
    `WARNING: dmaengine: ${fn}: ${chan.name} never assigned cookie ${cookie} (last ${chan.cookie}) (dmasim): Linux's dma_cookie_status answers DMA_COMPLETE for it; check dmaengine_submit's result with dma_submit_error`,
  );
}

/** dmaengine_slave_config: where the peripheral's FIFO is and how wide and long its bursts are. */
export function dmaengine_slave_config(chan: DmaChan, config: DmaSlaveConfig): number {
  checkChan("dmaengine_slave_config", chan);
  if (refuseUnregistered("dmaengine_slave_config", chan)) return -ENODEV;
  warnUnheld("dmaengine_slave_config", chan);
  checkSlaveConfig("dmaengine_slave_config", config);
  const op = chan.device.ops.device_config;
  return op ? op(chan, config) : -ENOSYS;
}

export function dmaengine_prep_dma_memcpy(chan: DmaChan, dst: DmaAddr, src: DmaAddr, len: number, flags: number): DmaAsyncTxDescriptor | null {
  checkChan("dmaengine_prep_dma_memcpy", chan);
  if (refuseUnregistered("dmaengine_prep_dma_memcpy", chan)) return null;
  warnUnheld("dmaengine_prep_dma_memcpy", chan);
  checkWhole("dmaengine_prep_dma_memcpy", dst, "dst");
  checkWhole("dmaengine_prep_dma_memcpy", src, "src");
  checkSize("dmaengine_prep_dma_memcpy", len, "len");
  checkWhole("dmaengine_prep_dma_memcpy", flags, "flags");
  const prep = chan.device.ops.device_prep_dma_memcpy;
  return prep ? prep(chan, dst, src, len, flags) : null;
}

/** dmaengine_prep_slave_sg: a transfer between memory (a mapped scatterlist) and the
 *  peripheral configured with dmaengine_slave_config. */
export function dmaengine_prep_slave_sg(
  chan: DmaChan, sgl: Scatterlist[], sg_len: number, dir: DmaTransferDirection, flags: number,
): DmaAsyncTxDescriptor | null {
  checkChan("dmaengine_prep_slave_sg", chan);
  if (refuseUnregistered("dmaengine_prep_slave_sg", chan)) return null;
  warnUnheld("dmaengine_prep_slave_sg", chan);
  const prep = chan.device.ops.device_prep_slave_sg;
  return prep ? prep(chan, sgl, sg_len, dir, flags) : null;
}

/** dmaengine_prep_slave_single: one DMA-mapped buffer as a one-entry scatterlist. */
export function dmaengine_prep_slave_single(
  chan: DmaChan, buf: DmaAddr, len: number, dir: DmaTransferDirection, flags: number,
): DmaAsyncTxDescriptor | null {
  const sgl = sg_alloc(1);
  sgl[0].dma_address = buf;
  sgl[0].dma_length = len;
  sgl[0].length = len;
  return dmaengine_prep_slave_sg(chan, sgl, 1, dir, flags);
}

/** dmaengine_prep_dma_cyclic: a ring of `buf_len / period_len` periods that repeats until the
 *  channel is terminated, with a callback after each period. */
export function dmaengine_prep_dma_cyclic(
  chan: DmaChan, buf_addr: DmaAddr, buf_len: number, period_len: number, dir: DmaTransferDirection, flags: number,
): DmaAsyncTxDescriptor | null {
  checkChan("dmaengine_prep_dma_cyclic", chan);
  if (refuseUnregistered("dmaengine_prep_dma_cyclic", chan)) return null;
  warnUnheld("dmaengine_prep_dma_cyclic", chan);
  const prep = chan.device.ops.device_prep_dma_cyclic;
  return prep ? prep(chan, buf_addr, buf_len, period_len, dir, flags) : null;
}

export function dmaengine_submit(tx: DmaAsyncTxDescriptor): DmaCookie {
  checkTx("dmaengine_submit", tx);
  if (tx.chan && refuseUnregistered("dmaengine_submit", tx.chan)) return -ENODEV;
  return tx.tx_submit(tx);
}

export function dma_async_issue_pending(chan: DmaChan): void {
  checkChan("dma_async_issue_pending", chan);
  if (refuseUnregistered("dma_async_issue_pending", chan)) return;
  warnUnheld("dma_async_issue_pending", chan);
  chan.device.ops.device_issue_pending(chan);
}

export function dmaengine_tx_status(chan: DmaChan, cookie: DmaCookie, state?: DmaTxState): DmaStatus {
  checkChan("dmaengine_tx_status", chan);
  if (refuseUnregistered("dmaengine_tx_status", chan)) return DMA_ERROR;
  irqsOn(chan);
  warnUnheld("dmaengine_tx_status", chan);
  warnCookieNeverAssigned("dmaengine_tx_status", chan, cookie);
  chan.device.dev.kernel.machine.cpu.spend(TX_STATUS_CYCLES);
  return chan.device.ops.device_tx_status(chan, cookie, state);
}

/** dma_async_is_tx_complete: the status alone (state's last/used cookies when given). Linux
 *  always hands the provider a state of its own, so the provider looks the cookie up as for
 *  dmaengine_tx_status: pl330 then reports a paused cookie DMA_PAUSED, which ends a
 *  dma_sync_wait at once, where the bare cookie check says DMA_IN_PROGRESS. */
export function dma_async_is_tx_complete(chan: DmaChan, cookie: DmaCookie, state: DmaTxState = dma_tx_state()): DmaStatus {
  checkChan("dma_async_is_tx_complete", chan);
  if (refuseUnregistered("dma_async_is_tx_complete", chan)) return DMA_ERROR;
  irqsOn(chan);
  chan.device.dev.kernel.machine.cpu.spend(TX_STATUS_CYCLES);
  return txComplete(chan, cookie, state);
}

/** dma_async_is_tx_complete without its entry: dma_sync_wait's loop, whose laps dmasim folds
 *  into one sleep until an interrupt (their time is the wait's). */
function txComplete(chan: DmaChan, cookie: DmaCookie, state: DmaTxState = dma_tx_state()): DmaStatus {
  warnCookieNeverAssigned("dma_async_is_tx_complete", chan, cookie);
  return chan.device.ops.device_tx_status(chan, cookie, state);
}

export function dmaengine_pause(chan: DmaChan): number {
  checkChan("dmaengine_pause", chan);
  if (refuseUnregistered("dmaengine_pause", chan)) return -ENODEV;
  warnUnheld("dmaengine_pause", chan);
  const op = chan.device.ops.device_pause;
  return op ? op(chan) : -ENOSYS;
}

export function dmaengine_resume(chan: DmaChan): number {
  checkChan("dmaengine_resume", chan);
  if (refuseUnregistered("dmaengine_resume", chan)) return -ENODEV;
  warnUnheld("dmaengine_resume", chan);
  const op = chan.device.ops.device_resume;
  return op ? op(chan) : -ENOSYS;
}

/** dmaengine_terminate_async: stops the channel and drops every descriptor; callbacks of
 *  transfers already finished may still run until dmaengine_synchronize. Unlike pause and
 *  resume, a controller that cannot terminate makes it -EINVAL (include/linux/dmaengine.h). */
export function dmaengine_terminate_async(chan: DmaChan): number {
  checkChan("dmaengine_terminate_async", chan);
  if (refuseUnregistered("dmaengine_terminate_async", chan)) return -ENODEV;
  warnUnheld("dmaengine_terminate_async", chan);
  const op = chan.device.ops.device_terminate_all;
  return op ? op(chan) : -EINVAL;
}

/** dmaengine_synchronize: waits until no callback of the channel is running or pending. It
 *  begins with might_sleep(), so from a completion callback (the driver's tasklet), with
 *  interrupts masked or under a lock Linux logs the "sleeping function called from invalid
 *  context" splat; a driver whose synchronize waits for that tasklet (tasklet_kill) would
 *  deadlock there. pl330 has none, so the call returns without sleeping (no schedule(), so no
 *  "scheduling while atomic"); from a callback dmasim adds what the client should do instead. */
export function dmaengine_synchronize(chan: DmaChan): void {
  checkChan("dmaengine_synchronize", chan);
  if (refuseUnregistered("dmaengine_synchronize", chan)) return;
  const k = chan.device.dev.kernel;
  might_sleep(k, "include/linux/dmaengine.h", "dmaengine_synchronize");
  if (k.irq.in_interrupt()) {
    k.printk.warn(
      `WARNING: dmaengine: ${chan.name}: dmaengine_synchronize (or dmaengine_terminate_sync) from interrupt context, a completion callback (dmasim): it may sleep, and with a driver that waits for its tasklet it deadlocks; call dmaengine_terminate_async there and dmaengine_synchronize from process context`,
    );
  }
  chan.device.ops.device_synchronize?.(chan);
}

export function dmaengine_terminate_sync(chan: DmaChan): number {
  checkChan("dmaengine_terminate_sync", chan);
  const rc = dmaengine_terminate_async(chan);
  if (rc) return rc;
  dmaengine_synchronize(chan);
  return 0;
}

/** The time dma_sync_wait gives a transfer before "timeout!" (5 s, as in dmaengine.c). */
export const DMA_SYNC_WAIT_TIMEOUT_PS = 5e12;

/** watchdog_thresh (10 s): how long a CPU spins with interrupts masked before an NMI-driven
 *  hard-lockup detector reports it. */
const HARD_LOCKUP_PS = 10e12;

/** dma_sync_wait with the CPU's interrupts masked (a caller holding spin_lock_irqsave). Its
 *  timeout counts jiffies, which only the tick interrupt advances, so on one CPU the 5 s never
 *  pass; a provider that completes cookies from its interrupt (pl330) never completes this one,
 *  and Linux spins for ever. dmasim spins watchdog_thresh of simulated time, logs the hard-lockup
 *  detector's report and throws, rather than hang its host. */
function syncWaitMasked(chan: DmaChan, cookie: DmaCookie, status: DmaStatus): DmaStatus {
  const k = chan.device.dev.kernel;
  const m = k.machine;
  const start = m.now();
  const limit = start + HARD_LOCKUP_PS;
  while (status === DMA_IN_PROGRESS) {
    if (m.now() >= limit) {
      k.printk.err("watchdog: Watchdog detected hard LOCKUP on cpu 0 (dma_sync_wait)");
      throw new KernelError(
        ETIMEDOUT,
        `dma_sync_wait on ${chan.name} cookie ${cookie} with interrupts disabled: the transfer's interrupt ${m.pendingIrq() >= 0 ? `(line ${m.pendingIrq()}) is pending, untaken` : "never came"} and jiffies do not advance, so Linux spins for ever; dmasim stopped after ${(m.now() - start) / 1e12} s of simulated time. Release the lock (spin_unlock_irqrestore) before waiting`,
      );
    }
    const woke = m.waitForInterrupt(limit);
    // A line high that the masked CPU does not take: nothing else will change the status.
    if (woke === null || m.pendingIrq() >= 0) m.idleUntil(limit);
    status = txComplete(chan, cookie);
  }
  return status;
}

/** dma_sync_wait: issues pending work and waits in simulated time for the transfer to end. The
 *  CPU spins in Linux; here it sleeps until an interrupt, which is what can end the wait. With
 *  the CPU's interrupts masked none can, and it spins (syncWaitMasked). */
export function dma_sync_wait(chan: DmaChan, cookie: DmaCookie): DmaStatus {
  checkChan("dma_sync_wait", chan);
  if (refuseUnregistered("dma_sync_wait", chan)) return DMA_ERROR;
  const k = chan.device.dev.kernel;
  dma_async_issue_pending(chan);
  let status = txComplete(chan, cookie);
  if (k.irq.irqs_disabled() && !k.irq.in_interrupt()) return syncWaitMasked(chan, cookie, status);
  const done = k.waitInterruptible(() => {
    status = txComplete(chan, cookie);
    return status !== DMA_IN_PROGRESS;
  }, DMA_SYNC_WAIT_TIMEOUT_PS);
  if (!done) {
    dev_err(chan.device.dev, "dma_sync_wait: timeout!");
    reportDmaHang(chan, "dma_sync_wait");
    return DMA_ERROR;
  }
  return status;
}
