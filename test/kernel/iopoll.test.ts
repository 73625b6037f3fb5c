// iopoll.h: readl_poll_timeout returns 0 and the value once a PL330 thread has stopped, and
// -ETIMEDOUT after the timeout's simulated time for a condition never met.

import { describe, expect, it } from "vitest";
import { zynq } from "../helpers/system.js";
import { createSystem } from "../../src/create.js";
import { dma_alloc_coherent } from "../../src/dma/mapping.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { dma_request_chan_by_mask, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_async_issue_pending } from "../../src/dmaengine/dmaengine.js";
import { DMA_MEMCPY } from "../../src/dmaengine/types.js";
import { readl } from "../../src/kernel/io.js";
import { read_poll_timeout_atomic, readl_poll_timeout, readl_poll_timeout_atomic } from "../../src/kernel/iopoll.js";
import { ETIMEDOUT, KernelError } from "../../src/kernel/errno.js";
import { softLockupCheck } from "../../src/kernel/poll-forever.js";
import { thrown } from "../helpers/thrown.js";
import { local_irq_restore, local_irq_save } from "../../src/kernel/irqflags.js";
import { spin_lock, spin_lock_init } from "../../src/kernel/spinlock.js";
import type { Pl330Chan } from "../../src/drivers/pl330/channel.js";

const CS = (n: number) => 0x100 + n * 8; // spec pl330: Channel Status, state in bits [3:0], 0 = Stopped
const FTR0 = 0x40; // Fault Type of thread 0: never has bit 31 set without a fault

/** A Zynq with a memcpy channel, its DMAC's FTR0 (a register whose bit 31 never sets here), and
 *  what one readl of it and one cpu_relax cost, measured on the machine before the poll. */
async function ftrRig(kernel: "modern" | "v4.9" = "modern") {
  const s = await createSystem({ board: "zynq-7000", kernel });
  const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
  const reg = (chan.priv as Pl330Chan).dmac.base + FTR0;
  const t = s.now();
  readl(s.machine, reg);
  const read = s.now() - t;
  const relax = Math.round(1e6 / s.machine.profile.cpu.clockMHz);
  return { s, reg, read, relax };
}

