// The DRAM bus calendar (assembly/bus-calendar.ts) written from its definition, for tests to
// compare the silicon's bookings with, request by request:
//
//   - bus time is cut into buckets of 16.384 ns (2^14 ps); a ring of 8192 slots holds them, and
//     a slot that last held a different bucket counts as an empty bucket (the bus was free);
//   - a request of `bytes` at `t` needs floor(bytes * psPerKiB / 1024) ps, from t + latency on;
//   - it takes the earliest free time at or after its start, bucket by bucket, in as many pieces
//     as it takes, and ends where its last picosecond is placed;
//   - a bucket keeps at most four gaps (free stretches that end before the bucket does); when
//     a request leaves it a fifth, the shortest of the five (the earliest of equals) is no
//     longer free.
//
// PositionBus is the calendar before gaps: each bucket only knows how far it is filled, and time
// before a request's start in its first bucket is lost. Requests made in time order must end
// where it ends them.

export const BUCKET_PS = 16384;
export const BUCKETS = 8192;
export const RING_PS = BUCKETS * BUCKET_PS;
const MAX_GAPS = 4;

/** The walk both calendars share: bucket by bucket from the request's start, a slot that held
 *  another bucket emptied first; each calendar says what a bucket gives. */
abstract class BucketWalk {
  private readonly holds = new Float64Array(BUCKETS).fill(-1);
  constructor(
    readonly latencyPs: number,
    readonly psPerKiB: number,
  ) {}

  book(t: number, bytes: number): number {
    let need = Math.floor((bytes * this.psPerKiB) / 1024);
    const from = t + this.latencyPs;
    if (need <= 0) return from;
    let bucket = Math.floor(from / BUCKET_PS);
    let offset = from - bucket * BUCKET_PS;
    for (;;) {
      const slot = bucket % BUCKETS;
      if (this.holds[slot] !== bucket) {
        this.holds[slot] = bucket;
        this.empty(slot);
      }
      const [left, end] = this.take(slot, offset, need);
      if (left === 0) return bucket * BUCKET_PS + end;
      need = left;
      bucket++;
      offset = 0;
    }
  }

  /** The slot's bucket is all free. */
  protected abstract empty(slot: number): void;
  /** Takes up to `need` ps of the slot's bucket from `offset` on: what is still needed, and
   *  where in the bucket the last picosecond went when that is nothing. */
  protected abstract take(slot: number, offset: number, need: number): [number, number];
}

/** The calendar as defined above: each bucket's free time as a list of [start, end) stretches. */
export class ReferenceBus extends BucketWalk {
  private readonly free: [number, number][][] = Array.from({ length: BUCKETS }, () => []);

  protected empty(slot: number): void {
    this.free[slot] = [[0, BUCKET_PS]];
  }

  protected take(slot: number, offset: number, need: number): [number, number] {
    // Two shortcuts that give what the general case below gives, without its lists: a long
    // request crosses hundreds of buckets that are either full or wholly free, and the tests
    // make tens of thousands of them.
    const free = this.free[slot]!;
    if (free.length === 0) return [need, -1];
    if (free.length === 1 && offset === 0 && need > BUCKET_PS && free[0]![0] === 0 && free[0]![1] === BUCKET_PS) {
      this.free[slot] = [];
      return [need - BUCKET_PS, -1];
    }
    const after: [number, number][] = [];
    let end = -1;
    for (const [s, e] of free) {
      if (need === 0 || e <= offset) {
        after.push([s, e]);
        continue;
      }
      const start = Math.max(s, offset);
      const taken = Math.min(e - start, need);
      need -= taken;
      if (start > s) after.push([s, start]);
      if (start + taken < e) after.push([start + taken, e]);
      if (need === 0) end = start + taken;
    }
    this.free[slot] = limitGaps(after);
    return [need, end];
  }
}

/** A bucket's free stretches with at most MAX_GAPS of them ending before the bucket does. */
function limitGaps(free: [number, number][]): [number, number][] {
  const gaps = free.filter(([, e]) => e < BUCKET_PS);
  if (gaps.length <= MAX_GAPS) return free;
  let shortest = gaps[0]!;
  for (const g of gaps) if (g[1] - g[0] < shortest[1] - shortest[0]) shortest = g;
  return free.filter((g) => g !== shortest);
}

/** The calendar before gaps: each bucket's fill position only. */
export class PositionBus extends BucketWalk {
  private readonly used = new Float64Array(BUCKETS);

  protected empty(slot: number): void {
    this.used[slot] = 0;
  }

  protected take(slot: number, offset: number, need: number): [number, number] {
    const start = Math.max(this.used[slot]!, offset);
    const free = BUCKET_PS - start;
    if (need <= free) {
      this.used[slot] = start + need;
      return [0, start + need];
    }
    this.used[slot] = BUCKET_PS;
    return [need - Math.max(free, 0), -1];
  }
}
