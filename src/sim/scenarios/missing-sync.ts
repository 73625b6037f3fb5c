// The bug kind missing-sync: a driver that reuses a receive buffer and reads it again without
// dma_sync_single_for_cpu (dma-api §"dma_sync_single_for_cpu": the CPU may touch a streaming
// buffer only after the sync or the unmap). Reading the first transfer cached its lines; the
// second transfer writes DRAM beneath them, and the CPU reads the first one's bytes. Where the
// receive mapping bounces, the device wrote a swiotlb slot that only the sync copies back.
// The fix syncs for the CPU before reading.

import type { System } from "../../system.js";
import { dma_sync_single_for_cpu, dma_sync_single_for_device } from "../../dma/mapping.js";
import { DMA_FROM_DEVICE, DMA_TO_DEVICE } from "../../dma/constants.js";
import { dma_to_phys } from "../../dma/dma-address.js";
import { is_swiotlb_buffer } from "../../dma/swiotlb.js";
import { pattern, countDifferent } from "../phase.js";
import type { Defer } from "../teardown.js";
import { kmallocBuffers, mapSingle } from "../managed-buffers.js";
import { memcpyChannel, memcpyAndWait } from "./memcpy-channel.js";
import type { BugResult } from "./bug-kinds.js";

export function missingSync(s: System, defer: Defer): BugResult {
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
    memcpyAndWait(chan, dd.addr, ds.addr, len);
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
