// The bug kind invalidate-only-before: Linux 4.9 on arm64 invalidates a DMA_FROM_DEVICE buffer
// at map time only (__dma_map_area), while the CPU's prefetcher and speculation may refill its
// lines while the device is writing: a driver polling a status word next to the buffer pulls
// lines near it back into the cache, and reads them stale. Invalidating again at unmap (or
// dma_sync_single_for_cpu), as later kernels do, is the fix.

import type { System } from "../../system.js";
import { dma_async_issue_pending, dma_sync_wait } from "../../dmaengine/dmaengine.js";
import { DMA_FROM_DEVICE, DMA_TO_DEVICE } from "../../dma/constants.js";
import { ARM64_A53 } from "../../hw/profile.js";
import { pattern, countDifferent } from "../phase.js";
import type { Defer } from "../teardown.js";
import { kmallocOne, mapSingle } from "../managed-buffers.js";
import { memcpyChannel, submitMemcpy } from "./memcpy-channel.js";
import type { BugResult } from "./bug-kinds.js";

export function invalidateOnlyBefore(s: System, defer: Defer): BugResult {
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
    const cookie = submitMemcpy(chan, dd.addr, ds.addr, len);
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
