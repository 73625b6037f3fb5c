// The classic DMA bugs, each reproduced on a System as a driver would commit it, with what a
// driver writer would observe and the fix beside it. `kind` selects the bug:
//
//   missing-sync            a reused receive buffer read without dma_sync_single_for_cpu
//   invalidate-only-before  invalidating only at map (4.9 arm64) while speculation refills lines
//   coherent-read           the CPU crunching a dma_alloc_coherent (uncached) buffer (coherent-read.ts)
//   swiotlb-exhaustion      mapping high buffers for a 32-bit device until the bounce pool is full
//   mask-overflow           a buffer above the device's DMA mask with no swiotlb to bounce it
//   unchecked-map-error     unmapping without ever calling dma_mapping_error (DMA-API debug)
//   mmap-cacheable          a driver mmap that remaps a coherent buffer with remap_pfn_range and
//                           the VMA's own (cacheable) protection instead of dma_mmap_coherent
//   gup-missing-unmap       a driver that pins a process's buffer, maps it for the device and
//                           unpins it without unmapping (gup-missing-unmap.ts)
//   gup-missing-write       a driver that pins a buffer the device will write without FOLL_WRITE,
//                           so the device writes the shared zero page (gup-missing-write.ts)
//   dma-ranges              a driver that hands the device virt_to_phys(buf) instead of its DMA
//                           address, behind a bus that offsets them (dma-ranges.ts)
//   poll-irqs-off           a driver polling, inside spin_lock_irqsave, for a flag only its DMA
//                           completion callback sets: the interrupt stays pending (poll-irqs-off.ts)
//   wrong-request-line      a board whose DT names the wrong PL330 request line for its UART's
//                           TX channel: the send hangs in DMAWFP (wrong-request-line.ts); with
//                           onto=adc the line is the ADC's: its requests pace the send
//   burst-on-single-requests  a UART driver with dst_maxburst 4 on a TX FIFO that raises single
//                           requests only: the send hangs in DMAWFPB (burst-on-single-requests.ts)
//   burst-larger-than-fifo-threshold  a UART driver with dst_maxburst 16 on a TX FIFO that raises
//                           burst requests at 8 free bytes: the FIFO overruns, bytes are lost
//                           (burst-larger-than-fifo-threshold.ts)
//   rx-burst-larger-than-fifo-level  an ADC driver with src_maxburst 16 on an RX FIFO that raises
//                           burst requests at 16 bytes waiting: half of each burst reads an empty
//                           FIFO, the capture fills with zeros (rx-burst-larger-than-fifo-level.ts)
//   dma-coherent-on-noncoherent-port  a board whose DT says dma-coherent for a PL330 whose port
//                           does not snoop: Linux skips cache maintenance, the DMAC runs a stale
//                           program and the receive is stale (dma-coherent-on-noncoherent-port.ts)
//   rx-buffer-shares-cache-line  a receive buffer inside a kmalloc'ed struct, after a field the CPU
//                           writes during the transfer: the unmap writes the CPU's copy of the
//                           shared line over the device's bytes (rx-buffer-shares-cache-line.ts)

