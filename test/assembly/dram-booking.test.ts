// Every booking of DRAM bus time (assembly/dram.ts: memAccess for the CPU and its caches,
// memAccessStream for the PL330's AXI port) must end exactly where a plain walk of the bus
// calendar ends, whatever shortcuts the silicon takes to get there. The walk is written from the
// calendar's definition in test/helpers/bus-calendars.ts, not from the module's code.
//
// Long seeded mixes of reads and writes through both entry points, bursts booked ahead of and
// behind the latest ones (as a DMA engine books its writes after later reads), gaps of more than
// a ring span forwards and backwards, and sizes from 0 bytes to several MiB are compared, request
// by request, on two controllers at once; so are scatters of tiny requests that leave buckets
// more gaps than they keep. Requests made in time order (a CPU stream alone, an idle bus) must
// end where the calendar before gaps ended them.

import { describe, expect, it } from "vitest";
import { instantiateSilicon } from "../../src/hw/wasm.js";
import { rng } from "../helpers/seeded-rng.js";
import { BUCKET_PS, PositionBus, RING_PS, ReferenceBus } from "../helpers/bus-calendars.js";

// Two controllers unlike each other: a DRAM at ~3.2 GB/s (a 128-byte burst is about 2.4 buckets)
// and an on-chip SRAM at ~8 GB/s with a short latency.
const CONTROLLERS = [
  { latencyPs: 60_000, psPerKiB: 320_000 },
  { latencyPs: 5_000, psPerKiB: 128_000 },
];

/** A request's size: mostly bursts and cache lines, sometimes nothing, one byte or megabytes. */
function size(r: (n: number) => number): number {
  switch (r(16)) {
    case 0: return 0;
    case 1: return 1 + r(8);
    case 2: return 1 + r(4096);
    case 3: return r(64) === 0 ? (1 + r(8)) << 20 : 1 + r(65536);
    case 4: case 5: return 64;
    default: return 128;
  }
}

/** When a request is made, relative to the mix's clock `now` (ps): mostly just ahead, as a
 *  stream, some well ahead (a write after later reads), behind, or more than a ring away. */
function when(r: (n: number) => number, now: number): number {
  switch (r(32)) {
    case 0: return now + (1 + r(4)) * RING_PS + r(RING_PS);
    case 1: return Math.max(0, now - (1 + r(3)) * RING_PS + r(BUCKET_PS * 64));
    case 2: return now + RING_PS - r(BUCKET_PS * 32); // just inside or past the ring's far end
    case 3: case 4: return Math.max(0, now - r(BUCKET_PS * 200));
    case 5: case 6: case 7: return now + r(BUCKET_PS * 40);
    default: return now + r(BUCKET_PS * 3);
  }
}

async function compareMix(seed: number, requests: number, streamShare: number): Promise<number> {
  const x = await instantiateSilicon();
  const reference = CONTROLLERS.map((c, id) => {
    x.configureMemController(id, c.latencyPs, c.psPerKiB);
    return new ReferenceBus(c.latencyPs, c.psPerKiB);
  });
  const r = rng(seed);
  let now = r(1 << 20) * 1000;
  let mismatches = 0;
  let firstMismatch = "";
  for (let i = 0; i < requests; i++) {
    const controller = r(8) === 0 ? 1 : 0;
    const write = r(2) === 1;
    const stream = r(100) < streamShare;
    const t = when(r, now);
    const bytes = size(r);
    const got = x.dramBook(controller, t, bytes, (stream ? 2 : 0) + (write ? 1 : 0));
    const want = reference[controller]!.book(t, bytes);
    if (got !== want) {
      if (mismatches++ === 0) firstMismatch = `request ${i}: ${stream ? "stream" : "memAccess"} ${write ? "write" : "read"} of ${bytes} B at ${t} ps on controller ${controller} ended at ${got}, the walk at ${want}`;
    }
    // The clock follows a stream's reads: the next request is made after this one's data moved,
    // or (a pipelined master) right away; now and then it jumps a long way on or back.
    if (r(4) !== 0) now = Math.max(now, Math.min(want, now + 8 * BUCKET_PS) - r(BUCKET_PS * 2));
    if (r(500) === 0) now += (1 + r(3)) * RING_PS;
    if (r(2000) === 0) now = Math.max(0, now - 2 * RING_PS);
  }
  expect(firstMismatch).toBe("");
  expect(mismatches).toBe(0);
  return requests;
}

