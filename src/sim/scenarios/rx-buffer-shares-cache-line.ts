// The bug kind rx-buffer-shares-cache-line: a driver's receive buffer embedded in its private
// struct after a few fields, with no __aligned(ARCH_DMA_MINALIGN) (or ____cacheline_aligned), so
// the buffer's first bytes share a cache line with a field the CPU writes:
//
//   struct rx_priv {
//           u32 status;                 // offset 0: the CPU writes it whenever it likes
//           u32 frames;                 //           (an interrupt handler, a stats update)
//           u64 stamp;
//           u8  rx_buf[RX_LEN];         // offset 16 (--param offset), kmalloc'd with the rest
//   };
//
// The struct is kmalloc'd; each frame maps rx_buf DMA_FROM_DEVICE, the PL330 copies a frame into
// it, the driver unmaps and reads. A frame during which the CPU writes `status` brings that line
// into the CPU's cache (a write-allocate miss, or a hit on the copy modern arm64's map leaves
// there after cleaning it) and dirties it, holding rx_buf's first bytes as they were before the
// device wrote them. The unmap cannot simply invalidate a line the range covers only in part, as
// that would discard the CPU's status too: it cleans and invalidates it, and the CPU's old copy
// of the whole line lands over the device's bytes in DRAM:
//   arm64   dcache_inval_poc (__dma_inv_area / __inval_cache_range in 4.9, arch/arm64/mm/cache.S):
//           DC CIVAC on an unaligned start or end line, DC IVAC on the lines between;
//   arm     v7_dma_inv_range (arch/arm/mm/cache-v7.S, 4.9 and modern): clean & invalidate
//           (c7, c14, 1) on a partial edge line, invalidate (c7, c6, 1) between; the PL310's
//           l2c210_inv_range (cache-l2x0.c) likewise cleans and invalidates its partial lines.
// A frame during which the CPU leaves the struct alone loses nothing: the line is clean, and the
// unmap only drops it. When the CPU writes matters too: arm and 4.9 arm64 invalidate the line at
// map time, so a write after the device has written that line fetches the device's bytes and
// loses none; modern arm64's map only cleans (arch_sync_dma_for_device), the old bytes stay
// cached, and a write at any time until the unmap loses them. The kind receives three frames:
// status untouched, written once the transfer runs, and written after the map, before it is
// issued. So the corruption comes and goes with the CPU's timing.
//
// The bytes lost are rx_buf's bytes in the struct's first line: line − offset when offset < line
// (the struct itself starts a line: a kmalloc object of a power-of-two size is aligned to it).
//
// Modern arm64 (6.5+, CONFIG_DMA_BOUNCE_UNALIGNED_KMALLOC, with a swiotlb) bounces small kmalloc
// buffers: dma_kmalloc_needs_bounce (include/linux/dma-map-ops.h) looks at the mapping's size
// alone, "assuming it is for a kmalloc()'ed buffer": under 2 × ARCH_DMA_MINALIGN (256) with a
// kmalloc_size_roundup that is not a multiple of the cache alignment. The pointer's alignment,
// "in-structure DMA-safe offsets", are the caller's business, so a 1536-byte rx_buf at offset 16
// is mapped in place on every kernel. A mapping that does bounce (a small size; swiotlb=force; a
// buffer beyond the device's mask) hides the bug: the device writes the bounce slot and the
// unmap copies only rx_buf's bytes back with the CPU. The symptom then says so.
//
// DMA-API debug reports nothing: the damage is a CPU store and a cache operation, not a DMA API
// call; its cacheline tracking (modern) only catches two mappings overlapping in a line.
//
// The fix: rx_buf __aligned(ARCH_DMA_MINALIGN), which puts it at that offset with the struct's
// size rounded up to it (or rx_buf in an allocation of its own): no field shares its lines.

import type { System } from "../../system.js";
import type { Device } from "../../kernel/device.js";
import type { VirtAddr } from "../../hw/address.js";
import { DMA_FROM_DEVICE, DMA_TO_DEVICE } from "../../dma/constants.js";
import { dma_kmalloc_needs_bounce } from "../../dma/direct.js";
import { dma_to_phys } from "../../dma/dma-address.js";
import { is_swiotlb_buffer } from "../../dma/swiotlb.js";
import {
  dma_async_issue_pending, dma_sync_wait,
} from "../../dmaengine/dmaengine.js";
import { DMA_COMPLETE, STATUS_NAMES, type DmaChan } from "../../dmaengine/types.js";
import { KMALLOC_MAX_CACHE_SIZE } from "../../mm/slab.js";
import { parseSize } from "../../units.js";
import { pattern } from "../phase.js";
import { kmallocBuffers, mapSingle } from "../managed-buffers.js";
import type { Defer } from "../teardown.js";
import type { ScenarioParams } from "../scenarios.js";
import type { BugResult } from "./bug-kinds.js";
import { leaveTreeText } from "../../tree-choice.js";
import { memcpyChannel, submitMemcpy } from "./memcpy-channel.js";