import type { System } from "../../system.js";
import { GFP_KERNEL } from "../../mm/gfp.js";
import {
  dma_alloc_coherent, dma_free_coherent, dma_map_single, dma_unmap_single, dma_mapping_error,
  dma_sync_single_for_cpu, dma_sync_single_for_device,
} from "../../dma/mapping.js";
import { DMA_FROM_DEVICE, DMA_TO_DEVICE, DMA_MAPPING_ERROR } from "../../dma/constants.js";
import {
  dma_request_chan_by_mask, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_async_issue_pending, dma_sync_wait,
  dma_release_channel,
} from "../../dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_MEMCPY, DMA_PREP_INTERRUPT, type DmaChan } from "../../dmaengine/types.js";
import type { DmaAddr, VirtAddr } from "../../hw/address.js";
import type { Device } from "../../kernel/device.js";
import { phys_to_dma, dma_to_phys } from "../../dma/dma-address.js";
import { is_swiotlb_buffer } from "../../dma/swiotlb.js";
import { dma_mmap_coherent } from "../../dma/mmap.js";
import { remap_pfn_range } from "../../mm/remap-pfn-range.js";
import { decodeAttr } from "../../hw/machine.js";
import { ARM64_A53 } from "../../hw/profile.js";
import { pattern, countDifferent } from "../phase.js";
import { withTeardown, type Defer } from "../teardown.js";
import { coherentBuffer, kmallocBuffers, mapSingle } from "../managed-buffers.js";
import type { FileMmap } from "../../mm/user-mm.js";
import type { ScenarioParams } from "../scenarios.js";
import { coherentRead } from "./coherent-read.js";
import { gupMissingUnmap } from "./gup-missing-unmap.js";
import { gupMissingWrite } from "./gup-missing-write.js";
import { dmaRanges } from "./dma-ranges.js";
import { pollIrqsOff } from "./poll-irqs-off.js";
import { wrongRequestLine } from "./wrong-request-line.js";
import { burstOnSingleRequests } from "./burst-on-single-requests.js";
import { burstLargerThanFifoThreshold } from "./burst-larger-than-fifo-threshold.js";
import { rxBurstLargerThanFifoLevel } from "./rx-burst-larger-than-fifo-level.js";
import { dmaCoherentOnNoncoherentPort } from "./dma-coherent-on-noncoherent-port.js";
import { rxBufferSharesCacheLine } from "./rx-buffer-shares-cache-line.js";
import { BUG_KINDS, type BugKind, type BugResult } from "./bug-kinds.js";
import { leaveTreeText } from "../../tree-choice.js";

export { BUG_KINDS, bugSystem, type BugKind, type BugResult } from "./bug-kinds.js";

/** A memcpy channel, given back when the run ends or fails (or sooner, through release). */
function memcpyChannel(s: System, defer: Defer): { chan: DmaChan; dev: Device; release(): void } {
  const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
  return { chan, dev: chan.device.dev, release: defer(() => dma_release_channel(chan)) };
}

/** One kmalloc'ed buffer, checked and freed by the teardown unless freed sooner. */
function kmallocOne(s: System, len: number, defer: Defer): { va: VirtAddr; free(): void } {
  const { vas, free } = kmallocBuffers(s, [len], defer);
  return { va: vas[0], free };
}

function submit(chan: DmaChan, dst: DmaAddr, src: DmaAddr, len: number): number {
  const tx = dmaengine_prep_dma_memcpy(chan, dst, src, len, DMA_PREP_INTERRUPT);
  if (!tx) throw new Error(`dmaengine_prep_dma_memcpy of ${len} bytes failed`);
  return dmaengine_submit(tx);
}

function copy(chan: DmaChan, dst: DmaAddr, src: DmaAddr, len: number): void {
  if (dma_sync_wait(chan, submit(chan, dst, src, len)) !== DMA_COMPLETE) throw new Error("memcpy failed");
}

// Each bug releases what it took in a driver's order when it runs to the end; what it has not
// released when it fails part way, the run's teardown gives back last-first (teardown.ts).

function missingSync(s: System, defer: Defer): BugResult {
  const len = 64 * 1024;
  const { chan, dev, release } = memcpyChannel(s, defer);
  const bufs = kmallocBuffers(s, [len, len], defer);
  const [src, dst] = bufs.vas;
  const ds = mapSingle(dev, src, len, DMA_TO_DEVICE, defer);
  const dd = mapSingle(dev, dst, len, DMA_FROM_DEVICE, defer);
  const round = (seed: number) => {
    const data = pattern(len, seed);
    s.cpu.write(src, data);
    dma_sync_single_for_device(dev, ds.addr, len, DMA_TO_DEVICE);
    copy(chan, dd.addr, ds.addr, len);
    return data;
  };
  round(1);
  dma_sync_single_for_cpu(dev, dd.addr, len, DMA_FROM_DEVICE);
  s.cpu.read(dst, len); // the driver consumes the first buffer: its lines are cached now
  const second = round(2); // …and reads the next one without handing the buffer back
  const stale = countDifferent(s.cpu.read(dst, len), second);
  dma_sync_single_for_cpu(dev, dd.addr, len, DMA_FROM_DEVICE);
  const after = countDifferent(s.cpu.read(dst, len), second);
  // Where the receive mapping bounces (RAM beyond the device's mask, swiotlb=force), the device
  // wrote the swiotlb slot and only the sync copies it back: the buffer holds the previous
  // transfer whatever the caches hold.
  const bounced = is_swiotlb_buffer(dev, dma_to_phys(dev, dd.addr));
  ds.unmap();
  dd.unmap();
  bufs.free();
  release();
  return {
    kind: "missing-sync",
    symptom: `${stale} of ${len} bytes read back stale: the previous transfer's data, ` +
      (bounced ? "the device wrote this one into the swiotlb bounce buffer, which only the sync copies back" : "still in the CPU's caches"),
    fixed: `with dma_sync_single_for_cpu before reading: ${after} stale bytes`,
    reproduced: stale > 0 && after === 0,
    details: { bytes: len, staleBytes: stale, staleAfterSync: after },
  };
}

