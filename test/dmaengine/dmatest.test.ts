// dmatest (src/dmaengine/dmatest.ts) against Linux's algorithm: its patterns byte by byte, its
// messages for wrong bytes, its summary arithmetic, channel selection, and that a provider that
// copies wrongly, or never finishes, is caught.

import { describe, expect, it } from "vitest";
import { zynq } from "../helpers/system.js";
import { dmatest } from "../../src/dmaengine/dmatest.js";
import {
  dmatest_init_srcs, dmatest_init_dsts, dmatest_verify, PATTERN_SRC, PATTERN_COPY, PATTERN_DST,
} from "../../src/dmaengine/dmatest-pattern.js";
import { dma_request_chan_by_mask, dma_release_channel } from "../../src/dmaengine/dmaengine.js";
import { DMA_MEMCPY } from "../../src/dmaengine/types.js";

describe("dmatest patterns", () => {
  it("mark source bytes 0x80, copied ones 0x40, overwritten ones 0x20, over an inverted counter", () => {
    // Byte i: bit 7 source, bit 6 to copy / bit 5 to overwrite, low five bits ~i & 0x1f.
    expect([...dmatest_init_srcs(6, 2, 3)]).toEqual([0x9f, 0x9e, 0xdd, 0xdc, 0xdb, 0x9a]);
    expect([...dmatest_init_dsts(6, 1, 2)]).toEqual([0x1f, 0x3e, 0x3d, 0x1c, 0x1b, 0x1a]);
    expect(dmatest_init_srcs(40, 0, 0)[33]).toBe(0x80 | 30); // the counter wraps every 32 bytes
  });

  it("verification names each kind of wrong byte as Linux does", () => {
    const lines: string[] = [];
    const warn = (l: string) => lines.push(l);
    // dst[4] should hold source byte 2 (copied): 0xc0 | ~2 & 0x1f = 0xdd.
    expect(dmatest_verify("t", Uint8Array.of(0, 0, 0, 0, 0x3b), 4, 5, 2, PATTERN_SRC | PATTERN_COPY, false, warn)).toBe(1);
    // dst[0] should hold its own 0x1f but got a source byte.
    expect(dmatest_verify("t", Uint8Array.of(0x9f), 0, 1, 0, PATTERN_DST, false, warn)).toBe(1);
    // dst[0] plain garbage within the destination pattern.
    expect(dmatest_verify("t", Uint8Array.of(0x01), 0, 1, 0, PATTERN_DST, false, warn)).toBe(1);
    expect(dmatest_verify("t", Uint8Array.of(0x00), 0, 1, 0, PATTERN_SRC, true, warn)).toBe(1);
    // dst[0] should hold source byte 0 (0xdf) but has the overwrite bit too (0xff): the bits
    // differ in PATTERN_OVERWRITE alone, which Linux also calls not copied.
    expect(dmatest_verify("t", Uint8Array.of(0xff), 0, 1, 0, PATTERN_SRC | PATTERN_COPY, false, warn)).toBe(1);
    expect(lines).toEqual([
      "t: dstbuf[0x4] not copied! Expected dd, got 3b",
      "t: dstbuf[0x0] was copied! Expected 1f, got 9f",
      "t: dstbuf[0x0] mismatch! Expected 1f, got 01",
      "t: srcbuf[0x0] overwritten! Expected 9f, got 00",
      "t: dstbuf[0x0] not copied! Expected df, got ff",
    ]);
  });

  it("prints at most 32 mismatches per range and counts the rest as suppressed", () => {
    const lines: string[] = [];
    expect(dmatest_verify("t", new Uint8Array(40).fill(0xff), 0, 40, 0, PATTERN_DST, false, (l) => lines.push(l))).toBe(40);
    expect(lines).toHaveLength(33);
    expect(lines[32]).toBe("t: 8 errors suppressed");
    // Exactly MAX_ERROR_COUNT (32) wrong bytes: all printed, none suppressed.
    lines.length = 0;
    expect(dmatest_verify("t", new Uint8Array(32).fill(0xff), 0, 32, 0, PATTERN_DST, false, (l) => lines.push(l))).toBe(32);
    expect(lines).toHaveLength(32);
    expect(lines.some((l) => l.includes("suppressed"))).toBe(false);
  });
});

