// The headline demo: a 1 MiB PL330 memcpy between (a) two coherent buffers and (b) two
// streaming-mapped kmalloc buffers, the CPU filling the source and verifying the destination,
// then (c) the streaming transfer with the unmap left out, and the stale bytes the CPU reads.

import type { System } from "../system.js";
import { dma_sync_single_for_cpu, dma_sync_single_for_device, dma_max_mapping_size } from "../dma/mapping.js";
import { DMA_FROM_DEVICE, DMA_TO_DEVICE } from "../dma/constants.js";
import { measure, pattern, countDifferent, type PhaseResult } from "./phase.js";
import { renderTable } from "./table.js";
import { withTeardown, type Defer } from "./teardown.js";
import { coherentBuffer, kmallocBuffers, mapSingle, type ManagedMapping } from "./managed-buffers.js";
import { formatBytes, formatTime, parseSize } from "../units.js";
import { is_swiotlb_buffer } from "../dma/swiotlb.js";
import { dma_to_phys } from "../dma/dma-address.js";
import { registersInRamNotes } from "./boot-notes.js";
import { memcpyChannel, memcpyAndWait } from "./scenarios/memcpy-channel.js";

export interface DemoResult {
  board: string;
  /** What dmasim assumed about a board its tree does not fully describe (`Board.assumed`);
   *  absent when nothing was. */
  assumed?: string[];
  /** Boot's notes on device registers the memory covers (`kernel.registersInRam`); absent when
   *  there are none. */
  registersInRam?: string[];
  kernel: string;
  bytes: number;
  coherent: PhaseResult[];
  streaming: PhaseResult[];
  coherentOk: boolean;
  streamingOk: boolean;
  /** `bounced`: the receive buffer's mapping is a swiotlb slot, so the device wrote the slot and
   *  the stale bytes are the buffer's own (only a sync copies the slot back); otherwise they are
   *  what the CPU's caches still hold over the device's data in DRAM. */
  bug: { staleBytes: number; bytes: number; withSyncStaleBytes: number; bounced: boolean };
}

export function runDemo(system: System, params: { size?: string | number } = {}): DemoResult {
  const len = parseSize(params.size ?? "1M");
  if (len < 1) throw new RangeError(`size must be at least one byte, not ${params.size}`);
  return withTeardown((defer) => demo(system, len, defer));
}

function demo(system: System, len: number, defer: Defer): DemoResult {
  const k = system.kernel;
  // As in dmatest, buffers are mapped for the DMA controller itself.
  const { chan, dev } = memcpyChannel(system, defer);
  const max = dma_max_mapping_size(dev);
  if (len > max) {
    throw new RangeError(`${formatBytes(len)} is more than ${dev.name} can map on this board (dma_max_mapping_size ${formatBytes(max)}: buffers bounce through swiotlb); use --size ${formatBytes(max).replace(/ |iB/g, "")}`);
  }

  // (a) coherent buffers: uncached for the CPU on a non-coherent SoC.
  const a = coherentBuffer(dev, len, defer);
  const b = coherentBuffer(dev, len, defer);
  const data = pattern(len, 7); // on the host, once the buffers are there
  let readBack: Uint8Array = new Uint8Array(0);
  const coherent = [
    measure(system, "CPU fill source", len, () => system.cpu.write(a.cpuAddr, data)),
    measure(system, "DMA memcpy", len, () => memcpyAndWait(chan, b.dmaAddr, a.dmaAddr, len)),
    measure(system, "CPU verify destination", len, () => (readBack = system.cpu.read(b.cpuAddr, len))),
  ];
  const coherentOk = countDifferent(readBack, data) === 0;
  a.free();
  b.free();

  // (b) streaming mappings of cacheable kmalloc buffers.
  const {
    vas: [src, dst],
  } = kmallocBuffers(system, [len, len], defer);
  system.cpu.fill(dst, 0, len); // the destination was in use: its lines are in the caches
  let ms: ManagedMapping = { addr: 0, unmap: () => {} };
  let md = ms;
  const streaming = [
    measure(system, "CPU fill source", len, () => system.cpu.write(src, data)),
    measure(system, "dma_map_single x2", len, () => {
      ms = mapSingle(dev, src, len, DMA_TO_DEVICE, defer);
      md = mapSingle(dev, dst, len, DMA_FROM_DEVICE, defer);
    }),
    measure(system, "DMA memcpy", len, () => memcpyAndWait(chan, md.addr, ms.addr, len)),
    measure(system, "dma_unmap_single x2", len, () => {
      ms.unmap();
      md.unmap();
    }),
    measure(system, "CPU verify destination", len, () => (readBack = system.cpu.read(dst, len))),
  ];
  const streamingOk = countDifferent(readBack, data) === 0;

  // (c) the bug: a receive buffer mapped once and reused, with no dma_sync_single_for_cpu (or
  // unmap) between transfers. The CPU's read of the first result pulls the buffer into its
  // caches; the second transfer lands in DRAM underneath them. Where the mapping bounces, the
  // second transfer lands in the swiotlb slot instead, and the buffer keeps the first result
  // whatever the caches hold: only the sync (swiotlb_sync_single_for_cpu) copies it back.
  const first = pattern(len, 11);
  const second = pattern(len, 12);
  ms = mapSingle(dev, src, len, DMA_TO_DEVICE, defer);
  md = mapSingle(dev, dst, len, DMA_FROM_DEVICE, defer);
  const bounced = is_swiotlb_buffer(dev, dma_to_phys(dev, md.addr));
  system.cpu.write(src, first);
  dma_sync_single_for_device(dev, ms.addr, len, DMA_TO_DEVICE);
  memcpyAndWait(chan, md.addr, ms.addr, len);
  dma_sync_single_for_cpu(dev, md.addr, len, DMA_FROM_DEVICE);
  system.cpu.write(src, second); // the next data is ready to go
  dma_sync_single_for_device(dev, ms.addr, len, DMA_TO_DEVICE);
  system.cpu.read(dst, len); // the driver consumes the first result…
  memcpyAndWait(chan, md.addr, ms.addr, len); // …and forgets to hand the buffer back before reading again
  const staleBytes = countDifferent(system.cpu.read(dst, len), second);
  // With the missing call, every byte is right.
  dma_sync_single_for_cpu(dev, md.addr, len, DMA_FROM_DEVICE);
  const withUnmapStaleBytes = countDifferent(system.cpu.read(dst, len), second);
  ms.unmap();
  md.unmap();
  // The kmalloc buffers and the channel are given back as the run ends.
  const inRam = registersInRamNotes(system);
  return {
    board: system.board.tree.model,
    ...(system.board.assumed.length ? { assumed: [...system.board.assumed] } : {}),
    ...(inRam.length ? { registersInRam: inRam } : {}),
    kernel: k.version,
    bytes: len,
    coherent,
    streaming,
    coherentOk,
    streamingOk,
    bug: { staleBytes, bytes: len, withSyncStaleBytes: withUnmapStaleBytes, bounced },
  };
}