function invalidateOnlyBefore(s: System, defer: Defer): BugResult {
  // A long receive whose last lines share a page with a status word the driver polls: the
  // device writes those lines last, so speculative fills near the status word come first.
  const len = 64 * 1024 - 512;
  const { chan, dev, release } = memcpyChannel(s, defer);
  const data = pattern(len, 3);
  const src = kmallocOne(s, len, defer);
  s.cpu.write(src.va, data);
  const ds = mapSingle(dev, src.va, len, DMA_TO_DEVICE, defer);
  const attempt = (unmapFirst: boolean) => {
    const buf = kmallocOne(s, len + 4096, defer);
    const dd = mapSingle(dev, buf.va, len, DMA_FROM_DEVICE, defer); // 4.9: invalidates here only
    const cookie = submit(chan, dd.addr, ds.addr, len);
    dma_async_issue_pending(chan);
    for (let i = 0; i < 2000; i++) s.machine.cpu.load(buf.va + len, 4); // polls its status word
    dma_sync_wait(chan, cookie);
    if (unmapFirst) dd.unmap();
    const stale = countDifferent(s.cpu.read(buf.va, len), data);
    dd.unmap();
    buf.free();
    return stale;
  };
  const stale = attempt(false);
  const after = attempt(true);
  ds.unmap();
  src.free();
  release();
  const prefetch = s.machine.profile.cpu.prefetch;
  return {
    kind: "invalidate-only-before",
    symptom: `${stale} of ${len} bytes stale: lines the CPU fetched speculatively while the device was writing`,
    fixed: `invalidating again at unmap (dma_unmap_single / dma_sync_single_for_cpu): ${after} stale bytes`,
    reproduced: stale > 0 && after === 0,
    details: { bytes: len, staleBytes: stale, staleAfterUnmap: after, prefetcher: prefetch.nextLine || prefetch.speculativeEvery > 0 ? "on" : "off", defaultA53Prefetcher: ARM64_A53.cpu.prefetch.nextLine ? "on" : "off" },
  };
}

