// memcpy: how fast does the PL330 copy on this board, and what changes it? Parameters:
//   size      bytes per channel (default 1M)
//   burst     beats per burst: "auto" (the driver's choice) or 1…16
//   channels  channels copying at the same time (default 1)
//   buffers   "coherent" (dma_alloc_coherent), "streaming" (kmalloc + dma_map_single), "pool"
//             (blocks of a dma_pool) or "bounced" (streaming, with mappings through swiotlb)
//   block     buffers=pool only: the pool's block size (default 4K), one descriptor per block
// Returns the DMA time and throughput, with the bytes checked. Without CMA the largest buffer the
// kernel can give is one 4 MiB buddy block, so a larger size is copied as consecutive 4 MiB
// segments: all submitted before one issue_pending, so the channel streams them back to back.
// With a CMA area (the cma option) the segments stay 4 MiB, so results stay comparable; the
// buffers then come from the area, which does not fall back to the buddy allocator on arm and
// 4.9 arm64, so an area too small for the copy is named in the -ENOMEM message.
// A pool copy is a driver moving data in pool-sized chunks: a descriptor per block pair, all
// submitted before the one issue_pending per channel. A bounced copy's segments are at most
// dma_max_mapping_size (one swiotlb segment, 256 KiB; so are a streaming copy's wherever
// swiotlb may bounce its mappings), and its time includes the bounce copies
// at map and unmap; a mapping that did not bounce is refused, since the result would then be a
// streaming one under another name. A streaming copy bounces as well wherever swiotlb does, and
// its result then has the same bounce figures (bouncePs, bouncedBytes).

import type { System } from "../../system.js";
import { ENOMEM, KernelError } from "../../kernel/errno.js";
import { dma_max_mapping_size } from "../../dma/mapping.js";
import { dma_pool_destroy, type DmaPool } from "../../dma/pool.js";
import { dma_to_phys } from "../../dma/dma-address.js";
import { IO_TLB_SIZE, is_swiotlb_buffer } from "../../dma/swiotlb.js";
import { DMA_FROM_DEVICE, DMA_TO_DEVICE, type DmaDirection } from "../../dma/constants.js";
import type { Device } from "../../kernel/device.js";
import {
  dma_request_chan_by_mask, dma_async_issue_pending, dma_sync_wait, dma_release_channel,
} from "../../dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_MEMCPY, type DmaChan } from "../../dmaengine/types.js";
import type { Pl330Driver } from "../../drivers/pl330/driver.js";
import { maintainsForSnoopingPort } from "../../hw/port-coherent.js";
import type { DmaAddr, VirtAddr } from "../../hw/address.js";
import { formatBytes, parseSize, mbPerSec } from "../../units.js";
import { isWholeIn, wholeNumberIn } from "../../whole-number.js";
import { PatternStream, countDifferent } from "../phase.js";
import { withTeardown, type Defer } from "../teardown.js";
import { mapSingle, type ManagedMapping } from "../managed-buffers.js";
import type { ScenarioParams } from "../scenarios.js";
import { submitMemcpy } from "./memcpy-channel.js";
import { coherentBuffers, createBlockPool, poolBuffers, streamingBuffers, type Buffers } from "./memcpy-buffers.js";

/** The largest buffer the buddy allocator gives (order 10 = 4 MiB). */
const MAX_SEGMENT = 4 << 20;

export interface MemcpyResult {
  size: number;
  burst: number | "auto";
  channels: number;
  buffers: string;
  dmaTimePs: number;
  mbPerSec: number;
  ok: boolean;
  /** buffers=pool: the pool's block size and the memcpy descriptors submitted (all channels). */
  block?: number;
  descriptors?: number;
  /** buffers=bounced, and buffers=streaming whenever a mapping bounced: of dmaTimePs, the
   *  swiotlb bounce copies (the demo's "bounce copies"), and the bytes they copied. A streaming
   *  copy that did not bounce has neither field. */
  bouncePs?: number;
  bouncedBytes?: number;
  /** buffers=streaming and bounced, where dmaTimePs runs from the first dma_map_single to the
   *  last unmap: of it, the cache maintenance (the demo's "cache maint."), the bytes its ranges
   *  covered, and the rest, `transferPs` — prep, submit, the PL330's copy and its completion,
   *  what a coherent copy's dmaTimePs measures — with its throughput, `transferMbPerSec`.
   *  dmaTimePs = maintenancePs + (bouncePs) + transferPs. */
  maintenancePs?: number;
  maintainedBytes?: number;
  transferPs?: number;
  transferMbPerSec?: number;
  /** buffers=streaming and bounced, on a DMAC whose port snoops the CPU's caches while the tree
   *  does not say dma-coherent (`dmasim,port-coherent = <1>`): of maintenancePs, what the port
   *  makes unnecessary — all of it, since Linux skips every cache operation for a dma-coherent
   *  device (dev_is_dma_coherent). Absent elsewhere. */
  unneededMaintenancePs?: number;
}

