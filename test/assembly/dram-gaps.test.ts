// The DRAM bus calendar's gaps (assembly/bus-calendar.ts): time a request leaves before its start
// in a bucket is used by a request booked later with an earlier start, and no bus time is ever
// given to two requests. Expected ends are worked out by hand on a controller with no latency
// that moves a byte in 100 ps (psPerKiB 102400), so a request of n bytes needs n × 100 ps.
// dramBook modes: 0/1 read/write through memAccess (the CPU), 2/3 through memAccessStream (the
// PL330's AXI port).

import { describe, expect, it } from "vitest";
import { instantiateSilicon } from "../../src/hw/wasm.js";
import { rng } from "../helpers/seeded-rng.js";
import { BUCKET_PS } from "../helpers/bus-calendars.js";

/** Index of the first of `sorted` (by from) that starts at or after t. */
function firstAtOrAfter(sorted: { from: number }[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.from < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

async function busOf100psPerByte() {
  const x = await instantiateSilicon();
  x.configureMemController(0, 0, 102_400);
  return (t: number, bytes: number, mode: number) => x.dramBook(0, t, bytes, mode);
}

describe("DRAM bus calendar gaps", () => {
  it("a request booked later with an earlier start uses the time left before an earlier-booked one", async () => {
    const book = await busOf100psPerByte();
    // A write booked first for 8 ns: 40 B, 4 ns, [8000, 12000) of bucket 0.
    expect(book(8000, 40, 3)).toBe(12_000);
    // A read made at 1 ns, booked after it: 50 B, [1000, 6000). (Before gaps, it queued after
    // the write: 4384 ps to the end of bucket 0, 616 ps in bucket 1, ending at 17000.)
    expect(book(1000, 50, 2)).toBe(6000);
    // A CPU read at 0 of 40 B takes every piece left up to the write's end: [0, 1000),
    // [6000, 8000), then 1000 ps after the write, ending at 13000.
    expect(book(0, 40, 0)).toBe(13_000);
    // 100 B more at 0: the last 3384 ps of bucket 0, then 6616 ps of bucket 1.
    expect(book(0, 100, 2)).toBe(BUCKET_PS + 6616);
    // Bucket 0 is full: 4000 + 5000 + 4000 + 3384 = 16384 ps. The next byte goes after the last.
    expect(book(0, 1, 1)).toBe(BUCKET_PS + 6716);
  });

  it("a request starting inside a gap takes its rest and leaves what lies before its start", async () => {
    const book = await busOf100psPerByte();
    expect(book(10_000, 10, 3)).toBe(11_000); // gap [0, 10000)
    expect(book(4000, 10, 2)).toBe(5000); // gaps [0, 4000) and [5000, 10000)
    // 30 B at 2 ns: [2000, 4000), then [5000, 6000); gaps [0, 2000) and [6000, 10000) are left.
    expect(book(2000, 30, 0)).toBe(6000);
    // 50 B at 0: [0, 2000), then [6000, 9000).
    expect(book(0, 50, 2)).toBe(9000);
    // 20 B at 0: the last gap, [9000, 10000), then the 1000 ps after the first write.
    expect(book(0, 20, 1)).toBe(12_000);
  });

  it("a request starting inside a bucket's only gap and needing more than its rest goes on after the tail", async () => {
    const book = await busOf100psPerByte();
    expect(book(10_000, 10, 3)).toBe(11_000); // gap [0, 10000), tail from 11000
    // 70 B (7000 ps) at 4 ns: [4000, 10000), then [11000, 12000) after the write.
    expect(book(4000, 70, 2)).toBe(12_000);
    // What lay before it, [0, 4000), is the bucket's only gap: 40 B at 0 fill it exactly …
    expect(book(0, 40, 0)).toBe(4000);
    // … and nothing is left below the tail: 10 B at 0 go after the read, [12000, 13000).
    expect(book(0, 10, 2)).toBe(13_000);
  });

  it("a bucket keeps four gaps; a fifth gives up the shortest, the earliest of equals", async () => {
    const book = await busOf100psPerByte();
    // Writes of 10 B (1000 ps) in time order, each leaving a gap before it:
    expect(book(1000, 10, 3)).toBe(2000); // gap [0, 1000): 1000 ps
    expect(book(3500, 10, 3)).toBe(4500); // gap [2000, 3500): 1500 ps
    expect(book(5000, 10, 3)).toBe(6000); // gap [4500, 5000): 500 ps
    expect(book(7000, 10, 3)).toBe(8000); // gap [6000, 7000): 1000 ps
    expect(book(8500, 10, 3)).toBe(9500); // gap [8000, 8500): 500 ps, the fifth
    // [4500, 5000) and [8000, 8500) are the shortest; the earlier one is given up, so 5 B at
    // 4500 ps go to the next gap, [6000, 6500) …
    expect(book(4500, 5, 2)).toBe(6500);
    // … while [8000, 8500) is still there, and so are [0, 1000) and [2000, 3500).
    expect(book(8000, 5, 2)).toBe(8500);
    expect(book(0, 10, 0)).toBe(1000);
    expect(book(2000, 15, 0)).toBe(3500);
  });

  it("a PL330 stream's remembered run of full buckets does not hide a gap before its start", async () => {
    const book = await busOf100psPerByte();
    // 300 B at 10 ns: [10000, 16384) of bucket 0, all of bucket 1, [32768, 40000) of bucket 2.
    expect(book(10_000, 300, 2)).toBe(40_000);
    // The next read of that stream starts at 2 ns, in bucket 0 but before the first's start:
    // it finds [2000, 3000) free.
    expect(book(2000, 10, 2)).toBe(3000);
    // One at 12 ns finds nothing free until the first's end in bucket 2.
    expect(book(12_000, 10, 2)).toBe(41_000);
  });

  it("never gives the same bus time twice: random requests fit in the time between their starts and ends", async () => {
    // 2,500 requests of 1 to 512 B (100 ps to 51.2 ns) made at random, in any order, within
    // 60 µs: more than the bus can move there (about 64 µs of it), so they queue and fill gaps, but all of it stays
    // within one ring of buckets (134 µs), where no slot is reused. Each request's time lies
    // between its start and its end; so for any stretch of whole buckets, the requests that
    // start and end inside it need no more time than it has, and each ends no earlier than its
    // start plus its own time.
    const book = await busOf100psPerByte();
    const r = rng(5);
    const requests: { from: number; end: number; need: number }[] = [];
    for (let i = 0; i < 2500; i++) {
      const from = r(60_000_000);
      const bytes = 1 + r(512);
      requests.push({ from, end: book(from, bytes, r(4)), need: bytes * 100 });
    }
    const late = requests.filter((q) => q.end < q.from + q.need);
    expect(late).toEqual([]);
    expect(Math.max(...requests.map((q) => q.end))).toBeLessThan(134_000_000);
    // Stretches: from each request's first bucket to each other request's last one, up to 16
    // buckets long.
    const byFrom = [...requests].sort((a, b) => a.from - b.from);
    let overbooked = "";
    let stretches = 0;
    for (const q of requests) {
      const first = Math.floor(q.from / BUCKET_PS) * BUCKET_PS;
      for (let buckets = 1; buckets <= 16 && overbooked === ""; buckets++) {
        const last = first + buckets * BUCKET_PS;
        let need = 0;
        for (let i = firstAtOrAfter(byFrom, first); i < byFrom.length && byFrom[i]!.from < last; i++) {
          if (byFrom[i]!.end <= last) need += byFrom[i]!.need;
        }
        stretches++;
        if (need > last - first) overbooked = `[${first}, ${last}) ps: requests inside it need ${need} ps`;
      }
    }
    expect(overbooked).toBe("");
    expect(stretches).toBe(2500 * 16);
  });
});