function swiotlbExhaustion(s: System, defer: Defer): BugResult {
  const { dev, release } = memcpyChannel(s, defer); // a 32-bit DMA mask, RAM above 4 GB: high buffers bounce
  const len = 256 * 1024;
  const buf = kmallocOne(s, len, defer);
  const va = buf.va;
  const mapped: number[] = [];
  const unmapLeaked = defer(() => mapped.forEach((d) => dma_unmap_single(dev, d, len, DMA_TO_DEVICE)));
  let dma = 0;
  let direct = false;
  const tries = 10000;
  for (let i = 0; i < tries; i++) {
    dma = dma_map_single(dev, va, len, DMA_TO_DEVICE);
    if (dma_mapping_error(dev, dma)) break;
    mapped.push(dma); // the bug: mappings are leaked, never unmapped
    // A mapping at the buffer's own address took no bounce slot, and neither will the next.
    direct = dma === phys_to_dma(dev, s.kernel.mm.virt_to_phys(va));
    if (direct) break;
  }
  const full = s.kernel.printk.grep("swiotlb buffer is full")[0] ?? "";
  unmapLeaked();
  const again = dma_map_single(dev, va, len, DMA_TO_DEVICE);
  const recovered = dma_mapping_error(dev, again) === 0;
  if (recovered) dma_unmap_single(dev, again, len, DMA_TO_DEVICE);
  buf.free();
  release();
  const leaked = `after ${mapped.length} leaked ${len / 1024} KiB mappings`;
  let symptom: string;
  if (direct) {
    // The buffer is within the device's mask (or there is no swiotlb): no pool can fill, so say
    // so rather than claim a failure that did not happen.
    symptom = `the leaked 256 KiB mapping took no swiotlb bounce slot (the buffer is within the device's DMA mask): this board cannot show the bug; ${leaveTreeText(s)} (arm64-highmem, RAM above 4 GiB, a 2 MiB swiotlb)`;
  } else if (mapped.length < tries) {
    symptom = full ? `${leaked} the next map returned DMA_MAPPING_ERROR: "${full.replace(/^.*?: /, "")}"` : `${leaked} the next map returned DMA_MAPPING_ERROR`;
  } else {
    symptom = `${leaked} every map still succeeded: the bounce pool never filled`;
  }
  return {
    kind: "swiotlb-exhaustion",
    symptom,
    fixed: `unmapping them frees the slots: the next map ${recovered ? "succeeds" : "still fails"}`,
    reproduced: dma === DMA_MAPPING_ERROR && full !== "" && recovered,
    details: { mappingsBeforeFull: mapped.length, message: full },
  };
}

function maskOverflow(s: System, defer: Defer): BugResult {
  const { dev, release } = memcpyChannel(s, defer);
  const len = 4096;
  const buf = kmallocOne(s, len, defer); // lands above 4 GB on this board
  const va = buf.va;
  const pa = s.kernel.mm.virt_to_phys(va);
  const dma = dma_map_single(dev, va, len, DMA_TO_DEVICE);
  const unmap = defer(() => {
    if (!dma_mapping_error(dev, dma)) dma_unmap_single(dev, dma, len, DMA_TO_DEVICE);
  });
  const warn = s.kernel.printk.grep("overflow")[0] ?? "";
  const low = dma_alloc_coherent(dev, len, GFP_KERNEL); // the fix: memory the device can reach
  if (low) dma_free_coherent(dev, len, low.cpuAddr, low.dmaAddr);
  unmap();
  buf.free();
  release();
  const mask = `0x${(dev.dma_mask ?? 0n).toString(16)}`;
  const hex = (n: number) => `0x${n.toString(16)}`;
  const map = `dma_map_single of a buffer at PA ${hex(pa)} for a device with mask ${mask} returned`;
  const lastRam = s.kernel.mm.ramEnd - 1;
  const beyondMask = BigInt(pa + len - 1) > (dev.dma_mask ?? 0n);
  let symptom: string;
  if (dma === DMA_MAPPING_ERROR) {
    symptom = warn ? `${map} DMA_MAPPING_ERROR: "${warn.replace(/^.*?: /, "")}"` : `${map} DMA_MAPPING_ERROR`;
  } else if (BigInt(lastRam) <= (dev.dma_mask ?? 0n)) {
    // Every buffer is reachable, so there is nothing to overflow: say so rather than report a
    // mapping that worked as if it were the symptom.
    symptom = `this board cannot show the bug: all of its RAM (up to PA ${hex(lastRam)}) is within the device's mask ${mask}; ${leaveTreeText(s)} (arm64-highmem, RAM above 4 GiB, no swiotlb)`;
  } else if (dma !== pa && s.kernel.version === "v4.9") {
    // arch/arm64/mm/init.c mem_init: 4.9 builds a pool whenever RAM extends beyond ZONE_DMA.
    symptom = `${map} ${hex(dma)}, a swiotlb bounce slot: Linux 4.9 cannot show the bug on arm64, whose mem_init always builds a swiotlb pool when RAM extends beyond ZONE_DMA (swiotlb=0 means the default 64 MiB); run it on the modern kernel`;
  } else if (dma !== pa) {
    symptom = `${map} ${hex(dma)}, a swiotlb bounce slot: this System's swiotlb hides the bug; ${leaveTreeText(s)} (arm64-highmem, RAM above 4 GiB, no swiotlb)`;
  } else if (beyondMask) {
    symptom = `${map} ${hex(dma)} unchanged, though its last byte ${hex(pa + len - 1)} is beyond the mask: no error, and the device cannot reach the buffer`;
  } else {
    symptom = `${map} ${hex(dma)}: the buffer happened to land within the mask, so it did not overflow`;
  }
  return {
    kind: "mask-overflow",
    symptom,
    fixed: low ? `dma_alloc_coherent chooses memory below the mask: dma address 0x${low.dmaAddr.toString(16)}` : "dma_alloc_coherent failed too",
    reproduced: (dma === DMA_MAPPING_ERROR || (dma === pa && beyondMask)) && pa > 0xffffffff && !!low && low.dmaAddr + len - 1 <= 0xffffffff,
    details: { bufferPa: pa, mask, message: warn },
  };
}

