// The classic DMA bugs, each reproduced on a System as a driver would commit it, with what a
// driver writer would observe and the fix beside it. `kind` selects the bug:
//
//   missing-sync            a reused receive buffer read without dma_sync_single_for_cpu
//                           (missing-sync.ts)
//   invalidate-only-before  invalidating only at map (4.9 arm64) while speculation refills lines
//                           (invalidate-only-before.ts)
//   coherent-read           the CPU crunching a dma_alloc_coherent (uncached) buffer
//                           (coherent-read.ts)
//   swiotlb-exhaustion      mapping high buffers for a 32-bit device until the bounce pool is full
//                           (swiotlb-exhaustion.ts)
//   mask-overflow           a buffer above the device's DMA mask with no swiotlb to bounce it
//                           (mask-overflow.ts)
//   unchecked-map-error     unmapping without ever calling dma_mapping_error (DMA-API debug)
//                           (unchecked-map-error.ts)
//   mmap-cacheable          a driver mmap that remaps a coherent buffer with remap_pfn_range and
//                           the VMA's own (cacheable) protection instead of dma_mmap_coherent
//                           (mmap-cacheable.ts)
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

// Each bug releases what it took in a driver's order when it runs to the end; what it has not
// released when it fails part way, the run's teardown gives back last-first (teardown.ts).

import type { System } from "../../system.js";
import { withTeardown, type Defer } from "../teardown.js";
import type { ScenarioParams } from "../scenarios.js";
import { missingSync } from "./missing-sync.js";
import { invalidateOnlyBefore } from "./invalidate-only-before.js";
import { coherentRead } from "./coherent-read.js";
import { swiotlbExhaustion } from "./swiotlb-exhaustion.js";
import { maskOverflow } from "./mask-overflow.js";
import { uncheckedMapError } from "./unchecked-map-error.js";
import { mmapCacheable } from "./mmap-cacheable.js";
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

export { BUG_KINDS, bugSystem, type BugKind, type BugResult } from "./bug-kinds.js";

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
