// memcpy: how fast does the PL330 copy on this board, and what changes it? Parameters:
//   size      bytes per channel (default 1M)
//   burst     beats per burst: "auto" (the driver's choice) or 1…16
//   channels  channels copying at the same time (default 1)
//   buffers   "coherent" (dma_alloc_coherent) or "streaming" (kmalloc + dma_map_single)
// Returns the DMA time and throughput, with the bytes checked. Without CMA the largest buffer the
// kernel can give is one 4 MiB buddy block, so a larger size is copied as consecutive 4 MiB
// segments: all submitted before one issue_pending, so the channel streams them back to back.
// With a CMA area (the cma option) the segments stay 4 MiB, so results stay comparable; the
// buffers then come from the area, which does not fall back to the buddy allocator on arm and
// 4.9 arm64, so an area too small for the copy is named in the -ENOMEM message.

import type { System } from "../../system.js";
import { GFP_KERNEL } from "../../mm/gfp.js";
import { ENOMEM, KernelError } from "../../kernel/errno.js";
import { dma_alloc_coherent, dma_free_coherent } from "../../dma/mapping.js";
import { DMA_FROM_DEVICE, DMA_TO_DEVICE, type DmaDirection } from "../../dma/constants.js";
import type { Device } from "../../kernel/device.js";
import { dev_get_cma_area } from "../../dma/contiguous.js";
import {
  dma_request_chan_by_mask, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_async_issue_pending, dma_sync_wait,
  dma_release_channel,
} from "../../dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_MEMCPY, DMA_PREP_INTERRUPT, type DmaChan } from "../../dmaengine/types.js";
import type { Pl330Driver } from "../../drivers/pl330/driver.js";
import type { DmaAddr, VirtAddr } from "../../hw/address.js";
import { formatBytes, parseSize, mbPerSec } from "../../units.js";
import { isWholeIn, wholeNumberIn } from "../../whole-number.js";
import { PatternStream, countDifferent } from "../phase.js";
import { withTeardown, type Defer } from "../teardown.js";
import { mapSingle, type ManagedMapping } from "../managed-buffers.js";
import type { ScenarioParams } from "../scenarios.js";

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
}

interface Buffers {
  src: { cpu: VirtAddr; dma: DmaAddr };
  dst: { cpu: VirtAddr; dma: DmaAddr };
  release(): void;
}

/** Which of the copy's segments (every channel's, in order) could not get buffers, for the
 *  -ENOMEM message: the size the user asked for is the whole copy's, the call that failed one
 *  segment's. */
function segmentText(k: number, nseg: number, total: number): string {
  return nseg === 1 ? "" : ` (segment ${k + 1} of ${nseg}: copying ${formatBytes(total)} needs twice that)`;
}

function coherentBuffers(chan: DmaChan, len: number, where: string): Buffers {
  const dev = chan.device.dev;
  const a = dma_alloc_coherent(dev, len, GFP_KERNEL);
  const b = a && dma_alloc_coherent(dev, len, GFP_KERNEL);
  if (!a || !b) {
    if (a) dma_free_coherent(dev, len, a.cpuAddr, a.dmaAddr);
    const cma = dev_get_cma_area(dev);
    const hint = cma ? `; the CMA area ${cma.name} (${formatBytes(cma.count * 4096)}) serves this device: a larger cma= may help` : "";
    throw new KernelError(ENOMEM, `dma_alloc_coherent(${len}) failed: no room for a source and a destination${where}${hint}`);
  }
  return {
    src: { cpu: a.cpuAddr, dma: a.dmaAddr },
    dst: { cpu: b.cpuAddr, dma: b.dmaAddr },
    release: () => {
      dma_free_coherent(dev, len, a.cpuAddr, a.dmaAddr);
      dma_free_coherent(dev, len, b.cpuAddr, b.dmaAddr);
    },
  };
}

function streamingBuffers(system: System, len: number, where: string): Buffers {
  const k = system.kernel;
  const s = k.kmalloc(len, GFP_KERNEL);
  const d = s && k.kmalloc(len, GFP_KERNEL);
  if (!s || !d) {
    if (s) k.kfree(s);
    throw new KernelError(ENOMEM, `kmalloc(${len}) failed: no room for a source and a destination${where}`);
  }
  return {
    src: { cpu: s, dma: 0 },
    dst: { cpu: d, dma: 0 },
    release: () => {
      k.kfree(s);
      k.kfree(d);
    },
  };
}

/** The host holds the pattern a piece at a time: a 16 MiB job then allocates no 16 MiB arrays. */
const CHUNK = 1 << 20;
const chunk = new Uint8Array(CHUNK);