function uncheckedMapError(s: System, defer: Defer): BugResult {
  const { dev, release } = memcpyChannel(s, defer);
  const buf = kmallocOne(s, 256, defer);
  const va = buf.va;
  const dma = dma_map_single(dev, va, 256, DMA_TO_DEVICE);
  dma_unmap_single(dev, dma, 256, DMA_TO_DEVICE); // never checked
  const report = s.kernel.dma.debug.reports.find((r) => r.includes("failed to check map error")) ?? "";
  const before = s.kernel.dma.debug.reports.length;
  const dma2 = dma_map_single(dev, va, 256, DMA_TO_DEVICE);
  if (!dma_mapping_error(dev, dma2)) dma_unmap_single(dev, dma2, 256, DMA_TO_DEVICE);
  const after = s.kernel.dma.debug.reports.length - before;
  buf.free();
  release();
  return {
    kind: "unchecked-map-error",
    symptom: report ? `DMA-API debug: "${report}"` : uncheckedMapErrorSilence(s),
    fixed: `checking with dma_mapping_error before using the address: ${after} new reports`,
    reproduced: report !== "" && after === 0,
    details: { report },
  };
}

/** Why unchecked-map-error saw no report: only DMA-API debug reports an unchecked mapping, and a
 *  System chosen with --board or a tree has it off unless asked. */
function uncheckedMapErrorSilence(s: System): string {
  return s.kernel.dma.debug.enabled
    ? "no report (DMA-API debug is on)"
    : `no report: DMA-API debug is off on this System, and only it reports an unchecked mapping; add --dma-debug (createSystem({ dmaDebug: true })), or ${leaveTreeText(s)}`;
}

/** The memory type of the process's mapping at uva, as a debugger's walk of its tables sees it. */
function userMemType(s: System, uva: number): string {
  const mm = s.kernel.userMm;
  mm.pgt.switchTo(mm.asid);
  const w = s.machine.mmu.walk(uva);
  mm.pgt.switchTo(null);
  return "pa" in w ? decodeAttr(w.attr).memType : "unmapped";
}