/** rx_buf's size by default: a frame of a 1500-byte MTU and its header, as NIC drivers size it. */
const DEFAULT_LEN = 1536;
/** rx_buf's offset by default: after status, frames and a 64-bit stamp. */
const DEFAULT_OFFSET = 16;
/** The status word at the struct's start, the field the CPU writes. */
const STATUS_BYTES = 4;

/** ARCH_DMA_MINALIGN, the static alignment a driver gives an in-struct DMA buffer: arm64 128
 *  (arch/arm64/include/asm/cache.h, 4.9 and modern, the largest line an ARMv8 core may have);
 *  arm L1_CACHE_BYTES (arch/arm/include/asm/cache.h), 64 with ARM_L1_CACHE_SHIFT_6 (CPU_V7). */
export function archDmaMinalign(s: System): number {
  return s.machine.profile.arch === "arm64" ? 128 : 64;
}

const hex = (n: number) => "0x" + n.toString(16);

interface Layout {
  /** rx_buf's offset in the struct. */
  offset: number;
  /** rx_buf's size, the mapping's. */
  len: number;
  /** sizeof the struct: what the driver kmallocs. */
  structBytes: number;
}

/** The kind's parameters: rx_buf's offset in the struct and its size (the struct ends with it). */
export function rxLayout(params: ScenarioParams): Layout {
  const offset = params.offset === undefined ? DEFAULT_OFFSET : parseSize(params.offset as string | number);
  const len = params.len === undefined ? DEFAULT_LEN : parseSize(params.len as string | number);
  if (offset < STATUS_BYTES || offset > 4096) {
    throw new RangeError(`rx-buffer-shares-cache-line: offset ${offset} cannot be rx_buf's place in the struct (-EINVAL): from ${STATUS_BYTES} (past the 4-byte status word) to 4096 bytes`);
  }
  if (len < 1 || offset + len > KMALLOC_MAX_CACHE_SIZE) {
    throw new RangeError(`rx-buffer-shares-cache-line: len ${len} does not fit the struct (-EINVAL): from 1 byte to ${KMALLOC_MAX_CACHE_SIZE - offset}, so that offset and len stay within a kmalloc cache's largest object (${KMALLOC_MAX_CACHE_SIZE} bytes)`);
  }
  return { offset, len, structBytes: offset + len };
}

/** The fixed struct: rx_buf __aligned(ARCH_DMA_MINALIGN), so the compiler places it at that
 *  offset (past the fields) and rounds the struct's size up to the alignment. */
function alignedLayout(layout: Layout, minalign: number): Layout {
  const offset = Math.ceil(layout.offset / minalign) * minalign;
  return { offset, len: layout.len, structBytes: offset + Math.ceil(layout.len / minalign) * minalign };
}

/** When the CPU writes status in a frame: never; after the map, before the transfer is issued
 *  (the driver marks the struct busy); or once the transfer runs. */
type StatusWrite = "never" | "after-map" | "during";

interface Frame {
  /** Indexes into rx_buf of the bytes that did not hold the frame after the unmap. */
  lost: number[];
  bounced: boolean;
}

interface Received {
  structVa: VirtAddr;
  /** The frame during which the CPU left the struct alone. */
  quiet: Frame;
  /** The frame whose status write came after the map, before the device wrote the line. */
  afterMap: Frame;
  /** The frame whose status write came while the transfer ran. */
  during: Frame;
}

/** One struct (zeroed, as a driver's kzalloc'ed private data), three frames received into its
 *  rx_buf, each with the CPU writing status at another time. */
