// The trace recorder: components append fixed-size records (slices on a track, counter samples)
// to a buffer the host drains and turns into a Chrome Trace Event file (src/trace/). Off unless
// enabled; when full it stops recording and counts what it dropped, so a trace is never silently
// truncated in the middle.
//
// Record layout (32 bytes): i64 start ps · i64 end ps · u32 track · u16 kind · u16 name · f64 value

export const KIND_SLICE: u16 = 0;
export const KIND_COUNTER: u16 = 1;
export const KIND_INSTANT: u16 = 2;
/** A counter change: the host sums a track's deltas in time order into its counter samples.
 *  Lets a component report occupancy at the time a change takes effect (often in the future of
 *  the code recording it) without knowing the value then. */
export const KIND_DELTA: u16 = 3;

// Tracks: component in the high byte, index in the low byte.
export const TRACK_CPU: u32 = 0x0100;
export const TRACK_L1: u32 = 0x0200;
export const TRACK_L2: u32 = 0x0300;
/** DMAC n: channel c at 0x1000 + n·0x100 + c; manager +8; AXI read +9; AXI write +10;
 *  MFIFO counter +11; bytes-moved counter +12. */
export const TRACK_DMAC: u32 = 0x1000;
export const DMAC_MANAGER: u32 = 8;
export const DMAC_AXI_R: u32 = 9;
export const DMAC_AXI_W: u32 = 10;
export const DMAC_MFIFO: u32 = 11;
export const DMAC_BYTES: u32 = 12;
/** Memory controller n: bytes transferred (counter). */
export const TRACK_DRAM: u32 = 0x2000;

export const RECORD_BYTES: u32 = 32;

export let enabled: bool = false;
let buf: usize = 0;
let capacity: u32 = 0;
let count: u32 = 0;
let dropped: u32 = 0;

export function enable(records: u32): void {
  if (records > capacity) {
    buf = heap.alloc(<usize>records * RECORD_BYTES);
    capacity = records;
  }
  count = 0;
  dropped = 0;
  enabled = records > 0;
}

export function disable(): void {
  enabled = false;
}

function put(start: i64, end: i64, track: u32, kind: u16, name: u16, value: f64): void {
  if (count >= capacity) {
    dropped++;
    return;
  }
  const p = buf + <usize>count * RECORD_BYTES;
  store<i64>(p, start);
  store<i64>(p, end, 8);
  store<u32>(p, track, 16);
  store<u16>(p, kind, 20);
  store<u16>(p, name, 22);
  store<f64>(p, value, 24);
  count++;
}

/** A slice [start, end) on a track; `value` is shown as its argument (bytes, address, …). */
@inline export function slice(track: u32, name: u16, start: i64, end: i64, value: f64): void {
  if (enabled) put(start, end, track, KIND_SLICE, name, value);
}

@inline export function counter(track: u32, name: u16, t: i64, value: f64): void {
  if (enabled) put(t, t, track, KIND_COUNTER, name, value);
}

@inline export function delta(track: u32, name: u16, t: i64, change: f64): void {
  if (enabled) put(t, t, track, KIND_DELTA, name, change);
}

@inline export function instant(track: u32, name: u16, t: i64, value: f64): void {
  if (enabled) put(t, t, track, KIND_INSTANT, name, value);
}

export function buffer(): usize {
  return buf;
}
export function recorded(): u32 {
  return count;
}
export function droppedRecords(): u32 {
  return dropped;
}
/** Empties the buffer after the host has copied it out. */
export function reset(): void {
  count = 0;
  dropped = 0;
}
