// CPU processes a DMA buffer: a device writes `size` bytes, then the CPU reads every byte (a
// checksum). Two ways to hold the buffer: "cached" (kmalloc + dma_map_single, synced for the CPU
// before reading — pays cache maintenance, reads from the caches) and "uncached"
// (dma_alloc_coherent — no maintenance, every read goes to DRAM). Both are measured on the same
// System so the answer to "which is faster here?" is one run.

import type { System } from "../../system.js";
import { DMA_FROM_DEVICE } from "../../dma/constants.js";
import {
  dma_request_chan_by_mask, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_sync_wait, dma_release_channel,
} from "../../dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_MEMCPY, DMA_PREP_INTERRUPT, type DmaChan } from "../../dmaengine/types.js";
import type { DmaAddr, VirtAddr } from "../../hw/address.js";
import { parseSize } from "../../units.js";
import { measure, pattern, countDifferent, type PhaseResult } from "../phase.js";
import type { ScenarioParams } from "../scenarios.js";
import { withTeardown } from "../teardown.js";
import { coherentBuffer, kmallocBuffers, mapSingle, type ManagedMapping } from "../managed-buffers.js";

export interface CpuProcessResult {
  size: number;
  cached: { receive: PhaseResult; sync: PhaseResult; process: PhaseResult; totalPs: number; ok: boolean };
  uncached: { receive: PhaseResult; process: PhaseResult; totalPs: number; ok: boolean };
  /** uncached CPU processing time over cached processing time. */
  processSlowdown: number;
  /** The faster way for this size on this board. */
  faster: "cached" | "uncached";
}

function receive(chan: DmaChan, dst: DmaAddr, src: DmaAddr, len: number): void {
  const tx = dmaengine_prep_dma_memcpy(chan, dst, src, len, DMA_PREP_INTERRUPT);
  if (!tx || dma_sync_wait(chan, dmaengine_submit(tx)) !== DMA_COMPLETE) throw new Error("device write failed");
}

export function run(system: System, params: ScenarioParams = {}): CpuProcessResult {
  const len = parseSize((params.size as string | number | undefined) ?? "64K");
  if (len < 1) throw new RangeError(`size must be at least one byte, not ${params.size}`);
  return withTeardown((defer) => {
    const chan = dma_request_chan_by_mask(system, DMA_MEMCPY);
    defer(() => dma_release_channel(chan));
    const dev = chan.device.dev;
    // The "device" is the PL330 copying from a source buffer it owns.
    const src = coherentBuffer(dev, len, defer);
    const data = pattern(len, 21);
    system.cpu.write(src.cpuAddr, data);
    const read = (va: VirtAddr) => (got = system.cpu.read(va, len));
    let got: Uint8Array = new Uint8Array(0);

    const {
      vas: [buf],
      free: freeBuf,
    } = kmallocBuffers(system, [len], defer);
    system.cpu.fill(buf, 0, len); // a buffer in use: its lines are cached
    let mapping: ManagedMapping | undefined;
    const cReceive = measure(system, "map + device writes", len, () => {
      mapping = mapSingle(dev, buf, len, DMA_FROM_DEVICE, defer);
      receive(chan, mapping.addr, src.dmaAddr, len);
    });
    const cSync = measure(system, "unmap (sync for CPU)", len, () => mapping?.unmap());
    const cProcess = measure(system, "CPU reads the buffer", len, () => read(buf));
    const cachedOk = countDifferent(got, data) === 0;
    freeBuf();

    const coh = coherentBuffer(dev, len, defer);
    const uReceive = measure(system, "device writes", len, () => receive(chan, coh.dmaAddr, src.dmaAddr, len));
    const uProcess = measure(system, "CPU reads the buffer", len, () => read(coh.cpuAddr));
    const uncachedOk = countDifferent(got, data) === 0;
    coh.free();
    src.free();

    const cachedTotal = cReceive.timePs + cSync.timePs + cProcess.timePs;
    const uncachedTotal = uReceive.timePs + uProcess.timePs;
    return {
      size: len,
      cached: { receive: cReceive, sync: cSync, process: cProcess, totalPs: cachedTotal, ok: cachedOk },
      uncached: { receive: uReceive, process: uProcess, totalPs: uncachedTotal, ok: uncachedOk },
      processSlowdown: Math.round((uProcess.timePs / cProcess.timePs) * 100) / 100,
      faster: cachedTotal <= uncachedTotal ? "cached" : "uncached",
    };
  });
}