function receiveFrames(s: System, chan: DmaChan, layout: Layout, defer: Defer, seed: number): Received {
  const { offset, len, structBytes } = layout;
  const bufs = kmallocBuffers(s, [structBytes, len], defer);
  const [structVa, src] = bufs.vas;
  s.cpu.fill(structVa, 0, structBytes);
  const rx = { rxVa: structVa + offset, statusVa: structVa };
  // rx_buf's contents before each frame and each frame's bytes differ in every byte (the data
  // XORed with 0xff, 0x00, 0x55, 0xaa): a byte left from any earlier frame counts as lost.
  const data = pattern(len, seed);
  s.cpu.write(rx.rxVa, data.map((b) => b ^ 0xff));
  const masks = [0x00, 0x55, 0xaa];
  let frames = 0;
  const frame = (when: StatusWrite) => {
    const f = receive(s, chan, rx, src, data.map((b) => b ^ masks[frames]), when, defer);
    s.machine.cpu.store(structVa + 4, 4, ++frames); // frames++ after the unmap: harmless
    return f;
  };
  const quiet = frame("never");
  const during = frame("during");
  const afterMap = frame("after-map");
  bufs.free();
  return { structVa, quiet, afterMap, during };
}

/** A frame as the driver receives it: map, the PL330 copies, unmap, read; the CPU writes status
 *  at `when`. */
function receive(s: System, chan: DmaChan, rx: { rxVa: VirtAddr; statusVa: VirtAddr }, src: VirtAddr, data: Uint8Array, when: StatusWrite, defer: Defer): Frame {
  const dev = chan.device.dev;
  const len = data.length;
  const writeStatus = () => s.machine.cpu.store(rx.statusVa, 4, 0x80000001);
  s.cpu.write(src, data);
  const ds = mapSingle(dev, src, len, DMA_TO_DEVICE, defer);
  const dd = mapSingle(dev, rx.rxVa, len, DMA_FROM_DEVICE, defer);
  const bounced = is_swiotlb_buffer(dev, dma_to_phys(dev, dd.addr));
  if (when === "after-map") writeStatus(); // the driver marks the struct busy: the line is the device's already
  // Issued here, not by memcpyAndWait: the CPU may write status between the issue and the wait.
  const cookie = submitMemcpy(chan, dd.addr, ds.addr, len);
  dma_async_issue_pending(chan);
  // An interrupt handler, a stats update or a watchdog stores status while the device writes.
  if (when === "during") writeStatus();
  const status = dma_sync_wait(chan, cookie);
  if (status !== DMA_COMPLETE) throw new Error(`the ${len}-byte receive did not complete (${STATUS_NAMES[status] ?? status})`);
  dd.unmap();
  ds.unmap();
  const got = s.cpu.read(rx.rxVa, len);
  const lost: number[] = [];
  for (let i = 0; i < len; i++) if (got[i] !== data[i]) lost.push(i);
  return { lost, bounced };
}

/** rx_buf's lost bytes as runs, each with the line it lies in: `rx_buf[0..47] (PA 0x…–0x…, in
 *  the line at PA 0x…, with the struct's first 16 bytes)`. */
function lostRuns(lost: number[], rxPa: number, offset: number, line: number): string[] {
  const runs: string[] = [];
  for (let i = 0; i < lost.length; ) {
    let j = i;
    const lineOf = (idx: number) => Math.floor((rxPa + idx) / line) * line;
    while (j + 1 < lost.length && lost[j + 1] === lost[j] + 1 && lineOf(lost[j + 1]) === lineOf(lost[i])) j++;
    const a = lost[i];
    const b = lost[j];
    const base = lineOf(a);
    const fields = a + offset < line && base === lineOf(0) && (rxPa - offset) % line === 0 ? `, with the struct's first ${offset} bytes` : "";
    runs.push(`rx_buf[${a}..${b}] (PA ${hex(rxPa + a)}–${hex(rxPa + b)}, in the ${line}-byte line at PA ${hex(base)}${fields})`);
    i = j + 1;
  }
  return runs;
}

/** Why the mapping bounced, in the kernel's terms. */
function bounceReason(s: System, dev: Device, len: number): string {
  if (s.kernel.dma.swiotlb?.force) return "swiotlb=force bounces every streaming mapping";
  if (dma_kmalloc_needs_bounce(dev, len, DMA_FROM_DEVICE)) {
    return `dma_kmalloc_needs_bounce (6.5+) bounced it: a ${len}-byte DMA_FROM_DEVICE mapping, under 2 × ARCH_DMA_MINALIGN (256) and ` +
      `with a kmalloc size (${s.kernel.mm.slab.roundup(len)}) that is not a multiple of the ${s.kernel.dma.cacheAlignment}-byte cache alignment; ` +
      `it looks at the size alone, so an rx_buf of 256 bytes or more, or one whose kmalloc size is a multiple of ${s.kernel.dma.cacheAlignment}, ` +
      "at the same offset is mapped in place and loses its bytes";
  }
  return "the buffer is beyond what the device can address, and swiotlb bounced it";
}