function mmapCacheable(s: System, defer: Defer): BugResult {
  const len = 16 * 1024;
  const ownProcess = !s.kernel.userMmRunning; // the test program's, which exits at the end
  const { chan, dev, release } = memcpyChannel(s, defer);
  const buf = coherentBuffer(dev, len, defer);
  const src = kmallocOne(s, len, defer);
  const data = pattern(len, 4);
  s.cpu.write(src.va, data);
  const ds = mapSingle(dev, src.va, len, DMA_TO_DEVICE, defer);
  // Registered before the first mmap: an own process that fails part way exits with its
  // mappings (exit_mmap), after the two munmaps below have had their turn.
  const exit = defer(() => {
    if (ownProcess && s.kernel.userMmRunning) s.user.exit();
  });
  const userMap = (fop: FileMmap) => {
    const uva = s.user.mmap(len, fop);
    return { uva, munmap: defer(() => s.user.munmap(uva)) };
  };
  // The bug: the driver's mmap remaps the buffer itself, keeping vma->vm_page_prot (PAGE_SHARED,
  // cacheable); the fix lets the DMA layer choose the protection.
  const pfn = dma_to_phys(dev, buf.dmaAddr) / 4096;
  const buggy = userMap((vma) => remap_pfn_range(vma, vma.vm_start, pfn, len, vma.vm_page_prot));
  const right = userMap((vma) => dma_mmap_coherent(dev, vma, buf.cpuAddr, buf.dmaAddr, len));
  s.user.read(buggy.uva, len); // the process looks at the buffer before the device fills it
  s.user.read(right.uva, len);
  copy(chan, buf.dmaAddr, ds.addr, len);
  const stale = countDifferent(s.user.read(buggy.uva, len), data);
  const after = countDifferent(s.user.read(right.uva, len), data);
  const types = { remap: userMemType(s, buggy.uva), dmaMmap: userMemType(s, right.uva) };
  buggy.munmap();
  right.munmap();
  exit();
  ds.unmap();
  src.free();
  buf.free();
  release();
  return {
    kind: "mmap-cacheable",
    symptom: dev.dma_coherent
      ? `${stale} of ${len} bytes the process read after the transfer were stale: ${dev.name} is dma-coherent (its writes snoop the caches), so a cacheable mapping is right for it: this board cannot show the bug; ${leaveTreeText(s)}`
      : `${stale} of ${len} bytes the process read after the transfer were stale: remap_pfn_range with vm_page_prot mapped the coherent buffer ${types.remap} in user space, and the device wrote beneath the caches`,
    fixed: `dma_mmap_coherent maps it as the kernel does (${types.dmaMmap}): ${after} stale bytes`,
    reproduced: stale > 0 && after === 0,
    details: { bytes: len, staleBytes: stale, staleWithDmaMmap: after, remapMemType: types.remap, dmaMmapMemType: types.dmaMmap },
  };
}

export function run(system: System, params: ScenarioParams = {}): BugResult {
  const kind = String(params.kind ?? "missing-sync") as BugKind;
  const bug = BUGS[kind];
  if (!bug) throw new RangeError(`unknown bug kind "${kind}" (known: ${BUG_KINDS.join(", ")})`);
  // A kind's own parameter given to another kind would be ignored without a word about it.
  for (const [name, owner] of Object.entries(KIND_PARAMS)) {
    if (params[name] !== undefined && kind !== owner) throw new TypeError(`bug kind "${kind}" has no parameter "${name}" (only ${owner} has)`);
  }
  return withTeardown((defer) => bug(system, defer, params));
}

/** The parameters one kind reads besides kind, and that kind. */
const KIND_PARAMS: Record<string, BugKind> = {
  onto: "wrong-request-line",
  offset: "rx-buffer-shares-cache-line",
  len: "rx-buffer-shares-cache-line",
};

const BUGS: Record<string, (s: System, defer: Defer, params: ScenarioParams) => BugResult> = Object.assign(Object.create(null) as Record<string, never>, {
  "missing-sync": missingSync,
  "invalidate-only-before": invalidateOnlyBefore,
  "coherent-read": coherentRead,
  "swiotlb-exhaustion": swiotlbExhaustion,
  "mask-overflow": maskOverflow,
  "unchecked-map-error": uncheckedMapError,
  "mmap-cacheable": mmapCacheable,
  "gup-missing-unmap": gupMissingUnmap,
  "gup-missing-write": gupMissingWrite,
  "dma-ranges": dmaRanges,
  "poll-irqs-off": pollIrqsOff,
  "wrong-request-line": wrongRequestLine,
  "burst-on-single-requests": burstOnSingleRequests,
  "burst-larger-than-fifo-threshold": burstLargerThanFifoThreshold,
  "rx-burst-larger-than-fifo-level": rxBurstLargerThanFifoLevel,
  "dma-coherent-on-noncoherent-port": dmaCoherentOnNoncoherentPort,
  "rx-buffer-shares-cache-line": rxBufferSharesCacheLine,
} satisfies Record<BugKind, (s: System, defer: Defer, params: ScenarioParams) => BugResult>);
