// The figures docs/calibration.md compares with public Zynq-7000 measurements, measured on the
// System given (the zynq-7000 board by default): PL330 memcpy throughput, CPU memcpy between
// cached buffers, CPU copy and read from an uncached (coherent) buffer against cached ones, and
// the share of cache maintenance in a streaming DMA pipeline.

import type { System } from "../../system.js";
import { DMA_FROM_DEVICE, DMA_TO_DEVICE } from "../../dma/constants.js";
import { mbPerSec } from "../../units.js";
import { pattern } from "../phase.js";
import { withTeardown, type Defer } from "../teardown.js";
import { coherentBuffer, kmallocBuffers, mapSingle, type ManagedMapping } from "../managed-buffers.js";
import { memcpyChannel, memcpyAndWait } from "./memcpy-channel.js";

const MiB = 1 << 20;

export interface CalibrationFigures {
  /** PL330 memcpy DDR → DDR, 1 MiB, 8 B × 16 bursts. */
  pl330MemcpyMBps: number;
  /** CPU memcpy between two cached 1 MiB buffers (cold caches), in MiB/s as published. */
  cpuMemcpyCachedMiBps: number;
  /** CPU copy from an uncached coherent buffer to a cached one, over the cached-to-cached copy. */
  uncachedCopySlowdown: number;
  /** CPU read of 1 MiB through a non-cacheable mapping, over a cacheable one (cold caches). */
  uncachedReadSlowdown: number;
  /** Share of dma_map/dma_unmap in a streaming pipeline: CPU fills 1 MiB, map, DMA, unmap, CPU reads. */
  maintenanceShare: number;
}

/** Evicts the buffers under test from the caches by streaming through `len` other bytes. */
function coldCaches(s: System, scratch: number, len: number): void {
  s.cpu.read(scratch, len);
}

export function run(s: System): CalibrationFigures {
  return withTeardown((defer) => measure(s, defer));
}

function measure(s: System, defer: Defer): CalibrationFigures {
  const { chan, dev, release } = memcpyChannel(s, defer);
  const elapsed = (fn: () => void) => {
    const t0 = s.now();
    fn();
    return s.now() - t0;
  };
  const a = coherentBuffer(dev, MiB, defer);
  const b = coherentBuffer(dev, MiB, defer);
  const kbufs = kmallocBuffers(s, [MiB, MiB, 4 * MiB], defer);
  const [x, y, scratch] = kbufs.vas;
  const data = pattern(MiB, 5);
  s.cpu.write(a.cpuAddr, data);
  s.cpu.write(x, data);
  s.cpu.fill(y, 0, MiB);

  const dmaPs = elapsed(() => memcpyAndWait(chan, b.dmaAddr, a.dmaAddr, MiB));

  coldCaches(s, scratch, 4 * MiB);
  const copyCachedPs = elapsed(() => s.machine.cpu.copy(y, x, MiB));
  coldCaches(s, scratch, 4 * MiB);
  const copyUncachedPs = elapsed(() => s.machine.cpu.copy(y, a.cpuAddr, MiB));
  coldCaches(s, scratch, 4 * MiB);
  const readCachedPs = elapsed(() => s.cpu.read(x, MiB));
  const readUncachedPs = elapsed(() => s.cpu.read(a.cpuAddr, MiB));

  // The streaming pipeline of the demo: produce, map both, DMA, unmap both, consume.
  let maint = 0;
  const pipeline = elapsed(() => {
    s.cpu.write(x, data);
    let dx: ManagedMapping | undefined;
    let dy: ManagedMapping | undefined;
    maint += elapsed(() => {
      dx = mapSingle(dev, x, MiB, DMA_TO_DEVICE, defer);
      dy = mapSingle(dev, y, MiB, DMA_FROM_DEVICE, defer);
    });
    memcpyAndWait(chan, dy!.addr, dx!.addr, MiB);
    maint += elapsed(() => {
      dx!.unmap();
      dy!.unmap();
    });
    s.cpu.read(y, MiB);
  });

  a.free();
  b.free();
  kbufs.free();
  release();
  const r2 = (v: number) => Math.round(v * 100) / 100;
  return {
    pl330MemcpyMBps: Math.round(mbPerSec(MiB, dmaPs)),
    cpuMemcpyCachedMiBps: Math.round(MiB / (copyCachedPs / 1e12) / MiB),
    uncachedCopySlowdown: r2(copyUncachedPs / copyCachedPs),
    uncachedReadSlowdown: r2(readUncachedPs / readCachedPs),
    maintenanceShare: r2(maint / pipeline),
  };
}
