// CPU processes a DMA buffer: a device writes `size` bytes, then the CPU reads every byte (a
// checksum). Three ways to hold the buffer: "cached" (kmalloc + dma_map_single, synced for the
// CPU before reading — pays cache maintenance, reads from the caches), "uncached"
// (dma_alloc_coherent — no maintenance, every read goes to DRAM) and "noncoherent"
// (dma_alloc_noncoherent + dma_sync_single_for_device/_for_cpu — the cached way's reads without
// a streaming mapping, on a modern kernel; on 4.9 the allocation is the uncached coherent buffer,
// and the result says so by the memory type the MMU finds). All are measured on the same System
// so the answer to "which is faster here?" is one run.

import type { System } from "../../system.js";
import { DMA_FROM_DEVICE } from "../../dma/constants.js";
import { dma_alloc_noncoherent, dma_free_noncoherent } from "../../dma/noncoherent.js";
import { dma_sync_single_for_cpu, dma_sync_single_for_device } from "../../dma/mapping.js";
import { decodeAttr, type MemType } from "../../hw/page-attributes.js";
import { GFP_KERNEL } from "../../mm/gfp.js";
import { ENOMEM, KernelError } from "../../kernel/errno.js";
import { formatVirt, type VirtAddr } from "../../hw/address.js";
import { parseSize } from "../../units.js";
import { measure, pattern, countDifferent, type PhaseResult } from "../phase.js";
import type { ScenarioParams } from "../scenarios.js";
import { withTeardown } from "../teardown.js";
import { coherentBuffer, kmallocBuffers, mapSingle, type ManagedMapping } from "../managed-buffers.js";
import { maintainsForSnoopingPort } from "../../hw/port-coherent.js";
import { memcpyChannel, memcpyAndWait } from "./memcpy-channel.js";

/** On a DMAC whose port snoops the CPU's caches while the tree does not say dma-coherent
 *  (`dmasim,port-coherent = <1>`), the ways that maintain (cached: map and unmap; noncoherent:
 *  the two syncs) say how much of their maintenancePs the port makes unnecessary: all of it, as
 *  Linux skips every cache operation for a dma-coherent device (dev_is_dma_coherent), memcpy's
 *  figure. Absent elsewhere. */
export interface UnneededMaintenance {
  unneededMaintenancePs?: number;
}

export interface CpuProcessResult {
  size: number;
  cached: { receive: PhaseResult; sync: PhaseResult; process: PhaseResult; totalPs: number; ok: boolean } & UnneededMaintenance;
  uncached: { receive: PhaseResult; process: PhaseResult; totalPs: number; ok: boolean };
  /** uncached CPU processing time over cached processing time. */
  processSlowdown: number;
  /** The faster way for this size on this board. */
  faster: "cached" | "uncached";
  noncoherent: {
    receive: PhaseResult;
    sync: PhaseResult;
    process: PhaseResult;
    totalPs: number;
    ok: boolean;
    /** What the kernel gave: "Normal WB" (modern), "Normal NC" (4.9's uncached buffer). */
    memType: MemType;
  } & UnneededMaintenance;
  /** uncached CPU processing time over noncoherent processing time. */
  noncoherentProcessSpeedup: number;
  /** The fastest of the three ways (ties go to the earlier: cached, uncached, noncoherent). */
  fastest: "cached" | "uncached" | "noncoherent";
}

export function run(system: System, params: ScenarioParams = {}): CpuProcessResult {
  const len = parseSize((params.size as string | number | undefined) ?? "64K");
  if (len < 1) throw new RangeError(`size must be at least one byte, not ${params.size}`);
  return withTeardown((defer) => {
    // The "device" is the PL330 copying from a source buffer it owns.
    const { chan, dev } = memcpyChannel(system, defer);
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
      memcpyAndWait(chan, mapping.addr, src.dmaAddr, len);
    });
    const cSync = measure(system, "unmap (sync for CPU)", len, () => mapping?.unmap());
    const cProcess = measure(system, "CPU reads the buffer", len, () => read(buf));
    const cachedOk = countDifferent(got, data) === 0;
    freeBuf();

    const coh = coherentBuffer(dev, len, defer);
    const uReceive = measure(system, "device writes", len, () => memcpyAndWait(chan, coh.dmaAddr, src.dmaAddr, len));
    const uProcess = measure(system, "CPU reads the buffer", len, () => read(coh.cpuAddr));
    const uncachedOk = countDifferent(got, data) === 0;
    coh.free();

    const nc = dma_alloc_noncoherent(dev, len, DMA_FROM_DEVICE, GFP_KERNEL);
    if (!nc) throw new KernelError(ENOMEM, `dma_alloc_noncoherent(${len}) failed`);
    const freeNc = defer(() => dma_free_noncoherent(dev, len, nc.cpuAddr, nc.dmaAddr, DMA_FROM_DEVICE));
    const walk = system.machine.mmu.walk(nc.cpuAddr);
    if (!("pa" in walk)) throw new Error(`dma_alloc_noncoherent gave an unmapped address ${formatVirt(nc.cpuAddr)}`);
    const memType = decodeAttr(walk.attr).memType;
    const nReceive = measure(system, "sync for device + device writes", len, () => {
      dma_sync_single_for_device(dev, nc.dmaAddr, len, DMA_FROM_DEVICE);
      memcpyAndWait(chan, nc.dmaAddr, src.dmaAddr, len);
    });
    const nSync = measure(system, "sync for CPU", len, () => dma_sync_single_for_cpu(dev, nc.dmaAddr, len, DMA_FROM_DEVICE));
    const nProcess = measure(system, "CPU reads the buffer", len, () => read(nc.cpuAddr));
    const noncoherentOk = countDifferent(got, data) === 0;
    freeNc();
    src.free();

    const cachedTotal = cReceive.timePs + cSync.timePs + cProcess.timePs;
    const uncachedTotal = uReceive.timePs + uProcess.timePs;
    const noncoherentTotal = nReceive.timePs + nSync.timePs + nProcess.timePs;
    const best = Math.min(cachedTotal, uncachedTotal, noncoherentTotal);
    const snoopingPort = maintainsForSnoopingPort(system.board.dmacs, dev);
    const unneeded = (...phases: PhaseResult[]): UnneededMaintenance =>
      snoopingPort ? { unneededMaintenancePs: phases.reduce((ps, p) => ps + p.maintenancePs, 0) } : {};
    return {
      size: len,
      cached: { receive: cReceive, sync: cSync, process: cProcess, totalPs: cachedTotal, ok: cachedOk, ...unneeded(cReceive, cSync) },
      uncached: { receive: uReceive, process: uProcess, totalPs: uncachedTotal, ok: uncachedOk },
      processSlowdown: Math.round((uProcess.timePs / cProcess.timePs) * 100) / 100,
      faster: cachedTotal <= uncachedTotal ? "cached" : "uncached",
      noncoherent: {
        receive: nReceive, sync: nSync, process: nProcess, totalPs: noncoherentTotal, ok: noncoherentOk, memType, ...unneeded(nReceive, nSync),
      },
      noncoherentProcessSpeedup: Math.round((uProcess.timePs / nProcess.timePs) * 100) / 100,
      fastest: best === cachedTotal ? "cached" : best === uncachedTotal ? "uncached" : "noncoherent",
    };
  });
}
