// Linux's dmatest (drivers/dma/dmatest.c) for memcpy channels: channels requested by capability
// (optionally by name or controller), threads_per_chan test threads on each, all running at
// once. Each test picks a random length and random source and destination offsets inside
// test_buf_size buffers, fills both buffers with the patterns of dmatest-pattern.ts, maps them
// (DMA_TO_DEVICE / DMA_BIDIRECTIONAL), copies with dmaengine_prep_dma_memcpy, waits for the
// callback (or polls with dma_sync_wait), and verifies the copied region and everything around
// it. Each thread ends with Linux's summary line. Randomness comes from a seeded generator, so
// a run is deterministic; runtimes are simulated time.
//
// The threads are kernel threads in Linux; here each is a generator that yields when it would
// sleep, and the loop below sleeps in simulated time until one of them can go on.

import type { Kernel } from "../kernel/kernel.js";
import type { VirtAddr } from "../hw/address.js";
import { errnoName, ENOMEM } from "../kernel/errno.js";
import { GFP_KERNEL, PAGE_SIZE } from "../mm/gfp.js";
import { DMA_BIDIRECTIONAL, DMA_TO_DEVICE } from "../dma/constants.js";
import { dma_map_page, dma_mapping_error, dma_unmap_page } from "../dma/mapping.js";
import { dma_chan_name, dma_release_channel, dma_request_channel } from "./dmaengine.js";
import {
  dmaengine_prep_dma_memcpy, dmaengine_submit, dma_async_issue_pending, dma_async_is_tx_complete, dma_sync_wait,
  dmaengine_terminate_sync,
} from "./transfer.js";
import { DMA_COMPLETE, DMA_CTRL_ACK, DMA_ERROR, DMA_MEMCPY, DMA_PREP_INTERRUPT, dma_submit_error, type DmaChan } from "./types.js";
import { PATTERN_COPY, PATTERN_DST, PATTERN_SRC, dmatest_init_dsts, dmatest_init_srcs, dmatest_verify } from "./dmatest-pattern.js";

/** The module parameters of dmatest, plus dmasim's `channels` and `seed`. */
export interface DmatestParams {
  /** Size of the memcpy test buffers (default 16384). */
  test_buf_size?: number;
  /** Bus ID of the one channel to test, e.g. "dma0chan2" (default: any). */
  channel?: string;
  /** The channels to test, by name (dmasim: a channel set in one run). */
  channels?: string[];
  /** dev_name of the DMA controller to test, e.g. "f8003000.dma-controller" (default: any). */
  device?: string;
  threads_per_chan?: number;
  /** Maximum number of channels to use (default 0: all). */
  max_channels?: number;
  /** Tests per thread. Linux's 0 runs until stopped; nothing stops a simulation, so ≥ 1. */
  iterations?: number;
  /** Transfer timeout in ms of simulated time (default 3000). */
  timeout?: number;
  noverify?: boolean;
  /** No random offsets or lengths: whole buffers. */
  norandom?: boolean;
  /** log2 of the address and length alignment (default -1: the controller's copy_align). */
  alignment?: number;
  /** A fixed transfer size instead of random lengths (default 0: random). */
  transfer_size?: number;
  /** Poll with dma_sync_wait instead of waiting for the callback. */
  polled?: boolean;
  /** Print a result line for passing tests too. */
  verbose?: boolean;
  /** Seed of the generator that stands in for prandom (default 1). */
  seed?: number;
}

export interface DmatestThreadResult {
  /** The thread's name, "dma0chan0-copy0". */
  thread: string;
  channel: string;
  tests: number;
  failures: number;
  /** Bytes requested over all tests. */
  bytes: number;
  /** Simulated time the thread ran, less buffer filling and verification (µs). */
  runtimeUs: number;
  iops: number;
  kbPerSec: number;
  /** "dma0chan0-copy0: summary 10 tests, 0 failures 1234.56 iops 5678 KB/s (0)" */
  summary: string;
}

export interface DmatestResult {
  threads: DmatestThreadResult[];
  /** Every line dmatest printed, as dmesg shows them after the timestamp. */
  log: string[];
}

/** What a sleeping thread waits for: a condition, or the time it gives up. */
interface Sleep {
  until: () => boolean;
  deadlinePs: number;
}

const PS_PER_MS = 1e9;
const PS_PER_US = 1e6;
const FIXPT_SHIFT = 8n;