describe("DRAM bus calendar bookings", () => {
  it("a 16 x 8 B copy's bursts, reads ahead of their writes, end where the walk ends", async () => {
    // The PL330 memcpy pattern on its own: 128-byte reads back to back, each one's write booked
    // when its data is in the MFIFO, about ten buckets after later reads.
    const x = await instantiateSilicon();
    const c = CONTROLLERS[0]!;
    x.configureMemController(0, c.latencyPs, c.psPerKiB);
    const ref = new ReferenceBus(c.latencyPs, c.psPerKiB);
    let t = 1_000_000;
    const writesAt: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const readEnd = x.dramBook(0, t, 128, 2);
      expect(readEnd).toBe(ref.book(t, 128));
      writesAt.push(readEnd);
      if (writesAt.length > 4) {
        const w = writesAt.shift()!;
        expect(x.dramBook(0, w, 128, 3)).toBe(ref.book(w, 128));
      }
      t += 81_000; // a little slower than the bus moves a read and a write
    }
  });

  it("long mixes of stream and CPU requests, near and more than a ring apart, end where the walk ends", async () => {
    expect(await compareMix(1, 60_000, 70)).toBe(60_000);
    expect(await compareMix(2, 60_000, 100)).toBe(60_000);
    expect(await compareMix(3, 60_000, 30)).toBe(60_000);
  }, 90_000); // 180,000 requests against a walk written in plain JavaScript: seconds on an idle 2-core machine, more under load

  it("scatters of tiny requests in any order, leaving buckets more gaps than they keep, end where the walk ends", async () => {
    // 1 to 4 bytes (80 to 320 ps on the SRAM-like controller) anywhere in a window of two
    // buckets, through both entry points; the window moves on now and then. Thousands of gaps
    // are given up on the way (5,175 by the reference's count).
    const x = await instantiateSilicon();
    const c = CONTROLLERS[1]!;
    x.configureMemController(0, c.latencyPs, c.psPerKiB);
    const ref = new ReferenceBus(c.latencyPs, c.psPerKiB);
    const r = rng(11);
    let window = 50 * BUCKET_PS;
    let firstMismatch = "";
    for (let i = 0; i < 40_000 && firstMismatch === ""; i++) {
      const t = window + r(2 * BUCKET_PS);
      const bytes = 1 + r(4);
      const mode = r(4);
      const got = x.dramBook(0, t, bytes, mode);
      const want = ref.book(t, bytes);
      if (got !== want) firstMismatch = `request ${i}: mode ${mode}, ${bytes} B at ${t} ps ended at ${got}, the walk at ${want}`;
      if (r(60) === 0) window += BUCKET_PS * (1 + r(3));
    }
    expect(firstMismatch).toBe("");
  });

  it("requests made in time order end where the calendar before gaps ended them", async () => {
    // Both entry points, both controllers, sizes from nothing to 64 KiB, starts that only move
    // on (by up to a few buckets, now and then by more than a ring): no request ever leaves a
    // gap that a later one could use.
    const x = await instantiateSilicon();
    const position = CONTROLLERS.map((c, id) => {
      x.configureMemController(id, c.latencyPs, c.psPerKiB);
      return new PositionBus(c.latencyPs, c.psPerKiB);
    });
    const r = rng(7);
    let t = 3_000_000;
    let firstMismatch = "";
    for (let i = 0; i < 60_000 && firstMismatch === ""; i++) {
      const controller = r(8) === 0 ? 1 : 0;
      const mode = r(4);
      const bytes = r(16) === 0 ? r(65537) : size(r) % 65537;
      const got = x.dramBook(controller, t, bytes, mode);
      const want = position[controller]!.book(t, bytes);
      if (got !== want) firstMismatch = `request ${i}: mode ${mode}, ${bytes} B at ${t} ps on controller ${controller} ended at ${got}, the calendar before gaps at ${want}`;
      t += r(3000) === 0 ? (1 + r(2)) * RING_PS : r(BUCKET_PS * 3);
    }
    expect(firstMismatch).toBe("");
  }, 60_000);

  it("an idle bus books the whole request from its start plus latency", async () => {
    // 128 bytes at 320000 ps/KiB is 40000 ps of bus time; the request starts at 1 µs + 60 ns.
    const x = await instantiateSilicon();
    x.configureMemController(0, 60_000, 320_000);
    expect(x.dramBook(0, 1_000_000, 128, 2)).toBe(1_000_000 + 60_000 + 40_000);
    // The next read at the same time queues behind it on the bus.
    expect(x.dramBook(0, 1_000_000, 128, 0)).toBe(1_000_000 + 60_000 + 80_000);
    // Nothing to move: done at start plus latency.
    expect(x.dramBook(0, 5_000_000, 0, 3)).toBe(5_000_000 + 60_000);
  });
});
