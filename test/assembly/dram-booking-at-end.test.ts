// A booking that starts at or after the end of every booking before it (a PL330 copy's write,
// booked once its data is in) takes a shortcut in assembly/bus-calendar.ts: it ends `need` after
// its start and fills its buckets without walking them. What it leaves must be what the walk
// leaves: the time before it in its first bucket stays free for a request booked later with an
// earlier start, and the buckets it covers are full. Expected ends are worked out by hand on a
// controller with no latency that moves a byte in 100 ps, or come from the calendar written
// from its definition (test/helpers/bus-calendars.ts).

import { describe, expect, it } from "vitest";
import { instantiateSilicon } from "../../src/hw/wasm.js";
import { rng } from "../helpers/seeded-rng.js";
import { BUCKET_PS, RING_PS, ReferenceBus } from "../helpers/bus-calendars.js";

/** dramBook on controller 0 with no latency and 100 ps a byte (mode 2: the PL330's entry). */
async function busOf100psPerByte() {
  const x = await instantiateSilicon();
  x.configureMemController(0, 0, 102_400);
  return (t: number, bytes: number, mode = 2) => x.dramBook(0, t, bytes, mode);
}

describe("DRAM bus calendar bookings at its end", () => {
  it("end their need after their start, leaving the time before them free", async () => {
    const book = await busOf100psPerByte();
    // 300 B at 10 ns: [10000, 40000), over bucket 0 (from 10000), all of bucket 1 and bucket 2
    // up to 40000.
    expect(book(10_000, 300, 3)).toBe(40_000);
    // 150 B (15 ns) at 0: the 10 ns before the first booking, then 5 ns after it (bucket 1 is
    // full, bucket 2 free from 40000).
    expect(book(0, 150)).toBe(45_000);
    // At the end exactly: right after it.
    expect(book(45_000, 10, 3)).toBe(46_000);
    // Past the end in a bucket nothing reached (bucket 3, from 49152): [60000, 62000), leaving
    // bucket 2's tail [46000, 49152) and bucket 3's [49152, 60000) free.
    expect(book(60_000, 20, 3)).toBe(62_000);
    // 100 B (10 ns) at 47 ns: 2152 ps in bucket 2, then 7848 of bucket 3's gap.
    expect(book(47_000, 100)).toBe(57_000);
    // 50 B at 46 ns: bucket 2's 1000 ps left before 47000, bucket 3's last 3000 ps before the
    // 60 ns booking, then 1000 ps after it.
    expect(book(46_000, 50)).toBe(63_000);
  });

  it("keep a bucket's earlier gap when they leave it a second one", async () => {
    const book = await busOf100psPerByte();
    expect(book(1_000, 10, 3)).toBe(2_000); // bucket 0: gap [0, 1000), filled to 2000
    expect(book(5_000, 10, 3)).toBe(6_000); // a second gap, [2000, 5000)
    // 45 B (4.5 ns) at 0: both gaps, earliest first (4000 ps), then 500 ps after the end.
    expect(book(0, 45, 0)).toBe(6_500);
  });

  it("fill many buckets whole and end where the walk ends, beyond the ring too", async () => {
    const book = await busOf100psPerByte();
    // 3 MB is 300 µs: more than the ring's 134 µs, so its last buckets reuse its first slots.
    const need = 3_000_000 * 100;
    expect(book(5_000, 3_000_000, 3)).toBe(5_000 + need);
    // Just after it and well before it (more than a ring behind its end: the slots there hold
    // its later buckets, so the bus counts as free).
    expect(book(5_000 + need, 64)).toBe(5_000 + need + 6_400);
    expect(book(10_000, 64, 0)).toBe(10_000 + 6_400);
  });

  it("mixed with bookings behind them, in long random runs, end where the calendar's definition ends them", async () => {
    const controllers = [
      { latencyPs: 60_000, psPerKiB: 320_000 },
      { latencyPs: 0, psPerKiB: 102_400 },
    ];
    for (const [seed, { latencyPs, psPerKiB }] of [[21, controllers[0]!], [22, controllers[1]!], [23, controllers[0]!]] as const) {
      const x = await instantiateSilicon();
      x.configureMemController(0, latencyPs, psPerKiB);
      const ref = new ReferenceBus(latencyPs, psPerKiB);
      const r = rng(seed);
      let latestEnd = 0; // the end of every booking so far, as the reference returned it
      let firstMismatch = "";
      for (let i = 0; i < 30_000 && firstMismatch === ""; i++) {
        // Half of the requests start at or past the latest end (as the silicon sees it, after
        // the latency): exactly there, a little or some buckets later, or more than a ring
        // later; the others start behind it, where the walk meets full buckets and gaps.
        const at = latestEnd - latencyPs;
        let t: number;
        switch (r(12)) {
          case 0: t = at; break;
          case 1: case 2: t = at + r(BUCKET_PS); break;
          case 3: case 4: t = at + r(BUCKET_PS * 6); break;
          case 5: t = at + RING_PS + r(RING_PS); break;
          case 6: t = at - r(BUCKET_PS); break;
          case 7: t = at - r(BUCKET_PS * 40); break;
          case 8: t = at - RING_PS - r(BUCKET_PS * 8); break;
          default: t = at - r(BUCKET_PS * 4);
        }
        t = Math.max(0, t);
        const bytes = r(10) === 0 ? r(40_000) : [1, 8, 64, 128, 128, 128][r(6)]!;
        const mode = r(4);
        const got = x.dramBook(0, t, bytes, mode);
        const want = ref.book(t, bytes);
        if (got !== want) firstMismatch = `seed ${seed} request ${i}: mode ${mode}, ${bytes} B at ${t} ps ended at ${got}, the definition at ${want}`;
        latestEnd = Math.max(latestEnd, want);
      }
      expect(firstMismatch).toBe("");
    }
  }, 60_000);
});