/** dmatest_persec in 24.8 fixed point: val per second of `runtimeUs`. */
function dmatest_persec(runtimeUs: number, val: number): bigint {
  if (runtimeUs <= 0) return 0n;
  let runtime = BigInt(runtimeUs);
  let perSec = 1000000n;
  // Linux drops precision until the runtime fits in 32 bits (do_div takes a u32 divisor).
  while (runtime > 0xffffffffn) {
    runtime >>= 1n;
    perSec <<= 1n;
  }
  return ((perSec * BigInt(val)) << FIXPT_SHIFT) / runtime;
}

/** A seeded 32-bit generator (mulberry32) in place of prandom_bytes. */
function prandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return (z ^ (z >>> 14)) >>> 0;
  };
}

interface Buffer {
  raw: VirtAddr;
  aligned: VirtAddr;
}

class DmatestRun {
  readonly log: string[] = [];
  readonly results: DmatestThreadResult[] = [];

  constructor(
    readonly k: Kernel,
    readonly p: Required<Omit<DmatestParams, "channel" | "channels" | "device">> & DmatestParams,
  ) {}

  info(line: string): void {
    this.log.push(`dmatest: ${line}`);
    this.k.printk.info(`dmatest: ${line}`);
  }

  warn(line: string): void {
    this.log.push(`dmatest: ${line}`);
    this.k.printk.warn(`dmatest: ${line}`);
  }

  /** result(): a test's outcome line. */
  result(thread: string, err: string, n: number, srcOff: number, dstOff: number, len: number, data: number, always = true): void {
    const line = `${thread}: result #${n}: '${err}' with src_off=0x${srcOff.toString(16)} dst_off=0x${dstOff.toString(16)} len=0x${len.toString(16)} (${data})`;
    if (always || this.p.verbose) this.info(line);
  }

  private alloc(bufSize: number, align: number): Buffer | null {
    const raw = this.k.kmalloc(bufSize + align, GFP_KERNEL);
    if (!raw) return null;
    // PTR_ALIGN (dmatest passes the log2 where the byte count belongs; the intent is kept here).
    const aligned = align ? raw + ((align - (this.k.mm.virt_to_phys(raw) % align)) % align) : raw;
    return { raw, aligned };
  }

