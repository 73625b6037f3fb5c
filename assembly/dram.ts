// The physical address map: RAM regions (DRAM banks, on-chip SRAM) backed by host memory inside
// this wasm instance, MMIO windows routed to device models, and everything else a bus error.
// Each RAM region belongs to a memory controller with a latency and a bandwidth; the controller
// is a single shared resource, so every master (CPU refills, DMA bursts, table walks) queues on it.
//
// Masters other than the CPU's caches reach RAM through ramPtr / ramWrite, which first let the
// caches copy any line they hold deferred (cache.ts): what a master does to DRAM never changes
// what a cache holds. The caches themselves use ramHost.

import * as T from "./trace";
import { N_DRAM_BYTES } from "./trace-names";
import { deferredLines } from "./cache";
import { materializeRange } from "./deferred-bytes";
import { markWritten, heapTop } from "./memory-handover";
import { BusCalendar } from "./bus-calendar";


export const KIND_NONE: i32 = 0;
export const KIND_RAM: i32 = 1;
export const KIND_MMIO: i32 = 2;

const MAX_REGIONS: i32 = 32;
const MAX_CONTROLLERS: i32 = 8;

class Region {
  base: u64 = 0;
  end: u64 = 0; // exclusive
  kind: i32 = KIND_NONE;
  host: usize = 0; // RAM: host address of `base`
  device: i32 = 0; // MMIO: device type (mmio.ts)
  instance: i32 = 0; // MMIO: index among devices of that type
  controller: i32 = 0; // RAM: memory controller index
  latencyPs: i64 = 0; // MMIO: a register access's round trip (0: the CPU port's default)
}

/** Trace counter samples of a controller's bytes moved are at least this far apart. */
const SAMPLE_PS: i64 = 1000000;

class MemController {
  nextSample: i64 = 0;
  /** Bytes of every master (CPU and DMA) not yet in a trace record, and the latest time one
   *  of them moved: recorded as a change, so the counter counts from the trace's start and
   *  only grows, whichever master's request books the later time. */
  traceBytes: u64 = 0;
  traceAt: i64 = 0;
  latencyPs: i64 = 0; // first data after the request
  psPerKiB: i64 = 0; // transfer time per 1024 bytes at full bandwidth
  /** The data bus's bookings (bus-calendar.ts): CPU and DMA requests queue on it. */
  readonly bus: BusCalendar = new BusCalendar();
  bytesRead: u64 = 0;
  bytesWritten: u64 = 0;
  requests: u64 = 0;
  busyPs: i64 = 0;
}

const regions = new StaticArray<Region>(MAX_REGIONS);
let regionCount: i32 = 0;
const controllers = new StaticArray<MemController>(MAX_CONTROLLERS);
for (let i = 0; i < MAX_CONTROLLERS; i++) controllers[i] = new MemController();
for (let i = 0; i < MAX_REGIONS; i++) regions[i] = new Region();

// The last RAM region hit: nearly every access lands in the same bank.
let hotBase: u64 = 1;
let hotEnd: u64 = 0;
let hotHost: usize = 0;
let hotController: i32 = 0;

/** Region index found by the last successful `ramPtr`, for callers that also need its controller. */
export let lastController: i32 = 0;

export function configureController(id: i32, latencyPs: i64, psPerKiB: i64): void {
  const c = controllers[id];
  c.latencyPs = latencyPs;
  c.psPerKiB = psPerKiB;
}

/** Wasm memory pages (64 KiB) that hold `size` bytes, with one to spare. */
function pagesFor(size: u64): i64 {
  return <i64>((size + 0xFFFF) >> 16) + 1;
}

/** Host memory backs RAM in pieces of at most this size (the minimal AssemblyScript runtime's largest block is
 *  just under 1 GiB); a bank becomes several regions with consecutive addresses. */
const RAM_CHUNK: u64 = 512 << 20;

/** Adds a RAM region backed by zeroed host memory. Returns the index of its first region, -1
 *  when the wasm32 address space cannot hold it, or -2 when the address map has no regions
 *  left (the caller reports either as an error). */