/** What a status write while the device was writing did, and why (it depends on what the map did
 *  to the line). */
function duringText(s: System, during: Frame): string {
  if (during.lost.length) {
    return `a status write while the device was writing lost ${during.lost.length} too: the map only cleaned the line ` +
      "(arch_sync_dma_for_device), so the CPU's write found rx_buf's old bytes still cached";
  }
  const mapOp = s.machine.profile.arch === "arm64" ? "__dma_map_area's dcache_inval_poc" : "v7_dma_inv_range";
  return `a status write while the device was writing lost 0 here: the map had cleaned and invalidated the line (${mapOp}) ` +
    "and the device had written it by then, so the CPU's write fetched the device's bytes";
}

export function rxBufferSharesCacheLine(s: System, defer: Defer, params: ScenarioParams): BugResult {
  const layout = rxLayout(params);
  const { offset, len } = layout;
  const { chan, dev, release } = memcpyChannel(s, defer);
  const line = s.machine.cpu.lineBytes;
  const minalign = archDmaMinalign(s);
  const debug = s.kernel.dma.debug;
  const reportsBefore = debug.reports.length;
  const bug = receiveFrames(s, chan, layout, defer, 71);
  const reports = debug.reports.length - reportsBefore;
  const fixed = alignedLayout(layout, minalign);
  const fix = receiveFrames(s, chan, fixed, defer, 73);
  release();

  const structPa = s.kernel.mm.virt_to_phys(bug.structVa);
  const lost = bug.afterMap.lost.length;
  const quiet = bug.quiet.lost.length;
  const lostFixed = fix.quiet.lost.length + fix.afterMap.lost.length + fix.during.lost.length;
  const bounced = bug.afterMap.bounced;
  const details: Record<string, number | string> = {
    bytes: len, offset, structBytes: layout.structBytes, structPa: hex(structPa), lineBytes: line, archDmaMinalign: minalign,
    lostBytes: lost, lostBytesWriteDuringTransfer: bug.during.lost.length, lostBytesQuietFrame: quiet,
    fixedOffset: fixed.offset, lostBytesFixed: lostFixed, bounced: bounced ? "yes" : "no", dmaDebugReports: debug.enabled ? reports : "off",
  };
  const where = `rx_buf at offset ${offset} of a ${layout.structBytes}-byte kmalloc'ed struct (PA ${hex(structPa)})`;
  let symptom: string;
  if (dev.dma_coherent) {
    symptom = `${where}: ${lost} of ${len} bytes lost: ${dev.name} is dma-coherent (its writes snoop the CPU's caches), so Linux maintains no line and none is written back over the device's bytes: this board cannot show the bug; ${leaveTreeText(s)}`;
  } else if (bounced) {
    symptom = `${where}: ${lost} of ${len} bytes lost, as the mapping was bounced through swiotlb: ${bounceReason(s, dev, len)}. ` +
      "The device wrote the bounce slot, and the unmap copied rx_buf's bytes alone back with the CPU: swiotlb hides the bug here";
  } else if (lost === 0) {
    symptom = `${where}: 0 of ${len} bytes lost: offset ${offset} is ${offset % line ? "not " : ""}a multiple of this CPU's ${line}-byte line` +
      (offset % line ? "" : `, so rx_buf shares no line with status here; it is not ARCH_DMA_MINALIGN-aligned (${minalign}), and a CPU with longer lines would lose bytes`);
  } else {
    symptom = `${where}: the frame in which the driver wrote status (offset 0) after dma_map_single lost ${lost} of ${len} bytes, ` +
      `${lostRuns(bug.afterMap.lost, structPa + offset, offset, line).join(", ")}: the unmap's clean and invalidate of that partly covered line ` +
      `(${s.machine.profile.arch === "arm64" ? "dcache_inval_poc" : "v7_dma_inv_range"}) wrote the CPU's copy of the whole line, ` +
      `rx_buf's bytes as they were before the transfer, over the device's; ${duringText(s, bug.during)}; the frame in which the CPU left the struct alone lost ${quiet}`;
  }
  return {
    kind: "rx-buffer-shares-cache-line",
    symptom,
    fixed: `rx_buf __aligned(ARCH_DMA_MINALIGN) (offset ${fixed.offset}, a ${fixed.structBytes}-byte struct), in lines of its own: the same three frames lost ${lostFixed} bytes`,
    reproduced: !dev.dma_coherent && !bounced && lost > 0 && quiet === 0 && lostFixed === 0,
    details,
  };
}
