// A memory controller's data bus is a shared resource, but requests do not reach it in time
// order: a DMA write is booked for when its data will be in the MFIFO, after reads issued later.
// So the bus keeps a calendar of fixed-length buckets of bus time; a transfer takes the earliest
// free time at or after its start, bucket by bucket, and ends where its last picosecond is placed.
// Buckets are recycled as a ring: a request further in the past than the ring spans is treated as
// finding the bus free.
//
// A bucket records its free time as a tail (from where it is filled to its end) and up to
// MAX_GAPS gaps below it: time a request left behind when it started later in the bucket than
// the bucket was filled (a DMA write booked ahead of reads). A request booked afterwards with an
// earlier start fills those gaps first, then the tail, then the next buckets. A bucket with one
// gap too many gives up its shortest (that time is lost, never booked twice). A 16.384 ns bucket
// holds parts of only a few bursts or line fills: with four, a PL330 copy or a CPU workload never
// gives one up, and the busiest mix of channels and CPU (`run dma-mix`) one in its 900,000 gaps.
// Requests booked in time order never leave a gap a later one could use, so for them the gaps
// change nothing: they end exactly where a calendar of fill positions alone ends them.
//
// A request that starts at or after the end of every booking so far (the horizon: a copy's
// write, booked once its data is in) finds the bus free from its start: it ends `need` later,
// and its buckets are filled without being walked (takeAtEnd).

export const BUCKET_SHIFT: i64 = 14; // 16.384 ns
export const BUCKET_PS: i64 = 1 << BUCKET_SHIFT;
const BUCKETS: i32 = 8192; // a 134 µs window
export const MAX_GAPS: i32 = 4;

// A bucket's state is one word, so that walking a full bucket costs one load as it did before
// gaps: where its free tail begins (0 to BUCKET_PS), where its latest gap ends (0: it has none;
// whether a request can use any gap is whether it starts before that), and how many gaps it
// has. A slot taken over by another bucket starts from 0: all free, no gaps.
const FREE_FROM: i64 = 0xFFFF;
const LATEST_END_SHIFT: i64 = 16;
const COUNT_SHIFT: i64 = 32;

// A gap is packed as start | end << 16 (ps within its bucket, end exclusive); a bucket's gaps
// are latest first.
const GAP_BITS: u32 = 16;
const GAP_MASK: u32 = 0xFFFF;

@inline function gap(start: i64, end: i64): u32 {
  return <u32>start | (<u32>end << GAP_BITS);
}
@inline function gapStart(g: u32): i64 {
  return <i64>(g & GAP_MASK);
}
@inline function gapEnd(g: u32): i64 {
  return <i64>(g >> GAP_BITS);
}
@inline function length(g: u32): i64 {
  return gapEnd(g) - gapStart(g);
}

/** `state` with its tail kept and its gaps the n at base. */
@inline function withGaps(state: i64, gaps: StaticArray<u32>, base: i32, n: i32): i64 {
  const latestEnd = n > 0 ? gapEnd(unchecked(gaps[base])) : 0;
  return (state & FREE_FROM) | (latestEnd << LATEST_END_SHIFT) | (<i64>n << COUNT_SHIFT);
}

// A full slot's gaps with the one that does not fit.
const overfull = new StaticArray<u32>(MAX_GAPS + 1);

export class BusCalendar {
  /** Each bucket's state word (above). */
  state: StaticArray<i64> = new StaticArray<i64>(BUCKETS);
  /** Each bucket's gaps, MAX_GAPS per bucket, as many as its state counts. */
  gaps: StaticArray<u32> = new StaticArray<u32>(BUCKETS * MAX_GAPS);
  epoch: StaticArray<i64> = new StaticArray<i64>(BUCKETS); // which absolute bucket a slot holds
  /** Where in its bucket takeFromGaps placed the last picosecond, when it placed them all. */
  private gapPlacedTo: i64 = 0;
  /** The latest end of a booking: every bucket after the one it falls in is still unbooked
   *  (its slot holds another bucket), and the one it falls in is free from it on. */
  horizon: i64 = 0;

  constructor() {
    for (let i = 0; i < BUCKETS; i++) unchecked((this.epoch[i] = -1));
  }