export function addRam(base: u64, size: u64, controller: i32): i32 {
  const chunks = <i32>((size + RAM_CHUNK - 1) / RAM_CHUNK);
  if (size == 0 || size > 0xFFFFFFFF) return -1;
  // From the heap's top, not memory.size(): a memory handed on from a larger System is larger
  // than this instance's heap (memory-handover.ts).
  if (pagesFor(<u64>heapTop()) + pagesFor(size) + <i64>chunks > 65536) return -1;
  if (regionCount + chunks > MAX_REGIONS) return -2;
  const first = regionCount;
  for (let off: u64 = 0; off < size; off += RAM_CHUNK) {
    const n = size - off < RAM_CHUNK ? size - off : RAM_CHUNK;
    const r = regions[regionCount++];
    r.base = base + off;
    r.end = base + off + n;
    r.kind = KIND_RAM;
    r.host = heap.alloc(<usize>n);
    r.controller = controller;
  }
  return first;
}

export function addMmio(base: u64, size: u64, device: i32, instance: i32): i32 {
  if (regionCount >= MAX_REGIONS) return -1;
  const r = regions[regionCount];
  r.base = base;
  r.end = base + size;
  r.kind = KIND_MMIO;
  r.device = device;
  r.instance = instance;
  return regionCount++;
}

/** A register window with its own access latency (a device on a faster or slower bus). */
export function setRegionLatency(i: i32, ps: i64): void {
  regions[i].latencyPs = ps;
}

export function regionLatency(i: i32): i64 {
  return regions[i].latencyPs;
}

export function findRegion(pa: u64): i32 {
  for (let i = 0; i < regionCount; i++) {
    const r = unchecked(regions[i]);
    if (pa >= r.base && pa < r.end) return i;
  }
  return -1;
}

export function regionTotal(): i32 {
  return regionCount;
}
/** RAM region i's host bytes start here (0 if region i is not RAM). */
export function ramRegionHost(i: i32): usize {
  return regions[i].kind == KIND_RAM ? regions[i].host : 0;
}
export function regionBytes(i: i32): u64 {
  return regions[i].end - regions[i].base;
}

export function regionKind(i: i32): i32 {
  return i < 0 ? KIND_NONE : regions[i].kind;
}
export function regionBase(i: i32): u64 {
  return regions[i].base;
}
export function regionDevice(i: i32): i32 {
  return regions[i].device;
}
export function regionInstance(i: i32): i32 {
  return regions[i].instance;
}

/** Host pointer for [pa, pa+len) if the whole range lies in one RAM region, else 0 (bus error).
 *  For a master that may write there: cached copies are settled first. */
export function ramPtr(pa: u64, len: u64): usize {
  if (deferredLines != 0) materializeRange(pa, len);
  return ramHostForWrite(pa, len);
}

/** ramHost for a cache or coherent master about to write there: the pages are marked written
 *  (memory-handover.ts). */
@inline export function ramHostForWrite(pa: u64, len: u64): usize {
  const p = ramHost(pa, len);
  if (p != 0) markWritten(p, len);
  return p;
}

/** ramPtr for the caches themselves (and for reads, which cannot disturb a cached copy). */
@inline export function ramHost(pa: u64, len: u64): usize {
  if (pa >= hotBase && pa + len <= hotEnd) {
    lastController = hotController;
    return hotHost + <usize>(pa - hotBase);
  }
  return ramHostSlow(pa, len);
}

function ramHostSlow(pa: u64, len: u64): usize {
  const i = findRegion(pa);
  if (i < 0) return 0;
  const r = regions[i];
  if (r.kind != KIND_RAM || pa + len > r.end || pa + len < pa) return 0;
  hotBase = r.base;
  hotEnd = r.end;
  hotHost = r.host;
  hotController = r.controller;
  lastController = r.controller;
  return r.host + <usize>(pa - r.base);
}

/** Copies [pa, pa+n) out of RAM, across region boundaries. False if any byte is not RAM. */
export function ramRead(pa: u64, n: u32, dst: usize): bool {
  let done: u32 = 0;
  while (done < n) {
    const a = pa + done;
    const i = findRegion(a);
    if (i < 0 || regions[i].kind != KIND_RAM) return false;
    const r = regions[i];
    const k = <u32>min<u64>(<u64>(n - done), r.end - a);
    memory.copy(dst + done, r.host + <usize>(a - r.base), k);
    done += k;
  }
  return true;
}