  /** dmatest_func: one thread's tests. */
  *thread(chan: DmaChan, name: string, seed: number): Generator<Sleep, void, void> {
    const p = this.p;
    const k = this.k;
    const cpu = k.machine.cpu;
    const dev = chan.device.dev;
    const random = prandom(seed);
    const alignLog = p.alignment < 0 ? chan.device.copy_align : p.alignment;
    const align = alignLog > 0 ? 1 << alignLog : 0;
    const bufSize = p.test_buf_size;
    let total = 0;
    let failed = 0;
    let totalLen = 0;
    let fillPs = 0;
    let comparePs = 0;
    let ret = 0;
    const start = k.machine.now();
    const src = (1 << alignLog) > bufSize ? null : this.alloc(bufSize, align);
    const dst = src ? this.alloc(bufSize, align) : null;
    if ((1 << alignLog) > bufSize) this.warn(`${bufSize}-byte buffer too small for ${1 << alignLog}-byte alignment`);
    if (!src || !dst) ret = -ENOMEM;
    const flags = p.polled ? DMA_CTRL_ACK : DMA_CTRL_ACK | DMA_PREP_INTERRUPT;

    while (src && dst && total < p.iterations) {
      total++;
      let len: number;
      if (p.transfer_size) {
        if (p.transfer_size >= bufSize) {
          this.warn(`${p.transfer_size}-byte transfer size must be lower than ${bufSize}-buffer size`);
          break;
        }
        len = p.transfer_size;
      } else if (p.norandom) len = bufSize;
      else len = (random() % bufSize) + 1;
      if (!p.transfer_size) {
        len = (len >>> alignLog) << alignLog;
        if (!len) len = 1 << alignLog;
      }
      totalLen += len;
      let srcOff = 0;
      let dstOff = 0;
      if (!p.norandom) {
        srcOff = random() % (bufSize - len + 1);
        dstOff = random() % (bufSize - len + 1);
        srcOff = (srcOff >>> alignLog) << alignLog;
        dstOff = (dstOff >>> alignLog) << alignLog;
      }
      if (!p.noverify) {
        const t0 = k.machine.now();
        cpu.write(src.aligned, dmatest_init_srcs(bufSize, srcOff, len));
        cpu.write(dst.aligned, dmatest_init_dsts(bufSize, dstOff, len));
        fillPs += k.machine.now() - t0;
      }

      const srcPa = k.mm.virt_to_phys(src.aligned);
      const dstPa = k.mm.virt_to_phys(dst.aligned);
      const srcDma = dma_map_page(dev, Math.floor(srcPa / PAGE_SIZE), srcPa % PAGE_SIZE, bufSize, DMA_TO_DEVICE);
      let mapErr = dma_mapping_error(dev, srcDma);
      if (mapErr) {
        this.result(name, "src mapping error", total, srcOff, dstOff, len, mapErr);
        failed++;
        continue;
      }
      // Mapped bidirectional to force both writeback and invalidate.
      const dstDma = dma_map_page(dev, Math.floor(dstPa / PAGE_SIZE), dstPa % PAGE_SIZE, bufSize, DMA_BIDIRECTIONAL);
      mapErr = dma_mapping_error(dev, dstDma);
      const unmap = (withDst: boolean) => {
        dma_unmap_page(dev, srcDma, bufSize, DMA_TO_DEVICE);
        if (withDst) dma_unmap_page(dev, dstDma, bufSize, DMA_BIDIRECTIONAL);
      };
      if (mapErr) {
        this.result(name, "dst mapping error", total, srcOff, dstOff, len, mapErr);
        unmap(false);
        failed++;
        continue;
      }

      const tx = dmaengine_prep_dma_memcpy(chan, dstDma + dstOff, srcDma + srcOff, len, flags);
      if (!tx) {
        this.result(name, "prep error", total, srcOff, dstOff, len, 0);
        yield { until: () => false, deadlinePs: k.machine.now() + 100 * PS_PER_MS };
        unmap(true);
        failed++;
        continue;
      }
      let done = false;
      if (!p.polled) tx.callback = () => (done = true);
      const cookie = dmaengine_submit(tx);
      if (dma_submit_error(cookie)) {
        this.result(name, "submit error", total, srcOff, dstOff, len, 0);
        yield { until: () => false, deadlinePs: k.machine.now() + 100 * PS_PER_MS };
        unmap(true);
        failed++;
        continue;
      }
      let status;
      if (p.polled) {
        status = dma_sync_wait(chan, cookie);
        dmaengine_terminate_sync(chan);
        if (status === DMA_COMPLETE) done = true;
      } else {
        dma_async_issue_pending(chan);
        yield { until: () => done, deadlinePs: k.machine.now() + p.timeout * PS_PER_MS };
        status = dma_async_is_tx_complete(chan, cookie);
      }
      if (!done) {
        this.result(name, "test timed out", total, srcOff, dstOff, len, 0);
        unmap(true);
        failed++;
        continue;
      } else if (status !== DMA_COMPLETE) {
        this.result(name, status === DMA_ERROR ? "completion error status" : "completion busy status", total, srcOff, dstOff, len, 0);
        unmap(true);
        failed++;
        continue;
      }
      unmap(true);
      if (p.noverify) {
        this.result(name, "test passed", total, srcOff, dstOff, len, 0, false);
        continue;
      }

      const t0 = k.machine.now();
      const s = cpu.read(src.aligned, bufSize);
      const d = cpu.read(dst.aligned, bufSize);
      const warn = (line: string) => this.warn(line);
      let errors = dmatest_verify(name, s, 0, srcOff, 0, PATTERN_SRC, true, warn);
      errors += dmatest_verify(name, s, srcOff, srcOff + len, srcOff, PATTERN_SRC | PATTERN_COPY, true, warn);
      errors += dmatest_verify(name, s, srcOff + len, bufSize, srcOff + len, PATTERN_SRC, true, warn);
      errors += dmatest_verify(name, d, 0, dstOff, 0, PATTERN_DST, false, warn);
      errors += dmatest_verify(name, d, dstOff, dstOff + len, srcOff, PATTERN_SRC | PATTERN_COPY, false, warn);
      errors += dmatest_verify(name, d, dstOff + len, bufSize, dstOff + len, PATTERN_DST, false, warn);
      comparePs += k.machine.now() - t0;
      if (errors) {
        this.result(name, "data error", total, srcOff, dstOff, len, errors);
        failed++;
      } else {
        this.result(name, "test passed", total, srcOff, dstOff, len, 0, false);
      }
    }

    const runtimeUs = Math.floor((k.machine.now() - start - comparePs - fillPs) / PS_PER_US);
    if (src) k.kfree(src.raw);
    if (dst) k.kfree(dst.raw);
    const iops = dmatest_persec(runtimeUs, total);
    const kbs = dmatest_persec(runtimeUs, Math.floor(totalLen / 1024)) >> FIXPT_SHIFT;
    const whole = iops >> FIXPT_SHIFT;
    const frac = ((iops & 0xffn) * 100n) >> FIXPT_SHIFT;
    const summary = `${name}: summary ${total} tests, ${failed} failures ${whole}.${String(frac).padStart(2, "0")} iops ${kbs} KB/s (${ret})`;
    this.info(summary);
    if (ret) this.warn(`${name}: ${errnoName(ret)}`);
    if (ret || failed) dmaengine_terminate_sync(chan);
    this.results.push({
      thread: name, channel: dma_chan_name(chan), tests: total, failures: failed, bytes: totalLen, runtimeUs,
      iops: Number(whole) + Number(frac) / 100, kbPerSec: Number(kbs), summary,
    });
  }
}