  /** Takes `need` ps of bus time from `from` on; returns when the last of it ends. Inlined:
   *  every DMA burst and every CPU line fill books its bus time here, and the call itself
   *  was a visible share of a PL330 copy. A request that starts after every booking so far
   *  goes straight to its end (takeAtEnd); any other walks the buckets (takeBehind). */
  @inline take(from: i64, need: i64): i64 {
    if (need <= 0) return from;
    if (from >= this.horizon) return this.takeAtEnd(from, need);
    const end = this.takeBehind(from, need);
    if (end > this.horizon) this.horizon = end;
    return end;
  }

  /** take for a request that starts at or after the end of every booking so far (a PL330
   *  copy's write, booked when its data is in, after every read before it; a CPU stream on a
   *  bus of its own): it finds the bus free from its start and ends `need` later. Its first
   *  bucket keeps the time before it as a gap, as take does; no booking has reached the
   *  buckets after it, so their slots hold other buckets: they are taken over and filled
   *  whole without looking at what they hold. */
  @inline private takeAtEnd(from: i64, need: i64): i64 {
    const end = from + need;
    this.horizon = end;
    let b = from >> BUCKET_SHIFT;
    const offset = from & (BUCKET_PS - 1);
    const first = <i32>(b & (BUCKETS - 1));
    let state = this.stateOf(first, b);
    const start = state & FREE_FROM; // at or before offset: nothing booked ends after `from`
    if (offset > start) {
      if (state > FREE_FROM) return this.takeWalking(b, offset, need); // a second gap
      unchecked((this.gaps[first * MAX_GAPS] = gap(start, offset)));
      state = (offset << LATEST_END_SHIFT) | (<i64>1 << COUNT_SHIFT);
    }
    const last = (end - 1) >> BUCKET_SHIFT;
    if (last == b) {
      unchecked((this.state[first] = (state & ~FREE_FROM) | (offset + need)));
      return end;
    }
    const epochs = this.epoch; // in locals, as in takeBehind
    const states = this.state;
    unchecked((states[first] = (state & ~FREE_FROM) | BUCKET_PS));
    while (true) {
      b++;
      const slot = <i32>(b & (BUCKETS - 1));
      unchecked((epochs[slot] = b));
      if (b == last) {
        unchecked((states[slot] = end - (b << BUCKET_SHIFT)));
        break;
      }
      unchecked((states[slot] = BUCKET_PS));
    }
    return end;
  }

  /** take for a request that may find bookings after its start.
   *
   *  This is the walk for the buckets nearly every request meets: full, all free, free from a
   *  tail, or with one gap the request takes from its start (a PL330 copy's read after the
   *  write booked ahead of it), leaving at most one gap. At the first bucket that needs more
   *  (a second gap, a request starting inside a gap) it hands the rest of the walk, from that
   *  bucket as yet untouched, to takeWalking. Only the first bucket can have time before the
   *  request's start, so the buckets after it are walked by a loop that does not look for it;
   *  neither part calls anything but to hand over: a call inside the loop would make the engine
   *  keep the walk's values in memory around it on every bucket. */
  @inline private takeBehind(from: i64, need: i64): i64 {
    // The arrays are held in locals: the engine cannot tell that the stores into them leave
    // the calendar's fields alone, and would load the fields again after each.
    const epochs = this.epoch;
    const states = this.state;
    let b = from >> BUCKET_SHIFT;
    const offset = from & (BUCKET_PS - 1); // time before `from` in the first bucket is unusable
    const first = <i32>(b & (BUCKETS - 1));
    let state: i64 = 0; // stateOf, with the arrays in locals
    if (unchecked(epochs[first]) == b) state = unchecked(states[first]);
    else unchecked((epochs[first] = b));
    if (state != BUCKET_PS) {
      let start = state & FREE_FROM;
      if (state > FREE_FROM) {
        if (offset < ((state >> LATEST_END_SHIFT) & 0xFFFF)) {
          if ((state >> COUNT_SHIFT) != 1) return this.takeWalking(b, offset, need);
          need = this.takeFromOnlyGap(first, state, offset, need);
          if (need == 0) return (b << BUCKET_SHIFT) + this.gapPlacedTo;
          state = unchecked(states[first]);
        } else if (offset > start) return this.takeWalking(b, offset, need); // a second gap
      }
      if (offset > start) {
        // The slot's first gap: from its tail to the request's start.
        unchecked((this.gaps[first * MAX_GAPS] = gap(start, offset)));
        state = (offset << LATEST_END_SHIFT) | (<i64>1 << COUNT_SHIFT);
        start = offset;
      }
      // The tail, taken as takeWalking takes it; written out again so that nothing is called
      // from this inlined path (a call here made every booking save the walk's values).
      const free = BUCKET_PS - start;
      if (need <= free) {
        unchecked((states[first] = (state & ~FREE_FROM) | (start + need)));
        return (b << BUCKET_SHIFT) + start + need;
      }
      if (free > 0) {
        unchecked((states[first] = (state & ~FREE_FROM) | BUCKET_PS));
        need -= free;
      }
    }
    // The buckets after the first, from their start: a gap is always usable, a tail always
    // begins at or before the request.
    while (true) {
      b++;
      const slot = <i32>(b & (BUCKETS - 1));
      let start: i64 = 0;
      if (unchecked(epochs[slot]) == b) {
        let s = unchecked(states[slot]);
        if (s == BUCKET_PS) continue; // full (no tail, no gaps): most buckets a burst's walk crosses
        if (s > FREE_FROM) {
          if ((s >> COUNT_SHIFT) != 1) return this.takeWalking(b, 0, need);
          need = this.takeFromOnlyGapStart(slot, s, need);
          if (need == 0) return (b << BUCKET_SHIFT) + this.gapPlacedTo;
          s &= FREE_FROM;
        }
        start = s; // no gaps left: the state is the tail's start
      } else unchecked((epochs[slot] = b)); // taken over for b: all free
      const free = BUCKET_PS - start;
      if (need <= free) {
        unchecked((states[slot] = start + need));
        return (b << BUCKET_SHIFT) + start + need;
      }
      unchecked((states[slot] = BUCKET_PS));
      need -= free;
    }
    return 0; // not reached
  }

