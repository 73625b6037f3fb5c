// The bug kind poll-irqs-off: a driver issues a memcpy whose completion callback sets a flag,
// then, holding its lock with spin_lock_irqsave, polls the flag with read_poll_timeout_atomic.
// Only the DMA's interrupt (pl330's handler, then its tasklet, then the callback) sets the flag,
// and the CPU's interrupts are masked: the DMAC finishes and raises its line, the line stays
// pending at the GIC, and the poll times out (-ETIMEDOUT) with the bytes already copied. The
// interrupt is taken at spin_unlock_irqrestore, too late. The fix polls with the lock released.

import type { System } from "../../system.js";
import { DMA_BIDIRECTIONAL, DMA_TO_DEVICE } from "../../dma/constants.js";
import {
  dma_async_issue_pending, dmaengine_prep_dma_memcpy, dmaengine_submit, dmaengine_tx_status,
} from "../../dmaengine/dmaengine.js";
import { DMA_PREP_INTERRUPT, STATUS_NAMES } from "../../dmaengine/types.js";
import type { PlatformDevice } from "../../kernel/device.js";
import type { Pl330Driver } from "../../drivers/pl330/driver.js";
import { INTSTATUS } from "../../drivers/pl330/regs.js";
import { readl } from "../../kernel/io.js";
import { read_poll_timeout_atomic } from "../../kernel/iopoll.js";
import { spin_lock_init, spin_lock_irqsave, spin_unlock_irqrestore } from "../../kernel/spinlock.js";
import { errnoName } from "../../kernel/errno.js";
import { pattern, countDifferent } from "../phase.js";
import { kmallocBuffers, mapSingle } from "../managed-buffers.js";
import type { Defer } from "../teardown.js";
import type { BugResult } from "./bug-kinds.js";
import { memcpyChannel } from "./memcpy-channel.js";

const LEN = 16 * 1024;
const DELAY_US = 10;
const TIMEOUT_US = 1000;

const hex = (n: number) => "0x" + (n >>> 0).toString(16);
const us = (ps: number) => Math.round(ps / 1e3) / 1e3;

export function pollIrqsOff(s: System, defer: Defer): BugResult {
  const { chan, dev } = memcpyChannel(s, defer);
  const drv = (dev as PlatformDevice).driverData as Pl330Driver;
  const [src, dst, flag] = kmallocBuffers(s, [LEN, LEN, 64], defer).vas;
  const dstPa = s.kernel.mm.virt_to_phys(dst);
  const data = pattern(LEN, 13);
  const lock = spin_lock_init(s);

  /** The driver's transfer and wait; what it saw when the poll returned, and after the unlock. */
  const run = (holdLock: boolean) => {
    s.cpu.write(src, data);
    s.cpu.fill(dst, 0, LEN);
    s.machine.cpu.store(flag, 4, 0);
    const srcMap = mapSingle(dev, src, LEN, DMA_TO_DEVICE, defer);
    const dstMap = mapSingle(dev, dst, LEN, DMA_BIDIRECTIONAL, defer);
    // Prepared here, not by submitMemcpy: the completion callback goes on before the submit.
    const tx = dmaengine_prep_dma_memcpy(chan, dstMap.addr, srcMap.addr, LEN, DMA_PREP_INTERRUPT);
    if (!tx) throw new Error(`dmaengine_prep_dma_memcpy of ${LEN} bytes failed`);
    let calledBackAt = -1;
    tx.callback = () => {
      calledBackAt = s.now();
      s.machine.cpu.store(flag, 4, 1);
    };
    const cookie = dmaengine_submit(tx);
    const start = s.now();
    dma_async_issue_pending(chan);
    const flags = holdLock ? spin_lock_irqsave(lock) : 0;
    const poll = read_poll_timeout_atomic(s, () => s.machine.cpu.load(flag, 4), (v) => v === 1, DELAY_US, TIMEOUT_US);
    const polledPs = s.now() - start;
    // What the driver could print before it unlocks: the DMAC's raw interrupt state through its
    // own mapping, the GIC's pending line, the channel's status and the destination in DRAM.
    const intstatus = readl(s.machine, drv.base + INTSTATUS);
    const pendingLine = s.machine.pendingIrq();
    const status = STATUS_NAMES[dmaengine_tx_status(chan, cookie)] ?? "?";
    const wrong = countDifferent(s.machine.backdoor.read(dstPa, LEN), data);
    const calledBackInPoll = calledBackAt >= 0;
    const unlockAt = s.now();
    if (holdLock) spin_unlock_irqrestore(lock, flags);
    dstMap.unmap();
    srcMap.unmap();
    return {
      ret: poll.ret, polledPs, intstatus, pendingLine, status, wrong, calledBackInPoll,
      callbackAfterUnlockPs: calledBackInPoll ? 0 : calledBackAt - unlockAt,
      callbackAt: calledBackAt - start,
    };
  };

  const bug = run(true);
  const fix = run(false);
  // The GIC lines (hwirqs) of the irqs the driver requested, beside the line the GIC had pending.
  const dmacIrqs = drv.irqs.map((irq) => s.kernel.irq.hwirq(irq)).join(", ");
  return {
    kind: "poll-irqs-off",
    symptom:
      `inside spin_lock_irqsave the driver polled its completion flag with read_poll_timeout_atomic(delay ${DELAY_US} us, timeout ${TIMEOUT_US} us): ` +
      `${bug.ret ? errnoName(bug.ret) : "0"} after ${us(bug.polledPs)} us of simulated time. Meanwhile the DMA had finished: ${bug.wrong} of ${LEN} bytes at ` +
      `the destination differ from the source, the PL330's INTSTATUS read ${hex(bug.intstatus)} and the GIC had line ${bug.pendingLine} pending ` +
      `(the DMAC's: ${dmacIrqs}), but with the CPU's interrupts masked nothing took it: dmaengine_tx_status said ${bug.status} (pl330 completes cookies ` +
      `in its interrupt handler's tasklet). The interrupt was taken at spin_unlock_irqrestore and the callback ran ${us(bug.callbackAfterUnlockPs)} us after it`,
    fixed:
      `polling with the lock released (IRQs on), the interrupt was taken during a udelay and the callback set the flag ${us(fix.callbackAt)} us after ` +
      `issue_pending: the poll returned ${fix.ret ? errnoName(fix.ret) : "0"} after ${us(fix.polledPs)} us`,
    reproduced: bug.ret !== 0 && !bug.calledBackInPoll && bug.wrong === 0 && fix.ret === 0,
    details: {
      bytes: LEN, delayUs: DELAY_US, timeoutUs: TIMEOUT_US, pollRet: bug.ret, pollUs: us(bug.polledPs), intstatus: bug.intstatus,
      pendingIrq: bug.pendingLine, txStatus: bug.status, wrongBytes: bug.wrong, callbackAfterUnlockUs: us(bug.callbackAfterUnlockPs),
      fixedPollRet: fix.ret, fixedPollUs: us(fix.polledPs), fixedCallbackUs: us(fix.callbackAt), fixedWrongBytes: fix.wrong,
    },
  };
}