/** The demo's check, as the table and the report both state it: each buffer kind's destination
 *  read back by the CPU against its source. */
export function formatVerify(r: DemoResult): string {
  return `coherent ${r.coherentOk ? "OK" : "MISMATCH"}, streaming ${r.streamingOk ? "OK" : "MISMATCH"}`;
}

export function formatDemo(r: DemoResult): string {
  const dash = (ps: number) => (ps ? formatTime(ps) : "-");
  const rows = (title: string, phases: PhaseResult[]) =>
    phases.map((p) => [title, p.name, formatTime(p.timePs), p.cpuCycles.toLocaleString("en-US"), p.mbPerSec.toFixed(1), dash(p.maintenancePs), dash(p.bouncePs)]);
  const table = renderTable(
    ["buffers", "phase", "sim time", "CPU cycles", "MB/s", "cache maint.", "bounce copies"],
    [...rows("coherent", r.coherent), ...rows("streaming", r.streaming)],
  );
  const pct = ((100 * r.bug.staleBytes) / r.bug.bytes).toFixed(1);
  const maps = r.streaming.filter((p) => p.name.startsWith("dma_"));
  const mapPs = maps.reduce((n, p) => n + p.timePs, 0);
  const share = (ps: number) => (mapPs ? ((100 * ps) / mapPs).toFixed(1) : "0.0");
  return [
    `dmasim demo: ${formatBytes(r.bytes)} PL330 memcpy on ${r.board} (${r.kernel} kernel)`,
    ...[...(r.assumed ?? []), ...(r.registersInRam ?? [])].map((a) => `note: ${a}`),
    "",
    table,
    "",
    `verify: ${formatVerify(r)}`,
    `dma_map/unmap: ${share(maps.reduce((n, p) => n + p.maintenancePs, 0))} % cache maintenance, ${share(maps.reduce((n, p) => n + p.bouncePs, 0))} % swiotlb bounce copies`,
    `bug: a reused receive buffer read without dma_sync_single_for_cpu: the CPU saw ${r.bug.staleBytes.toLocaleString("en-US")} stale bytes`,
    `     of ${r.bug.bytes.toLocaleString("en-US")} (${pct} %)${staleCause(r.bug)}; with the sync: ${r.bug.withSyncStaleBytes}.`,
  ].join("\n");
}

/** Why the bug's stale bytes were stale, as the demo measured it; nothing when none was. */
function staleCause(bug: DemoResult["bug"]): string {
  if (bug.bounced) return ", from the previous transfer: the device's data is still in the swiotlb bounce buffer";
  return bug.staleBytes ? ", still in its caches from the previous transfer" : "";
}