  /** Takes up to `need` ps from the slot's only gap, from `offset` or the gap's start if later;
   *  stores the slot's new state and returns what is still needed (0: all placed, ending at
   *  gapPlacedTo). What the request leaves of the gap before and after it stays a gap: a
   *  1-beat PL330 copy's reads start inside the gap a write booked ahead of them left. */
  @inline private takeFromOnlyGap(slot: i32, state: i64, offset: i64, need: i64): i64 {
    const at = slot * MAX_GAPS;
    const g = unchecked(this.gaps[at]);
    const a = gapStart(g);
    if (offset <= a) return this.takeFromOnlyGapStart(slot, state, need);
    const e = gapEnd(g);
    if (need < e - offset) {
      unchecked((this.gaps[at] = gap(offset + need, e)));
      unchecked((this.gaps[at + 1] = gap(a, offset))); // latest first
      unchecked((this.state[slot] = state + (<i64>1 << COUNT_SHIFT)));
      this.gapPlacedTo = offset + need;
      return 0;
    }
    // Used to its end: what lies before the request stays the slot's only gap.
    unchecked((this.gaps[at] = gap(a, offset)));
    unchecked((this.state[slot] = (state & ~(FREE_FROM << LATEST_END_SHIFT)) | (offset << LATEST_END_SHIFT)));
    this.gapPlacedTo = e;
    return need - (e - offset);
  }

  /** takeFromOnlyGap for a request that starts at or before the gap (a PL330 copy's read after
   *  the write booked ahead of it, every bucket after a walk's first): a gap used whole leaves
   *  the slot none. */
  @inline private takeFromOnlyGapStart(slot: i32, state: i64, need: i64): i64 {
    const g = unchecked(this.gaps[slot * MAX_GAPS]);
    const a = gapStart(g);
    const e = gapEnd(g);
    if (need < e - a) {
      unchecked((this.gaps[slot * MAX_GAPS] = gap(a + need, e)));
      this.gapPlacedTo = a + need;
      return 0;
    }
    unchecked((this.state[slot] = state & FREE_FROM));
    this.gapPlacedTo = e;
    return need - (e - a);
  }

  /** The state of the bucket `b`, whose slot is `slot`: a slot that holds another bucket is
   *  taken over for it, all free (its state is not read). */
  @inline private stateOf(slot: i32, b: i64): i64 {
    if (unchecked(this.epoch[slot]) == b) return unchecked(this.state[slot]);
    unchecked((this.epoch[slot] = b));
    return 0;
  }