/** Whether the bytes at va are pattern(len, seed), read back through the CPU. */
function copied(system: System, va: VirtAddr, len: number, seed: number): boolean {
  const stream = new PatternStream(seed);
  for (let off = 0; off < len; off += CHUNK) {
    const n = Math.min(CHUNK, len - off);
    if (countDifferent(system.cpu.read(va + off, n), stream.next(n, chunk)) !== 0) return false;
  }
  return true;
}

/** Host time of a job, relative: the boot (about what copying 0.5 MB costs), then the bytes —
 *  the CPU's fill and check of them through the cache model outweigh the DMA's bursts, which add
 *  a third for 1-beat bursts and little for long ones (measured on this repository's machine). */
export function cost(params: ScenarioParams): number {
  const len = parseSize((params.size as string | number | undefined) ?? "1M") * Number(params.channels ?? 1);
  const beats = params.burst === undefined || params.burst === "auto" ? 16 : Number(params.burst);
  return len * (1 + 0.33 / beats) + 500_000;
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
  const kind = String(params.buffers ?? "coherent");
  if (kind !== "coherent" && kind !== "streaming") throw new RangeError(`buffers must be coherent or streaming, not "${kind}"`);

  const seg = Math.min(len, MAX_SEGMENT);
  const nseg = Math.ceil(len / seg);
  return withTeardown((defer) => {
    const chans: DmaChan[] = [];
    const all: Segment[] = [];
    let driver: Pl330Driver | undefined;
    // Released last: the channels (and the driver's burst setting); before them, the buffers.
    defer(() => {
      chans.forEach((c) => dma_release_channel(c));
      if (driver) driver.dmac.params.memcpy_max_burst = 0;
    });
    defer(() => all.forEach((j) => j.b.release()));
    for (let i = 0; i < nchan; i++) chans.push(dma_request_chan_by_mask(system, DMA_MEMCPY));
    driver = chans[0].device.dev.driverData as Pl330Driver;
    driver.dmac.params.memcpy_max_burst = burst === "auto" ? 0 : burst;
    // Channel c's segment k, in that order.
    chans.forEach((c, ci) => {
      for (let k = 0; k < nseg; k++) {
        const bytes = Math.min(seg, len - k * seg);
        const where = segmentText(ci * nseg + k, nchan * nseg, nchan * len);
        const b = kind === "coherent" ? coherentBuffers(c, bytes, where) : streamingBuffers(system, bytes, where);
        const seed = 100 + ci * 64 + k;
        all.push({ chan: c, bytes, b, seed, cookie: 0 });
        const stream = new PatternStream(seed);
        for (let off = 0; off < bytes; off += CHUNK) system.cpu.write(b.src.cpu + off, stream.next(Math.min(CHUNK, bytes - off), chunk));
      }
    });
    return copyAll(system, defer, all, chans, kind, { len, burst, nchan });
  });
}

interface Segment {
  chan: DmaChan;
  bytes: number;
  b: Buffers;
  seed: number;
  cookie: number;
}

/** Maps, submits and waits for every segment, unmaps, and checks the copies. */
function copyAll(
  system: System, defer: Defer, all: Segment[], chans: DmaChan[], kind: "coherent" | "streaming",
  shape: { len: number; burst: number | "auto"; nchan: number },
): MemcpyResult {
  // Streaming buffers are unmapped once the copies end (timed, as a driver's completion would),
  // or by the teardown if a mapping or a submission fails part way.
  const mapped: ManagedMapping[] = [];
  const map = (dev: Device, va: VirtAddr, n: number, dir: DmaDirection): DmaAddr => {
    const m = mapSingle(dev, va, n, dir, defer);
    mapped.push(m);
    return m.addr;
  };
  const t0 = system.now();
  for (const j of all) {
    const dev = j.chan.device.dev;
    if (kind === "streaming") {
      j.b.src.dma = map(dev, j.b.src.cpu, j.bytes, DMA_TO_DEVICE);
      j.b.dst.dma = map(dev, j.b.dst.cpu, j.bytes, DMA_FROM_DEVICE);
    }
    const tx = dmaengine_prep_dma_memcpy(j.chan, j.b.dst.dma, j.b.src.dma, j.bytes, DMA_PREP_INTERRUPT);
    if (!tx) throw new Error("dmaengine_prep_dma_memcpy failed");
    j.cookie = dmaengine_submit(tx);
  }
  chans.forEach((c) => dma_async_issue_pending(c));
  const statuses = all.map((j) => dma_sync_wait(j.chan, j.cookie));
  mapped.forEach((m) => m.unmap());
  const dmaTimePs = system.now() - t0;

  const ok = statuses.every((s) => s === DMA_COMPLETE) && all.every((j) => copied(system, j.b.dst.cpu, j.bytes, j.seed));
  return {
    size: shape.len,
    burst: shape.burst,
    channels: shape.nchan,
    buffers: kind,
    dmaTimePs,
    mbPerSec: Math.round(mbPerSec(shape.len * shape.nchan, dmaTimePs) * 10) / 10,
    ok,
  };
}
