// The bug kind coherent-read: a driver crunches data in a dma_alloc_coherent buffer, which is
// uncached on a non-coherent SoC (Normal NC on arm's pgprot_dmacoherent), so every load goes to
// DRAM. The fix is a cacheable buffer with a streaming mapping. Two reads of it are timed, as
// they differ: the first after dma_unmap_single (the lines were invalidated for the device, so
// they come from DRAM, one line fill per line: what a receive's first pass costs), and a second
// pass from the caches (what crunching the data again costs). The uncached buffer reads the same
// on every pass. Where swiotlb bounces the mapping, the unmap's copy into the buffer leaves its
// lines cached, and the first read is a second pass; the text says so.

import type { System } from "../../system.js";
import { DMA_FROM_DEVICE } from "../../dma/constants.js";
import { dma_map_single, dma_mapping_error, dma_unmap_single } from "../../dma/mapping.js";
import { dma_to_phys } from "../../dma/dma-address.js";
import { is_swiotlb_buffer } from "../../dma/swiotlb.js";
import { coherentBuffer, kmallocBuffers } from "../managed-buffers.js";
import type { Defer } from "../teardown.js";
import type { BugResult } from "./bug-kinds.js";
import { memcpyChannel } from "./memcpy-channel.js";

const LEN = 256 * 1024;

const µs = (ps: number) => `${(ps / 1e6).toFixed(1)} µs`;
const ratio = (slow: number, fast: number) => Math.round((slow / fast) * 10) / 10;

export function coherentRead(s: System, defer: Defer): BugResult {
  const { dev, release } = memcpyChannel(s, defer);
  const coh = coherentBuffer(dev, LEN, defer);
  const {
    vas: [va],
    free,
  } = kmallocBuffers(s, [LEN], defer);
  const timed = (fn: () => unknown) => {
    const t0 = s.now();
    fn();
    return s.now() - t0;
  };
  // A second pass of each: the first warms what can be warmed (nothing, for the uncached one).
  s.cpu.read(coh.cpuAddr, LEN);
  const uncachedPs = timed(() => s.cpu.read(coh.cpuAddr, LEN));
  s.cpu.read(va, LEN);
  const cachedPs = timed(() => s.cpu.read(va, LEN));
  // A receive into the cacheable buffer: mapped for the device, then unmapped (the sync for the
  // CPU), which invalidates its lines; the first read then fetches every line from DRAM. Where
  // the device cannot reach the buffer and nothing bounces it (arm64-highmem, swiotlb=0) there
  // is no mapping, and no first pass to measure.
  const addr = dma_map_single(dev, va, LEN, DMA_FROM_DEVICE);
  const mapped = !dma_mapping_error(dev, addr);
  // A bounced mapping's unmap copies the slot into the buffer: its lines are then in the caches.
  const bounced = mapped && is_swiotlb_buffer(dev, dma_to_phys(dev, addr));
  const unmapPs = mapped ? timed(() => dma_unmap_single(dev, addr, LEN, DMA_FROM_DEVICE)) : 0;
  const firstPassCachedPs = mapped ? timed(() => s.cpu.read(va, LEN)) : 0;
  coh.free();
  free();
  release();
  const slowdown = ratio(uncachedPs, cachedPs);
  const firstPassSlowdown = ratio(uncachedPs, firstPassCachedPs);
  const secondPass = `a second read from the caches ${µs(cachedPs)}, ${slowdown}× faster`;
  const fixed = mapped
    ? `a cacheable (streaming) buffer: its first read after dma_unmap_single took ${µs(firstPassCachedPs)}, ${firstPassSlowdown}× faster ` +
      `(${bounced ? `the unmap's bounce copy left the lines in the caches; it took ${µs(unmapPs)}` : `the lines come from DRAM; the unmap's invalidation took ${µs(unmapPs)}`}), ${secondPass}`
    : `a cacheable (streaming) buffer: ${secondPass} (its first read after an unmap is not measured: dma_map_single failed, DMA_MAPPING_ERROR)`;
  return {
    kind: "coherent-read",
    symptom: `reading ${LEN / 1024} KiB from a dma_alloc_coherent buffer took ${µs(uncachedPs)}: it is uncached on this SoC`,
    fixed,
    reproduced: slowdown > 2,
    details: { bytes: LEN, uncachedPs, cachedPs, slowdown, ...(mapped ? { firstPassCachedPs, firstPassSlowdown, unmapPs } : {}) },
  };
}