function checkParams(p: DmatestParams): void {
  const count = (name: keyof DmatestParams, v: unknown, min: number) => {
    if (v !== undefined && (!Number.isInteger(v) || (v as number) < min)) throw new RangeError(`dmatest: ${name} must be an integer ≥ ${min}, not ${String(v)}`);
  };
  count("test_buf_size", p.test_buf_size, 1);
  count("threads_per_chan", p.threads_per_chan, 1);
  count("max_channels", p.max_channels, 0);
  count("iterations", p.iterations, 1);
  count("timeout", p.timeout, 0);
  count("transfer_size", p.transfer_size, 0);
  if (p.alignment !== undefined && (!Number.isInteger(p.alignment) || p.alignment < -1 || p.alignment > 30)) {
    throw new RangeError(`dmatest: alignment must be -1 … 30, not ${p.alignment}`);
  }
}

/** Runs dmatest's memcpy threads on the channels the parameters select, all at once, until
 *  each has done `iterations` tests; then releases the channels. */
export function dmatest(owner: Kernel | { kernel: Kernel }, params: DmatestParams = {}): DmatestResult {
  checkParams(params);
  const k = "dmaengine" in owner ? owner : owner.kernel;
  const run = new DmatestRun(k, {
    test_buf_size: 16384, threads_per_chan: 1, max_channels: 0, iterations: 1, timeout: 3000, noverify: false,
    norandom: false, alignment: -1, transfer_size: 0, polled: false, verbose: false, seed: 1, ...params,
  });
  const p = run.p;
  const wanted = p.channels ? new Set(p.channels) : null;
  const filter = (chan: DmaChan) =>
    (!p.channel || dma_chan_name(chan) === p.channel) &&
    (!wanted || wanted.has(dma_chan_name(chan))) &&
    (!p.device || chan.device.dev.name === p.device);

  // request_channels(DMA_MEMCPY) and dmatest_add_threads
  const chans: DmaChan[] = [];
  for (;;) {
    const chan = dma_request_channel(k, DMA_MEMCPY, filter);
    if (!chan) break;
    chans.push(chan);
    run.info(`Added ${p.threads_per_chan} threads using ${dma_chan_name(chan)}`);
    if (p.max_channels && chans.length >= p.max_channels) break;
  }
  const threads = chans.flatMap((chan, c) =>
    Array.from({ length: p.threads_per_chan }, (_, i) => ({
      name: `${dma_chan_name(chan)}-copy${i}`,
      gen: run.thread(chan, `${dma_chan_name(chan)}-copy${i}`, (p.seed ^ Math.imul(c * p.threads_per_chan + i + 1, 0x9e3779b9)) >>> 0),
      sleep: null as Sleep | null,
      finished: false,
    })),
  );
  for (const chan of chans) run.info(`Started ${p.threads_per_chan} threads using ${dma_chan_name(chan)}`);

  const m = k.machine;
  for (;;) {
    for (const t of threads) {
      while (!t.finished && (!t.sleep || t.sleep.until() || m.now() >= t.sleep.deadlinePs)) {
        const r = t.gen.next();
        t.sleep = r.done ? null : r.value;
        t.finished = !!r.done;
      }
    }
    const sleeping = threads.filter((t) => !t.finished);
    if (!sleeping.length) break;
    const deadline = Math.min(...sleeping.map((t) => t.sleep!.deadlinePs));
    const woke = k.waitEvent(() => sleeping.some((t) => t.sleep!.until()), Math.max(0, deadline - m.now()));
    // Nothing left to interrupt the sleep: the earliest timeout is what wakes a thread.
    if (!woke && m.now() < deadline) m.idleUntil(deadline);
  }

  // stop_threaded_test
  for (const chan of chans) {
    dmaengine_terminate_sync(chan);
    dma_release_channel(chan);
  }
  const order = threads.map((t) => t.name);
  const results = [...run.results].sort((a, b) => order.indexOf(a.thread) - order.indexOf(b.thread));
  return { threads: results, log: run.log };
}
