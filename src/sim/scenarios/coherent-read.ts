// The bug kind coherent-read: a driver whose CPU crunches data in a dma_alloc_coherent buffer.
// On a SoC whose DMA is not coherent the buffer is mapped uncached, so every
// CPU read goes to DRAM; the same read of a cacheable (streaming) buffer, synced once, hits the
// caches. The kind times both reads.

import type { System } from "../../system.js";
import type { Defer } from "../teardown.js";
import { coherentBuffer, kmallocOne } from "../managed-buffers.js";
import { memcpyChannel } from "./memcpy-channel.js";
import type { BugResult } from "./bug-kinds.js";

export function coherentRead(s: System, defer: Defer): BugResult {
  const len = 256 * 1024;
  const { dev, release } = memcpyChannel(s, defer);
  const coh = coherentBuffer(dev, len, defer);
  const cached = kmallocOne(s, len, defer);
  const time = (va: number) => {
    s.cpu.read(va, len); // warm what can be warmed
    const t0 = s.now();
    s.cpu.read(va, len);
    return s.now() - t0;
  };
  const slow = time(coh.cpuAddr);
  const fast = time(cached.va);
  coh.free();
  cached.free();
  release();
  const ratio = Math.round((slow / fast) * 10) / 10;
  return {
    kind: "coherent-read",
    symptom: `reading ${len / 1024} KiB from a dma_alloc_coherent buffer took ${(slow / 1e6).toFixed(1)} µs: it is uncached on this SoC`,
    fixed: `a cacheable (streaming) buffer, synced once, read in ${(fast / 1e6).toFixed(1)} µs: ${ratio}× faster`,
    reproduced: ratio > 2,
    details: { bytes: len, uncachedPs: slow, cachedPs: fast, slowdown: ratio },
  };
}
