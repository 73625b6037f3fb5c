// A poll with timeout_us 0 (iopoll.h: poll for ever) whose condition never comes true: what
// Linux prints about it, and where dmasim, which must not hang its host, stops it.
//
// A sleeping poll (readl_poll_timeout with sleep_us > 0) prints nothing, ever. Each lap's
// usleep_range sleeps in TASK_UNINTERRUPTIBLE and switches the task out, so khungtaskd
// (kernel/hung_task.c: check_hung_task, 4.9 and current alike) finds its nvcsw + nivcsw changed
// at every check and never reports it as blocked; the CPU idles in the sleeps, so no lockup
// detector fires either. The task sits in D state (counted in the load average) for ever.
//
// A spinning poll (sleep_us 0, or the _atomic polls) keeps the CPU. The soft-lockup watchdog
// (kernel/watchdog.c; CONFIG_SOFTLOCKUP_DETECTOR, in 4.9 CONFIG_LOCKUP_DETECTOR) kicks a
// per-CPU thread (4.9: watchdog/N at SCHED_FIFO; now the stopper running softlockup_fn) from an
// hrtimer every 2 * watchdog_thresh / 5 = 4 s, and at each kick checks whether the thread has
// run within 2 * watchdog_thresh = 20 of its seconds (get_timestamp: running_clock() >> 30, units
// of 2^30 ns). What it sees depends on the context of the poll:
//   - interrupts masked: its hrtimer cannot fire on this CPU, so it says nothing (a hard-lockup
//     detector, where one is configured, or another CPU's RCU stall warning would speak);
//   - preemption off (a lock held, a tasklet) with interrupts on: the thread cannot run, and
//     the first check past the threshold prints "BUG: soft lockup - CPU#0 stuck for 22s!
//     [insmod:100]" (pr_fmt "NMI watchdog: " in 4.9, "watchdog: " now);
//   - preemptible process context: with CONFIG_PREEMPT the thread preempts the poll and nothing
//     is printed; a kernel without preemption (PREEMPT_NONE, PREEMPT_VOLUNTARY) reports it as
//     above. dmasim prints only what Linux prints under either model: nothing, and says so.
// dmasim assumes the watchdog's hrtimer started at power-on, so it kicks at multiples of 4 s of
// simulated time, and that the thread ran at the last kick before the poll began. RCU CPU stall
// warnings, which a non-preemptible spin also draws after 21 s, are not modelled.

import { ETIMEDOUT, KernelError } from "./errno.js";
import type { Kernel } from "./kernel.js";
import { KERN_EMERG } from "./printk.js";

/** Laps a poll without a timeout may take before dmasim stops it (a few seconds of host time). */
export const POLL_FOREVER_LAPS = 1 << 24;
/** How long dmasim lets a sleeping poll go on: Linux never reports it, so this is dmasim's own
 *  bound (as long as khungtaskd's default timeout, CONFIG_DEFAULT_HUNG_TASK_TIMEOUT). */
const SLEEPING_POLL_PS = 120e12;
/** The watchdog's hrtimer period, 2 * watchdog_thresh / 5 s, and its threshold in units of
 *  get_timestamp, 2 * watchdog_thresh (watchdog_thresh 10 by default). */
const WATCHDOG_SAMPLE_PS = 4e12;
const SOFTLOCKUP_THRESH = 20;

/** get_timestamp(): running_clock() >> 30, running_clock counting nanoseconds from power-on. */
function timestamp(ps: number): number {
  return Math.floor(ps / 1e3 / 2 ** 30);
}

/** The watchdog check that would report a CPU spinning since `startPs`, and the "stuck for"
 *  seconds it prints: the first kick after the last touch (the kick at or before the start)
 *  whose timestamp is past touch + 20 (time_after: strictly). */
export function softLockupCheck(startPs: number): { atPs: number; stuckFor: number } {
  const touched = Math.floor(startPs / WATCHDOG_SAMPLE_PS) * WATCHDOG_SAMPLE_PS;
  let at = touched + WATCHDOG_SAMPLE_PS;
  while (timestamp(at) <= timestamp(touched) + SOFTLOCKUP_THRESH) at += WATCHDOG_SAMPLE_PS;
  return { atPs: at, stuckFor: timestamp(at) - timestamp(touched) };
}

/** One poll with no timeout, begun now: `lap` after each failed test stops it when it is time. */
export class PollForever {
  private readonly start: number;
  private readonly lockup: { atPs: number; stuckFor: number } | null;

  constructor(private readonly k: Kernel, private readonly fn: string, private readonly sleeping: boolean) {
    this.start = k.machine.now();
    this.lockup = sleeping ? null : softLockupCheck(this.start);
  }

  /** After lap `laps` read `val` and the condition failed: throws once the poll has gone on as
   *  long as dmasim allows, after printing what Linux would have printed by then. */
  lap(laps: number, val: number): void {
    const now = this.k.machine.now();
    const until = this.lockup ? this.lockup.atPs : this.start + SLEEPING_POLL_PS;
    if (laps < POLL_FOREVER_LAPS && now < until) return;
    const linux = this.sleeping ? SLEEPING_SAYS : this.spinningSays(now >= until);
    throw new KernelError(
      ETIMEDOUT,
      `${this.fn} with timeout_us 0 polled ${laps} times over ${((now - this.start) / 1e12).toFixed(3)} s of simulated time and the condition never held (last value 0x${(val >>> 0).toString(16)}); Linux would poll for ever, and ${linux}. dmasim stops here. Give a timeout, or check what should change the register`,
    );
  }

  /** What Linux says about a spinning poll, printing the soft-lockup report when it is due. */
  private spinningSays(due: boolean): string {
    const { irq } = this.k;
    const { atPs, stuckFor } = this.lockup!;
    const when = `${atPs / 1e12} s after power-on (the watchdog's first check past 20 s)`;
    if (irq.irqs_disabled()) return "with interrupts masked the soft-lockup watchdog's hrtimer cannot run on this CPU, so it prints nothing (a hard-lockup detector, where configured, or another CPU's RCU stall warning would)";
    if (!irq.in_atomic()) return `with CONFIG_PREEMPT the watchdog's thread preempts the loop and nothing is printed; a kernel without preemption (PREEMPT_NONE or VOLUNTARY) would print a soft lockup at ${when}`;
    if (!due) return `the soft-lockup watchdog would report it at ${when}`;
    const { pid, comm } = this.k.current;
    const prefix = this.k.version === "v4.9" ? "NMI watchdog: " : "watchdog: ";
    this.k.printk.log(KERN_EMERG, `${prefix}BUG: soft lockup - CPU#0 stuck for ${stuckFor}s! [${comm}:${pid}] (${this.fn})`);
    return "with preemption off the soft-lockup watchdog reports it (above), and again every 20 s";
  }
}

const SLEEPING_SAYS =
  "prints nothing: the task sleeps in every lap (usleep_range, TASK_UNINTERRUPTIBLE), so each lap switches it out and khungtaskd never finds it blocked, and the CPU idles in the sleeps";