type Kind = "coherent" | "streaming" | "pool" | "bounced";
const KINDS: readonly Kind[] = ["coherent", "streaming", "pool", "bounced"];

/** Which of the copy's segments (every channel's, in order) could not get buffers, for the
 *  -ENOMEM message: the size the user asked for is the whole copy's, the call that failed one
 *  segment's. */
function segmentText(k: number, nseg: number, total: number): string {
  return nseg === 1 ? "" : ` (segment ${k + 1} of ${nseg}: copying ${formatBytes(total)} needs twice that)`;
}

/** The host holds the pattern a piece at a time: a 16 MiB job then allocates no 16 MiB arrays. */
const CHUNK = 1 << 20;
const chunk = new Uint8Array(CHUNK);

/** Whether the bytes at va are pattern(len, seed), read back through the CPU. Each piece is
 *  compared where the CPU read it to (readWith): copying 16 MiB out to compare it cost a 16M job
 *  a page fault per 4 KiB of fresh host memory and its garbage collection. */
function copied(system: System, va: VirtAddr, len: number, seed: number): boolean {
  const stream = new PatternStream(seed);
  for (let off = 0; off < len; off += CHUNK) {
    const n = Math.min(CHUNK, len - off);
    if (system.machine.cpu.readWith(va + off, n, (bytes) => countDifferent(bytes, stream.next(n, chunk))) !== 0) return false;
  }
  return true;
}

/** Host time of a job, relative: the boot (about what copying 0.5 MB costs), then the bytes —
 *  the CPU's fill and check of them through the cache model outweigh the DMA's bursts, which add
 *  a third for 1-beat bursts and little for long ones (measured on this repository's machine). */
export function cost(params: ScenarioParams): number {
  const len = parseSize((params.size as string | number | undefined) ?? "1M") * Number(params.channels ?? 1);
  const beats = params.burst === undefined || params.burst === "auto" ? 16 : Number(params.burst);
  // A pool copy also pays per descriptor (prep, submit, its blocks): about 3 KB's worth each.
  const blocks = params.buffers === "pool" ? Math.ceil(len / Math.max(1, parseSize((params.block as string | number | undefined) ?? "4K"))) : 0;
  return len * (1 + 0.33 / beats) + 500_000 + 3000 * blocks;
}