describe("iopoll.h", () => {
  it("readl_poll_timeout returns 0 with the value once the channel's thread stops", async () => {
    const s = await zynq();
    const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
    const pch = chan.priv as Pl330Chan;
    const a = dma_alloc_coherent(chan.device.dev, 16384, GFP_KERNEL)!;
    const b = dma_alloc_coherent(chan.device.dev, 16384, GFP_KERNEL)!;
    s.cpu.fill(a.cpuAddr, 0xc3, 16384);
    dmaengine_submit(dmaengine_prep_dma_memcpy(chan, b.dmaAddr, a.dmaAddr, 16384, 0)!);
    dma_async_issue_pending(chan);
    const cs = pch.dmac.base + CS(pch.thread!.id);
    expect(readl(s.machine, cs) & 0xf).not.toBe(0);
    const { ret, val } = readl_poll_timeout(s, cs, (v) => (v & 0xf) === 0, 1, 10_000);
    expect(ret).toBe(0);
    expect(val & 0xf).toBe(0);
    expect(s.cpu.read(b.cpuAddr, 16384)).toEqual(new Uint8Array(16384).fill(0xc3));
  });

  it("readl_poll_timeout on a condition never met gives -ETIMEDOUT after 10 sleeps of 10 µs and 12 reads", async () => {
    const { s, reg, read, relax } = await ftrRig();
    const t = s.now();
    // Laps: read, not past the deadline, usleep_range(3, 10) wakes at 10 µs, cpu_relax. After
    // 10 laps the 11th read is past 100 µs, so one more read and out.
    const { ret, val } = readl_poll_timeout(s, reg, (v) => (v & 0x80000000) !== 0, 10, 100);
    expect(ret).toBe(-ETIMEDOUT);
    expect(val).toBe(0);
    expect(s.now() - t).toBe(10 * (10e6 + relax) + 12 * read);
  });

  it("readl_poll_timeout_atomic counts its timeout down by the udelays, not by the clock", async () => {
    const { s, reg, read, relax } = await ftrRig();
    const t = s.now();
    // left = 20000 ns; each lap takes 5000 + 1: after 4 laps -4 ns < 0, so 5 reads + the last.
    const { ret } = readl_poll_timeout_atomic(s, reg, () => false, 5, 20);
    expect(ret).toBe(-ETIMEDOUT);
    expect(s.now() - t).toBe(4 * (5e6 + relax) + 6 * read);
  });

  it("readl_poll_timeout_atomic with delay_us 0 (current Linux) runs timeout_us * 1000 + 1 laps whatever a read costs", async () => {
    const { s, reg, read, relax } = await ftrRig();
    const t = s.now();
    // left = 2000 ns, 1 ns a lap: after 2001 laps it is -1, so read 2002 times out and one more
    // read follows: 2001 cpu_relax and 2003 reads.
    const { ret } = readl_poll_timeout_atomic(s, reg, () => false, 0, 2);
    expect(ret).toBe(-ETIMEDOUT);
    expect(s.now() - t).toBe(2001 * relax + 2003 * read);
    expect(s.now() - t).toBeGreaterThan(2001 * read);
  });

  it("readl_poll_timeout_atomic on 4.9 judges the timeout by the clock (ktime_get): with delay_us 0 it ends one read after the first read past timeout_us, no cpu_relax", async () => {
    const { s, reg, read } = await ftrRig("v4.9");
    const t = s.now();
    // iopoll.h 4.9: lap n ends its read at n × read; the first n with n × read > 2 µs times out,
    // then one more read.
    const n = Math.floor(2e6 / read) + 1;
    const { ret, val } = readl_poll_timeout_atomic(s, reg, (v) => (v & 0x80000000) !== 0, 0, 2);
    expect(ret).toBe(-ETIMEDOUT);
    expect(val).toBe(0);
    expect(s.now() - t).toBe((n + 1) * read);
  });

  it("readl_poll_timeout_atomic on 4.9 with delays: the reads count toward the timeout, so it ends laps earlier than the countdown", async () => {
    const { s, reg, read } = await ftrRig("v4.9");
    const t = s.now();
    // Lap n's read ends at n × read + (n - 1) × 1 µs; the first n past 100 µs times out, then
    // one more read: n - 1 udelays, n + 1 reads. Current Linux would count 100 laps of 1001 ns.
    let n = 1;
    while (n * read + (n - 1) * 1e6 <= 100e6) n++;
    expect(n).toBeLessThan(101);
    const { ret } = readl_poll_timeout_atomic(s, reg, () => false, 1, 100);
    expect(ret).toBe(-ETIMEDOUT);
    expect(s.now() - t).toBe((n - 1) * 1e6 + (n + 1) * read);
  });

  it("readl_poll_timeout on 4.9 has no cpu_relax between sleeps", async () => {
    const { s, reg, read } = await ftrRig("v4.9");
    const t = s.now();
    const { ret } = readl_poll_timeout(s, reg, (v) => (v & 0x80000000) !== 0, 10, 100);
    expect(ret).toBe(-ETIMEDOUT);
    expect(s.now() - t).toBe(10 * 10e6 + 12 * read);
  });

  it("a sleeping poll with no timeout prints nothing (each lap's sleep is a context switch: khungtaskd never finds it blocked); dmasim stops it after 120 s and says so", async () => {
    const { s, reg } = await ftrRig();
    const t = s.now();
    // 1 ms sleeps: about 120,000 laps.
    const err = thrown(() => readl_poll_timeout(s, reg, (v) => (v & 0x80000000) !== 0, 1000, 0));
    expect(err).toBeInstanceOf(KernelError);
    expect((err as KernelError).errno).toBe(-ETIMEDOUT);
    expect((err as Error).message).toMatch(/timeout_us 0 .* Linux would poll for ever, and prints nothing: .*khungtaskd never finds it blocked/);
    expect(s.now() - t).toBeGreaterThanOrEqual(120e12);
    expect(s.kernel.printk.grep("blocked for more than")).toEqual([]);
    expect(s.kernel.printk.grep("soft lockup")).toEqual([]);
  });

  it("an atomic poll with no timeout under a lock (preemption off, IRQs on): the soft-lockup report at the watchdog's first check past 20 s, in each version's words", async () => {
    for (const [kernel, prefix] of [["modern", "watchdog: "], ["v4.9", "NMI watchdog: "]] as const) {
      const { s, reg } = await ftrRig(kernel);
      // Within 4 s of power-on the watchdog last touched at 0; its checks fall every 4 s, and
      // the first whose timestamp (ns >> 30) passes 20 is at 24 s: 24e9 / 2^30 = 22.35 -> 22
      // (at 20 s: 18.6 -> 18).
      expect(s.now()).toBeLessThan(4e12);
      const lock = spin_lock_init(s);
      spin_lock(lock);
      const err = thrown(() => readl_poll_timeout_atomic(s, reg, () => false, 100, 0));
      expect((err as Error).message).toMatch(/readl_poll_timeout_atomic with timeout_us 0 .* the soft-lockup watchdog reports it \(above\)/);
      expect(s.kernel.printk.grep("soft lockup")).toEqual([`${prefix}BUG: soft lockup - CPU#0 stuck for 22s! [insmod:100] (readl_poll_timeout_atomic)`]);
      // Stopped at the first lap's end at or after 24 s: a lap is 100 us plus a read.
      expect(s.now()).toBeGreaterThanOrEqual(24e12);
      expect(s.now()).toBeLessThan(24e12 + 101e6);
    }
  });

  it("a spin under a lock that dmasim stops at its lap limit before the watchdog's check prints no report yet, and says when it would", async () => {
    // delay_us 0: each lap is one read, so 2^24 laps end well before 24 s of simulated time (the
    // first check past 20 s for a spin begun within 4 s of power-on); no check has fired by then.
    const { s, reg, read } = await ftrRig();
    expect(s.now()).toBeLessThan(4e12);
    expect(2 ** 24 * read).toBeLessThan(20e12);
    const lock = spin_lock_init(s);
    spin_lock(lock);
    const err = thrown(() => readl_poll_timeout_atomic(s, reg, () => false, 0, 0));
    expect((err as Error).message).toMatch(/readl_poll_timeout_atomic with timeout_us 0 polled 16777216 times .* the soft-lockup watchdog would report it at 24 s after power-on/);
    expect(s.kernel.printk.grep("soft lockup")).toEqual([]);
    expect(s.now()).toBeLessThan(24e12);
  }, 30_000); // 2^24 simulated register reads: seconds on a busy 2-core machine

  it("an atomic poll with no timeout and IRQs masked: the watchdog's hrtimer cannot run, so nothing is printed", async () => {
    const { s, reg } = await ftrRig();
    const flags = local_irq_save(s);
    const err = thrown(() => readl_poll_timeout_atomic(s, reg, () => false, 100, 0));
    local_irq_restore(s, flags);
    expect((err as Error).message).toMatch(/with interrupts masked the soft-lockup watchdog's hrtimer cannot run on this CPU, so it prints nothing/);
    expect(s.kernel.printk.grep("soft lockup")).toEqual([]);
    expect(s.now()).toBeGreaterThanOrEqual(24e12);
  });

  it("a spinning poll with no timeout in preemptible process context prints nothing (with CONFIG_PREEMPT the watchdog thread runs) and names the check a non-preemptible kernel would report at", async () => {
    const { s, reg } = await ftrRig();
    const err = thrown(() => readl_poll_timeout_atomic(s, reg, () => false, 100, 0));
    expect((err as Error).message).toMatch(/with CONFIG_PREEMPT the watchdog's thread preempts the loop and nothing is printed; a kernel without preemption .* would print a soft lockup at 24 s after power-on/);
    expect(s.kernel.printk.grep("soft lockup")).toEqual([]);
  });

  it("the soft-lockup check for a spin begun 5.5 s after power-on: touched at 4 s (timestamp 3), reported at 28 s (timestamp 26 > 3 + 20; 24 s gives 22), stuck for 23 s", () => {
    expect(softLockupCheck(5.5e12)).toEqual({ atPs: 28e12, stuckFor: 23 });
  });

  it("readl_poll_timeout gives up only once the clock is past the timeout, not at it (ktime_compare > 0)", async () => {
    const { s, reg, read, relax } = await ftrRig();
    // sleep_us 0: the k-th test of the clock comes k reads and k - 1 cpu_relaxes after the start.
    // Pick the first k where that falls on a whole microsecond and make it the timeout: that lap
    // goes on, so the poll reads k + 1 times, then once more past the timeout.
    let k = 1;
    while ((k * read + (k - 1) * relax) % 1e6 !== 0 && k < 1e5) k++;
    expect(k).toBeLessThan(1e5);
    const timeoutUs = (k * read + (k - 1) * relax) / 1e6;
    const t = s.now();
    const { ret } = readl_poll_timeout(s, reg, (v) => (v & 0x80000000) !== 0, 0, timeoutUs);
    expect(ret).toBe(-ETIMEDOUT);
    expect(s.now() - t).toBe((k + 2) * read + k * relax);
  });

  it("readl_poll_timeout_atomic with delay_us 0 times out when its count goes below 0, not at 0", async () => {
    const { s, reg, read, relax } = await ftrRig();
    // 1 µs = 1000 ns, 1 ns a lap: after 1000 laps the count is 0 (not < 0), lap 1001 relaxes it
    // to -1, lap 1002's test gives up: 1002 reads + the last, 1001 cpu_relaxes.
    const t = s.now();
    const { ret } = readl_poll_timeout_atomic(s, reg, () => false, 0, 1);
    expect(ret).toBe(-ETIMEDOUT);
    expect(s.now() - t).toBe(1003 * read + 1001 * relax);
  });

  it("a condition met by the read after the timeout gives 0, as iopoll.h tests it once more", async () => {
    const { s, reg } = await ftrRig();
    // The register's value changes between reads as a device's would: here the condition holds
    // from its third test on. Laps: read 1, 5000 ns left, udelay(5) and cpu_relax leave -1;
    // read 2, timed out: read 3 holds.
    let tests = 0;
    const { ret, val } = readl_poll_timeout_atomic(s, reg, () => ++tests >= 3, 5, 5);
    expect(tests).toBe(3);
    expect(ret).toBe(0);
    expect(val).toBe(0);
  });
  it("read_poll_timeout_atomic on 4.9 times out only once the clock is strictly past the timeout (ktime_compare(...) > 0)", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel: "v4.9" });
    let reads = 0;
    const t = s.now();
    // An op that costs no time and udelay(1) a lap: checks at 0, 1, 2, 3 µs (3 is not past 3),
    // 4 µs times out, then the last read: 6 reads over 4 µs.
    const { ret } = read_poll_timeout_atomic(s, () => ++reads, () => false, 1, 3);
    expect(ret).toBe(-ETIMEDOUT);
    expect(reads).toBe(6);
    expect(s.now() - t).toBe(4e6);
  });
});