/** Copies into RAM at [pa, pa+n), across region boundaries. False (nothing written) if any byte
 *  is not RAM. */
export function ramWrite(pa: u64, n: u32, src: usize): bool {
  if (deferredLines != 0) materializeRange(pa, n);
  let done: u32 = 0;
  while (done < n) {
    const a = pa + done;
    const i = findRegion(a);
    if (i < 0 || regions[i].kind != KIND_RAM) return false;
    done += <u32>min<u64>(<u64>(n - done), regions[i].end - a);
  }
  done = 0;
  while (done < n) {
    const a = pa + done;
    const r = regions[findRegion(a)];
    const k = <u32>min<u64>(<u64>(n - done), r.end - a);
    markWritten(r.host + <usize>(a - r.base), k);
    memory.copy(r.host + <usize>(a - r.base), src + done, k);
    done += k;
  }
  return true;
}

/** Times one transfer of `bytes` on a memory controller requested at `t`; returns when the last
 *  byte has moved. Latency overlaps with other transfers; the data bus does not. */
export function memAccess(controller: i32, t: i64, bytes: u32, write: bool): i64 {
  return memBooking(controller, t, bytes, write);
}

/** memAccess's body, for its two entries. */
@inline function memBooking(controller: i32, t: i64, bytes: u32, write: bool): i64 {
  const c = unchecked(controllers[controller]);
  if (T.enabled) traceBytes(controller, c, t, bytes);
  const xfer = (<i64>bytes * c.psPerKiB) >> 10;
  c.requests++;
  c.busyPs += xfer;
  if (write) c.bytesWritten += bytes;
  else c.bytesRead += bytes;
  return c.bus.take(t + c.latencyPs, xfer);
}

function traceBytes(id: i32, c: MemController, t: i64, bytes: u32): void {
  c.traceBytes += bytes;
  if (t > c.traceAt) c.traceAt = t;
  if (t < c.nextSample) return;
  T.delta(T.TRACK_DRAM + <u32>id, N_DRAM_BYTES, t, <f64>c.traceBytes);
  c.traceBytes = 0;
  c.nextSample = t + SAMPLE_PS;
}

/** Before the trace stops: the bytes each controller moved since its last record, at `t` or
 *  the latest time one of them moved, so the counter ends at every byte the trace saw. */
export function flushTraceBytes(t: i64): void {
  for (let i = 0; i < MAX_CONTROLLERS; i++) {
    const c = unchecked(controllers[i]);
    if (c.traceBytes != 0) T.delta(T.TRACK_DRAM + <u32>i, N_DRAM_BYTES, max<i64>(t, c.traceAt), <f64>c.traceBytes);
    c.traceBytes = 0;
    c.nextSample = 0;
  }
}

export function controllerLatency(id: i32): i64 {
  return controllers[id].latencyPs;
}

export function controllerBusyPs(id: i32): i64 {
  return controllers[id].busyPs;
}

export function controllerBytesRead(id: i32): u64 {
  return controllers[id].bytesRead;
}
export function controllerBytesWritten(id: i32): u64 {
  return controllers[id].bytesWritten;
}
export function controllerRequests(id: i32): u64 {
  return controllers[id].requests;
}

export function regionController(i: i32): i32 {
  return regions[i].controller;
}

// ---- The PL330's AXI port (assembly/pl330/axi.ts) ------------------------------------------------
// memAccess, inlined where every DMA burst is timed. (It used to remember the full stretch of bus
// time its last read or write had crossed, to jump it the next time; with the calendar keeping
// gaps and a copy's writes booked at its end, a read starts in the gap before a write and not
// inside such a stretch: in a 64 MiB copy, a memcpy scenario or `run dma-mix`, fewer than one
// request in a thousand jumped, for two dozen instructions on every one.)
@inline export function memAccessStream(controller: i32, t: i64, bytes: u32, write: bool): i64 {
  return memBooking(controller, t, bytes, write);
}