export function run(system: System, params: ScenarioParams = {}): MemcpyResult {
  const len = parseSize((params.size as string | number | undefined) ?? "1M");
  // pl330_prep_dma_memcpy returns NULL for a zero length.
  if (len < 1) throw new RangeError(`size must be at least one byte, not ${params.size}`);
  const burst = params.burst === undefined || params.burst === "auto" ? "auto" : Number(params.burst);
  if (burst !== "auto" && !(Number.isInteger(burst) && burst >= 1 && burst <= 16)) {
    throw new RangeError(`burst must be "auto" or 1…16, not "${params.burst}"`);
  }
  const nchan = Number(params.channels ?? 1);
  if (!isWholeIn(nchan, 1)) throw new RangeError(`channels must be ${wholeNumberIn(1)}, not "${params.channels}"`);
  const kind = String(params.buffers ?? "coherent") as Kind;
  if (!KINDS.includes(kind)) throw new RangeError(`buffers must be coherent, streaming, pool or bounced, not "${kind}"`);
  if (params.block !== undefined && kind !== "pool") {
    throw new RangeError(`block is the dma_pool block size: it applies to buffers=pool only, not buffers=${kind}`);
  }
  const block = kind === "pool" ? parseSize((params.block as string | number | undefined) ?? "4K") : 0;
  if (kind === "bounced" && !system.kernel.dma.swiotlb) {
    const why = system.machine.profile.arch !== "arm64" ? "arm without LPAE addresses all its RAM with 32 bits"
      : system.kernel.dma.swiotlbNoForce ? "Linux 4.9 builds none when all RAM is within ZONE_DMA and swiotlb is not forced"
        : "swiotlb= gave it none";
    throw new RangeError(
      `buffers=bounced: this kernel has no swiotlb (${why}), so no mapping bounces; ` +
      "run it on an arm64 board (--board arm64-highmem bounces by itself, --board arm64-ref with --swiotlb force)",
    );
  }

  return withTeardown((defer) => {
    const chans: DmaChan[] = [];
    const pools = new Map<Device, DmaPool>();
    const all: Segment[] = [];
    let driver: Pl330Driver | undefined;
    // Released last: the channels (and the driver's burst setting); before them the pools, and
    // before those the buffers (a pool destroyed with blocks out reports itself busy).
    defer(() => {
      chans.forEach((c) => dma_release_channel(c));
      if (driver) driver.dmac.params.memcpy_max_burst = 0;
    });
    defer(() => pools.forEach((p) => dma_pool_destroy(p)));
    defer(() => all.forEach((j) => j.b.release()));
    for (let i = 0; i < nchan; i++) chans.push(dma_request_chan_by_mask(system, DMA_MEMCPY));
    driver = chans[0].device.dev.driverData as Pl330Driver;
    driver.dmac.params.memcpy_max_burst = burst === "auto" ? 0 : burst;
    // A mapping is at most dma_max_mapping_size, as for a driver: one swiotlb segment where
    // swiotlb may bounce it (so a streaming copy there is cut as a bounced one), unbounded where
    // it cannot (zynq-7000, arm64-ref unforced: the 4 MiB kmalloc limit alone cuts the copy).
    const seg =
      kind === "pool" ? block :
      kind === "streaming" || kind === "bounced" ? Math.min(len, MAX_SEGMENT, dma_max_mapping_size(chans[0].device.dev)) :
      Math.min(len, MAX_SEGMENT);
    const nseg = Math.ceil(len / seg);
    const poolOf = (c: DmaChan): DmaPool => {
      const dev = c.device.dev;
      let p = pools.get(dev);
      if (!p) pools.set(dev, (p = createBlockPool(dev, block)));
      return p;
    };
    // Channel c's segment k, in that order.
    chans.forEach((c, ci) => {
      for (let k = 0; k < nseg; k++) {
        const bytes = Math.min(seg, len - k * seg);
        const where = segmentText(ci * nseg + k, nchan * nseg, nchan * len);
        const b =
          kind === "coherent" ? coherentBuffers(c, bytes, where) :
          kind === "pool" ? poolBuffers(poolOf(c), where) :
          streamingBuffers(system, bytes, where);
        // Distinct for every segment of every channel (a copy landing in the wrong one shows).
        const seed = 100 + ci * Math.max(64, nseg) + k;
        all.push({ chan: c, bytes, b, seed, cookie: 0 });
        const stream = new PatternStream(seed);
        for (let off = 0; off < bytes; off += CHUNK) system.cpu.write(b.src.cpu + off, stream.next(Math.min(CHUNK, bytes - off), chunk));
      }
    });
    const result = copyAll(system, defer, all, chans, kind, { len, burst, nchan });
    if (kind === "pool") return { ...result, block, descriptors: all.length };
    return result;
  });
}

interface Segment {
  chan: DmaChan;
  bytes: number;
  b: Buffers;
  seed: number;
  cookie: number;
}

/** buffers=bounced: a mapping whose DMA address is not in the swiotlb area did not bounce. */
function checkBounced(dev: Device, addr: DmaAddr): void {
  if (is_swiotlb_buffer(dev, dma_to_phys(dev, addr))) return;
  throw new RangeError(
    `buffers=bounced: dma_map_single gave ${dev.name} 0x${addr.toString(16)}, outside swiotlb: the buffer is within the device's reach and swiotlb is not forced; ` +
    "pass --swiotlb force (createSystem option swiotlb: { force: true })",
  );
}

/** Whether this copy's mappings go through swiotlb, so a failed one means swiotlb is full:
 *  bounced ones always, streaming ones where dma_max_mapping_size says swiotlb may bounce them
 *  (dma_direct_max_mapping_size: swiotlb forced, or the device cannot reach all of RAM). */
