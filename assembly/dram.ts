// The physical address map: RAM regions (DRAM banks, on-chip SRAM) backed by host memory inside
// this wasm instance, MMIO windows routed to device models, and everything else a bus error.
// Each RAM region belongs to a memory controller with a latency and a bandwidth; the controller
// is a single shared resource, so every master (CPU refills, DMA bursts, table walks) queues on it.

import { max64 } from "./time";

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
}

class MemController {
  latencyPs: i64 = 0; // first data after the request
  psPerKiB: i64 = 0; // transfer time per 1024 bytes at full bandwidth
  busyUntil: i64 = 0; // the data bus is shared: requests serialise on it
  bytesRead: u64 = 0;
  bytesWritten: u64 = 0;
  requests: u64 = 0;
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

/** Wasm memory pages (64 KiB) needed beyond what is in use to hold `size` more bytes. */
function pagesFor(size: u64): i64 {
  return <i64>((size + 0xFFFF) >> 16) + 1;
}

/** Adds a RAM region backed by zeroed host memory. Returns the region index, or -1 when the
 *  wasm32 address space cannot hold it (the caller reports that as an error). */
export function addRam(base: u64, size: u64, controller: i32): i32 {
  if (regionCount >= MAX_REGIONS || size == 0) return -1;
  if (<i64>memory.size() + pagesFor(size) > 65536) return -1;
  const r = regions[regionCount];
  r.base = base;
  r.end = base + size;
  r.kind = KIND_RAM;
  r.host = heap.alloc(<usize>size);
  r.controller = controller;
  return regionCount++;
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

export function findRegion(pa: u64): i32 {
  for (let i = 0; i < regionCount; i++) {
    const r = unchecked(regions[i]);
    if (pa >= r.base && pa < r.end) return i;
  }
  return -1;
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

/** Host pointer for [pa, pa+len) if the whole range lies in one RAM region, else 0 (bus error). */
export function ramPtr(pa: u64, len: u64): usize {
  if (pa >= hotBase && pa + len <= hotEnd) {
    lastController = hotController;
    return hotHost + <usize>(pa - hotBase);
  }
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

/** Times one transfer of `bytes` on a memory controller requested at `t`; returns when the last
 *  byte has moved. Latency overlaps with earlier transfers; the data bus does not. */
export function memAccess(controller: i32, t: i64, bytes: u32, write: bool): i64 {
  const c = unchecked(controllers[controller]);
  const xfer = (<i64>bytes * c.psPerKiB) >> 10;
  const start = max64(t + c.latencyPs, c.busyUntil);
  c.busyUntil = start + xfer;
  c.requests++;
  if (write) c.bytesWritten += bytes;
  else c.bytesRead += bytes;
  return start + xfer;
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