  /** take from bucket b on, `offset` ps into it, with every case of gaps: the slot's gaps at or
   *  after the request's start are filled first, earliest first, then its tail; the time
   *  between the tail and a later start is kept as one more gap. */
  @noinline private takeWalking(b: i64, offset: i64, need: i64): i64 {
    while (true) {
      const slot = <i32>(b & (BUCKETS - 1));
      let state = this.stateOf(slot, b);
      if (offset < ((state >> LATEST_END_SHIFT) & 0xFFFF)) {
        need = this.takeFromGaps(slot, offset, need);
        if (need == 0) return (b << BUCKET_SHIFT) + this.gapPlacedTo;
        state = unchecked(this.state[slot]);
      }
      let start = state & FREE_FROM;
      if (offset > start) {
        state = this.addGap(slot, state, offset);
        start = offset;
      }
      const free = BUCKET_PS - start;
      if (need <= free) {
        unchecked((this.state[slot] = (state & ~FREE_FROM) | (start + need)));
        return (b << BUCKET_SHIFT) + start + need;
      }
      if (free > 0) {
        unchecked((this.state[slot] = (state & ~FREE_FROM) | BUCKET_PS));
        need -= free;
      }
      b++;
      offset = 0;
    }
    return 0; // not reached
  }

  /** Takes up to `need` ps from the slot's gaps at or after `offset`, earliest first; returns
   *  what is still needed (0: all placed, ending at gapPlacedTo). */
  @inline private takeFromGaps(slot: i32, offset: i64, need: i64): i64 {
    const base = slot * MAX_GAPS;
    const state = unchecked(this.state[slot]);
    let n = <i32>(state >> COUNT_SHIFT);
    for (let i = n - 1; i >= 0; i--) {
      const g = unchecked(this.gaps[base + i]);
      const a = gapStart(g);
      const e = gapEnd(g);
      if (e <= offset) continue;
      const s = a > offset ? a : offset;
      const t = min<i64>(e - s, need);
      need -= t;
      if (s + t < e) {
        // The request ends inside this gap: what is left of it after the request stays a gap,
        // and so does what lies before the request's start.
        this.gapPlacedTo = s + t;
        if (s == a) unchecked((this.gaps[base + i] = gap(s + t, e)));
        else {
          unchecked((this.gaps[base + i] = gap(a, s)));
          n = this.insertGap(base, n, i, gap(s + t, e));
        }
        unchecked((this.state[slot] = withGaps(state, this.gaps, base, n)));
        return 0;
      }
      if (s > a) unchecked((this.gaps[base + i] = gap(a, s)));
      else {
        // Used whole: the later gaps move down over it.
        for (let k = i; k < n - 1; k++) unchecked((this.gaps[base + k] = unchecked(this.gaps[base + k + 1])));
        n--;
      }
      if (need == 0) {
        this.gapPlacedTo = e;
        break;
      }
    }
    unchecked((this.state[slot] = withGaps(state, this.gaps, base, n)));
    return need;
  }

  /** Records [the slot's free tail's start, e) as its latest gap; returns the slot's new state
   *  (the caller stores it with its new tail). */
  @inline private addGap(slot: i32, state: i64, e: i64): i64 {
    const base = slot * MAX_GAPS;
    const n = this.insertGap(base, <i32>(state >> COUNT_SHIFT), 0, gap(state & FREE_FROM, e));
    return withGaps(state, this.gaps, base, n);
  }

  /** Puts g at index i of the n gaps at base, the ones from i on moving up; returns their new
   *  count. */
  @inline private insertGap(base: i32, n: i32, i: i32, g: u32): i32 {
    if (n == MAX_GAPS) {
      this.insertGapDroppingShortest(base, i, g);
      return n;
    }
    for (let k = n; k > i; k--) unchecked((this.gaps[base + k] = unchecked(this.gaps[base + k - 1])));
    unchecked((this.gaps[base + i] = g));
    return n + 1;
  }

  /** insertGap into a full slot: of the MAX_GAPS + 1 gaps, the shortest (the earliest of
   *  equals) is given up. Rare: a bucket seldom holds parts of more than a few requests. */
  @noinline private insertGapDroppingShortest(base: i32, i: i32, g: u32): void {
    for (let k = 0; k <= MAX_GAPS; k++) {
      unchecked((overfull[k] = k < i ? unchecked(this.gaps[base + k]) : k == i ? g : unchecked(this.gaps[base + k - 1])));
    }
    let shortest = MAX_GAPS; // latest first: scan from the earliest, keep the first shortest
    for (let k = MAX_GAPS - 1; k >= 0; k--) {
      if (length(unchecked(overfull[k])) < length(unchecked(overfull[shortest]))) shortest = k;
    }
    let to = 0;
    for (let k = 0; k <= MAX_GAPS; k++) {
      if (k != shortest) unchecked((this.gaps[base + to++] = unchecked(overfull[k])));
    }
  }
}