function bouncesMappings(dev: Device, kind: Kind): boolean {
  return kind === "bounced" || (kind === "streaming" && dma_max_mapping_size(dev) < Number.MAX_SAFE_INTEGER);
}

/** Maps, submits and waits for every segment, unmaps, and checks the copies. */
function copyAll(
  system: System, defer: Defer, all: Segment[], chans: DmaChan[], kind: Kind,
  shape: { len: number; burst: number | "auto"; nchan: number },
): MemcpyResult {
  // Streaming buffers are unmapped once the copies end (timed, as a driver's completion would),
  // or by the teardown if a mapping or a submission fails part way.
  const mapped: ManagedMapping[] = [];
  const map = (dev: Device, va: VirtAddr, n: number, dir: DmaDirection): DmaAddr => {
    let m: ManagedMapping;
    try {
      m = mapSingle(dev, va, n, dir, defer);
    } catch (e) {
      const tlb = dev.kernel.dma.swiotlb;
      if (!bouncesMappings(dev, kind) || !(e instanceof KernelError) || !tlb) throw e;
      const total = 2 * shape.len * shape.nchan;
      throw new KernelError(ENOMEM, `dma_map_single(${n}) failed: swiotlb (${formatBytes(tlb.nslabs * IO_TLB_SIZE)}) is full; copying ${formatBytes(shape.len * shape.nchan)} maps ${formatBytes(total)} at once: a larger --swiotlb N (slabs of 2 KiB) may help`);
    }
    mapped.push(m);
    if (kind === "bounced") checkBounced(dev, m.addr);
    return m.addr;
  };
  const dmaTime = system.kernel.dma.time;
  const before = dmaTime.snapshot();
  const t0 = system.now();
  // What dmaTimePs measures is one slice on the trace's CPU track ("DMA memcpy", as the demo's
  // phase), its value the bytes copied: the maps, PL330 programs and unmaps nest under it.
  const statuses = system.kernel.tracer.span("DMA memcpy", () => {
    for (const j of all) {
      const dev = j.chan.device.dev;
      if (kind === "streaming" || kind === "bounced") {
        j.b.src.dma = map(dev, j.b.src.cpu, j.bytes, DMA_TO_DEVICE);
        j.b.dst.dma = map(dev, j.b.dst.cpu, j.bytes, DMA_FROM_DEVICE);
      }
      j.cookie = submitMemcpy(j.chan, j.b.dst.dma, j.b.src.dma, j.bytes);
    }
    chans.forEach((c) => dma_async_issue_pending(c));
    const waited = all.map((j) => dma_sync_wait(j.chan, j.cookie));
    mapped.forEach((m) => m.unmap());
    return waited;
  }, shape.len * shape.nchan);
  const dmaTimePs = system.now() - t0;
  const spent = dmaTime.since(before);

  const ok = statuses.every((s) => s === DMA_COMPLETE) && all.every((j) => copied(system, j.b.dst.cpu, j.bytes, j.seed));
  const result: MemcpyResult = {
    size: shape.len,
    burst: shape.burst,
    channels: shape.nchan,
    buffers: kind,
    dmaTimePs,
    mbPerSec: Math.round(mbPerSec(shape.len * shape.nchan, dmaTimePs) * 10) / 10,
    ok,
  };
  // A streaming mapping bounces too where swiotlb does (--swiotlb force, a buffer beyond the
  // device's mask, a small unaligned kmalloc buffer on modern arm64): its row then says so.
  if (kind === "bounced" || spent.bouncedBytes > 0) {
    result.bouncePs = spent.bouncePs;
    result.bouncedBytes = spent.bouncedBytes;
  }
  if (kind === "streaming" || kind === "bounced") {
    result.maintenancePs = spent.maintenancePs;
    result.maintainedBytes = spent.maintainedBytes;
    result.transferPs = dmaTimePs - spent.maintenancePs - spent.bouncePs;
    result.transferMbPerSec = Math.round(mbPerSec(shape.len * shape.nchan, result.transferPs) * 10) / 10;
    if (chans.every((c) => maintainsForSnoopingPort(system.board.dmacs, c.device.dev))) result.unneededMaintenancePs = spent.maintenancePs;
  }
  return result;
}