describe("dmatest on the Zynq PL330", () => {
  it("runs a thread per channel on all 8, passing, with Linux's summary lines", async () => {
    const s = await zynq();
    const r = dmatest(s, { iterations: 4 });
    expect(r.threads.map((t) => t.thread)).toEqual(Array.from({ length: 8 }, (_, i) => `dma0chan${i}-copy0`));
    for (const t of r.threads) {
      expect(t.tests).toBe(4);
      expect(t.failures).toBe(0);
      expect(t.summary).toMatch(new RegExp(`^${t.thread}: summary 4 tests, 0 failures \\d+\\.\\d\\d iops \\d+ KB/s \\(0\\)$`));
      // iops and KB/s: tests and KiB over the thread's runtime (24.8 fixed point, truncated).
      expect(t.iops).toBeCloseTo((4 * 1e6) / t.runtimeUs, 1);
      expect(Math.abs(t.kbPerSec - (Math.floor(t.bytes / 1024) * 1e6) / t.runtimeUs)).toBeLessThan(1);
    }
    expect(r.log.slice(0, 2)).toEqual(["dmatest: Added 1 threads using dma0chan0", "dmatest: Added 1 threads using dma0chan1"]);
    expect(s.dmesg()).toMatch(/dmatest: dma0chan7-copy0: summary 4 tests, 0 failures/);
    expect(s.readFile("/sys/class/dma/dma0chan0/in_use")).toBe("0\n"); // released at the end
  });

  it("is deterministic for a seed, and another seed picks other offsets", async () => {
    const run = async (seed: number) => dmatest(await zynq(), { channel: "dma0chan0", iterations: 5, verbose: true, seed }).log;
    const a = await run(7);
    expect(await run(7)).toEqual(a);
    expect(await run(8)).not.toEqual(a);
    expect(a.filter((l) => l.includes("'test passed'"))).toHaveLength(5);
  });

  it("selects channels by name, set, controller and count, with threads_per_chan threads each", async () => {
    const s = await zynq();
    expect(dmatest(s, { channel: "dma0chan5", iterations: 1 }).threads.map((t) => t.thread)).toEqual(["dma0chan5-copy0"]);
    expect(dmatest(s, { channels: ["dma0chan6", "dma0chan2"], iterations: 1 }).threads.map((t) => t.channel)).toEqual(["dma0chan2", "dma0chan6"]);
    expect(dmatest(s, { max_channels: 2, threads_per_chan: 2, iterations: 1 }).threads.map((t) => t.thread)).toEqual([
      "dma0chan0-copy0", "dma0chan0-copy1", "dma0chan1-copy0", "dma0chan1-copy1",
    ]);
    expect(dmatest(s, { device: "nope", iterations: 1 }).threads).toEqual([]);
    expect(dmatest(s, { device: "f8003000.dma-controller", iterations: 1, polled: true, max_channels: 1 }).threads[0].failures).toBe(0);
  });

  it("catches a provider that copies one byte short: data error, 'not copied!'", async () => {
    const s = await zynq();
    const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
    const ops = chan.device.ops;
    dma_release_channel(chan);
    const prep = ops.device_prep_dma_memcpy!;
    ops.device_prep_dma_memcpy = (c, d, src, len, f) => prep(c, d, src, Math.max(1, len - 1), f);
    const r = dmatest(s, { channel: "dma0chan0", iterations: 3, transfer_size: 4000 });
    expect(r.threads[0].failures).toBe(3);
    expect(r.log.filter((l) => / result #\d: 'data error' with .* len=0xfa0 \(1\)$/.test(l))).toHaveLength(3);
    expect(r.log.filter((l) => /dma0chan0-copy0: dstbuf\[0x[0-9a-f]+\] not copied! Expected [cd][0-9a-f], got [23][0-9a-f]$/.test(l))).toHaveLength(3);
    expect(r.threads[0].summary).toMatch(/summary 3 tests, 3 failures/);
  });

  it("times out a transfer that never completes, after `timeout` ms of simulated time", async () => {
    const s = await zynq();
    const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
    const ops = chan.device.ops;
    dma_release_channel(chan);
    ops.device_issue_pending = () => {};
    const t0 = s.now();
    const r = dmatest(s, { channel: "dma0chan0", iterations: 2, timeout: 5 });
    expect(r.threads[0].failures).toBe(2);
    expect(r.log.filter((l) => l.includes("'test timed out'"))).toHaveLength(2);
    expect(s.now() - t0).toBeGreaterThanOrEqual(2 * 5e9);
    expect(s.now() - t0).toBeLessThan(2 * 5e9 + 2e9);
  });

  it("refuses parameters that cannot run", async () => {
    const s = await zynq();
    expect(() => dmatest(s, { iterations: 0 })).toThrow(/iterations must be an integer ≥ 1/);
    expect(() => dmatest(s, { test_buf_size: 1.5 })).toThrow(RangeError);
  });
});
