// The memcpy scenario's pool and bounced buffer kinds: descriptors per pool block, swiotlb
// bounce slots, their time, the teardown, and the refusals.

import { describe, expect, it } from "vitest";
import { withSystem } from "../../helpers/system.js";
import type { System } from "../../../src/system.js";
import type { MemcpyResult } from "../../../src/sim/scenarios/memcpy.js";
import type { Pl330Driver } from "../../../src/drivers/pl330/driver.js";
import * as R from "../../../src/drivers/pl330/regs.js";
import { dma_to_phys } from "../../../src/dma/dma-address.js";
import { dma_pools_show } from "../../../src/dma/pool.js";
import { runSweep } from "../../../src/sim/sweep.js";

const DMAC = { "zynq-7000": "f8003000.dma-controller", "arm64-ref": "ff6e0000.dma-controller" };

/** The one PL330 thread that ran since boot: the physical addresses of its last descriptor's
 *  source and destination (SAR and DAR end there, `len` bytes on). */
function lastCopy(system: System, dmac: string, len: number): { src: number; dst: number } {
  const dev = system.device(dmac);
  const pl330 = (dev.driverData as Pl330Driver).dmac;
  const used = [0, 1, 2, 3, 4, 5, 6, 7].filter((t) => pl330.readl(R.SA(t)) !== 0);
  expect(used).toHaveLength(1);
  const t = used[0];
  return { src: dma_to_phys(dev, pl330.readl(R.SA(t)) - len), dst: dma_to_phys(dev, pl330.readl(R.DA(t)) - len) };
}

/** The copy's last `len` bytes reached the destination in DRAM (the CPU never wrote there), and
 *  are not one repeated byte (which an unwritten buffer would also be). A freed pool block's
 *  first bytes hold the pool's free-list link (at most two 8-byte words): `skip` leaves them. */
function expectCopied(system: System, at: { src: number; dst: number }, len: number, skip = 0): void {
  const src = system.machine.backdoor.read(at.src + skip, len - skip);
  const dst = system.machine.backdoor.read(at.dst + skip, len - skip);
  expect(new Set(src).size).toBeGreaterThan(200);
  expect(dst).toEqual(src);
}

describe("memcpy buffers=pool", () => {
  it("takes one descriptor per block pair, copies every block, and destroys the pool", async () => {
    for (const board of ["zynq-7000", "arm64-ref"] as const) {
      for (const kernel of ["modern", "v4.9"] as const) {
        await withSystem({ board, kernel }, (s) => {
          const free = s.kernel.mm.buddy.freePages;
          const r = s.run("memcpy", { size: "64K", buffers: "pool" }) as MemcpyResult;
          // 65536 / 4096 = 16 descriptors.
          expect(r, `${board} ${kernel}`).toMatchObject({ size: 65536, buffers: "pool", block: 4096, descriptors: 16, ok: true });
          expect(r.dmaTimePs).toBeGreaterThan(0);
          expectCopied(s, lastCopy(s, DMAC[board], 4096), 4096, 16);
          expect(dma_pools_show(s.device(DMAC[board]))).toBe("poolinfo - 0.1");
          expect(s.kernel.mm.buddy.freePages).toBe(free);
        });
      }
    }
  });

  it("counts a short last block and every channel's blocks", async () => {
    await withSystem({ board: "zynq-7000" }, (s) => {
      // 10000 = 4096 + 4096 + 1808: three descriptors.
      const r = s.run("memcpy", { size: 10000, buffers: "pool" }) as MemcpyResult;
      expect(r).toMatchObject({ descriptors: 3, ok: true });
      expectCopied(s, lastCopy(s, DMAC["zynq-7000"], 1808), 1808, 16);
      // Two channels × 32768 / 1024.
      expect(s.run("memcpy", { size: "32K", buffers: "pool", block: "1K", channels: 2 })).toMatchObject({ block: 1024, descriptors: 64, ok: true });
    });
  });

  it("a copy made of smaller blocks takes longer (more descriptors for the same bytes)", async () => {
    await withSystem({ board: "zynq-7000" }, (s) => {
      const big = s.run("memcpy", { size: "64K", buffers: "pool", block: "16K" }) as MemcpyResult;
      const small = s.run("memcpy", { size: "64K", buffers: "pool", block: 256 }) as MemcpyResult;
      expect(big.descriptors).toBe(4);
      expect(small.descriptors).toBe(256);
      expect(small.dmaTimePs).toBeGreaterThan(big.dmaTimePs);
    });
  });

  it("refuses a block size dma_pool_create refuses, and gives everything back when the pool runs dry", async () => {
    await withSystem({ board: "zynq-7000", memory: "64M" }, (s) => {
      expect(() => s.run("memcpy", { buffers: "pool", block: 0 })).toThrow(
        '-ENOMEM: dma_pool_create("memcpy-blocks", f8003000.dma-controller, 0, 8, 0) returned NULL: Linux refuses a size of 0; give block=1…4 MiB',
      );
      expect(() => s.run("memcpy", { buffers: "coherent", block: "4K" })).toThrow("block is the dma_pool block size: it applies to buffers=pool only, not buffers=coherent");
      expect(() => s.run("memcpy", { buffers: "cached" })).toThrow('buffers must be coherent, streaming, pool or bounced, not "cached"');
      const free = s.kernel.mm.buddy.freePages;
      // 2 × 64 MiB of 1 MiB blocks cannot fit in 64 MiB of RAM.
      expect(() => s.run("memcpy", { size: "64M", buffers: "pool", block: "1M" })).toThrow(/^-ENOMEM: dma_pool_alloc\(memcpy-blocks\) failed: no room for a source and a destination block of 1048576 bytes \(segment \d+ of 64/);
      expect(dma_pools_show(s.device(DMAC["zynq-7000"]))).toBe("poolinfo - 0.1");
      expect(s.kernel.mm.buddy.freePages).toBe(free);
      expect(s.run("memcpy", { size: "4K", buffers: "pool" })).toMatchObject({ descriptors: 1, ok: true });
    });
  });
});

describe("memcpy buffers=streaming: where the time from the first map to the last unmap goes", () => {
  it("splits dmaTimePs into cache maintenance and a transfer as long as a coherent copy's", async () => {
    await withSystem({ board: "zynq-7000" }, (s) => {
      const coherent = s.run("memcpy", { size: "64K" }) as MemcpyResult;
      const r = s.run("memcpy", { size: "64K", buffers: "streaming" }) as MemcpyResult;
      // arm's map cleans the source (64K) and invalidates the destination (64K); the unmap of
      // the DMA_FROM_DEVICE destination invalidates it again (64K); DMA_TO_DEVICE's unmap does nothing.
      expect(r.maintainedBytes).toBe(3 * 65536);
      expect(r.maintenancePs! + r.transferPs!).toBe(r.dmaTimePs);
      expect(r.maintenancePs).toBeGreaterThan(r.transferPs!);
      // The transfer is the same PL330 copy as the coherent one: within 5 % of its time.
      expect(Math.abs(r.transferPs! - coherent.dmaTimePs) / coherent.dmaTimePs).toBeLessThan(0.05);
      expect(r.transferMbPerSec).toBeCloseTo(65536 / (r.transferPs! / 1e6), 0);
      expect(r.mbPerSec).toBeCloseTo(65536 / (r.dmaTimePs / 1e6), 0);
      // A coherent copy maps nothing: no split.
      expect(coherent).not.toHaveProperty("maintenancePs");
      expect(coherent).not.toHaveProperty("transferPs");
    });
  });

  it("with bounced buffers the bounce copies are the third part", async () => {
    await withSystem({ board: "arm64-ref", swiotlb: { force: true } }, (s) => {
      const r = s.run("memcpy", { size: "64K", buffers: "bounced" }) as MemcpyResult;
      expect(r.maintenancePs! + r.bouncePs! + r.transferPs!).toBe(r.dmaTimePs);
      // The maintenance is of the swiotlb slots: source and destination at the map, destination at the unmap.
      expect(r.maintainedBytes).toBe(3 * 65536);
      expect(r.transferPs).toBeGreaterThan(0);
    });
  });

  it("cuts a streaming copy where nothing bounces at kmalloc's limit alone: 8 MiB on zynq-7000 runs as 4 MiB mappings", async () => {
    // No swiotlb on zynq-7000, so dma_max_mapping_size is unbounded; kmalloc's largest buffer is
    // 2^10 pages of 4 KiB = 4 MiB (KMALLOC_MAX_SIZE, the largest page order), so each mapping is at most that.
    await withSystem({ board: "zynq-7000" }, (s) => {
      const r = s.run("memcpy", { size: "8M", buffers: "streaming" }) as MemcpyResult;
      // One 8 MiB mapping would need kmalloc(8388608), which fails: the copy only runs cut. ok:
      // every byte arrived (the scenario compares them).
      expect(r).toMatchObject({ size: 8 << 20, ok: true });
    });
  });
});

describe("memcpy buffers=bounced", () => {
  it("maps through swiotlb slots with swiotlb=force, and the bounce copies take time that streaming does not", async () => {
    await withSystem({ board: "arm64-ref", swiotlb: { force: true } }, (s) => {
      const tlb = s.kernel.dma.swiotlb!;
      const r = s.run("memcpy", { size: "64K", buffers: "bounced" }) as MemcpyResult;
      expect(r).toMatchObject({ size: 65536, buffers: "bounced", ok: true });
      const at = lastCopy(s, DMAC["arm64-ref"], 65536);
      for (const pa of [at.src, at.dst]) {
        expect(pa).toBeGreaterThanOrEqual(tlb.start);
        expect(pa + 65536).toBeLessThanOrEqual(tlb.end);
      }
      expectCopied(s, at, 65536);
      expect(r.bouncePs).toBeGreaterThan(0);
      expect(r.bouncePs).toBeLessThan(r.dmaTimePs);
      // At least the source into its slot at the map and the destination out of its slot at the unmap.
      expect(r.bouncedBytes).toBeGreaterThanOrEqual(2 * 65536);
    });
    await withSystem({ board: "arm64-ref" }, (s) => {
      const tlb = s.kernel.dma.swiotlb!;
      const before = s.kernel.dma.time.snapshot();
      expect(s.run("memcpy", { size: "64K", buffers: "streaming" })).toMatchObject({ ok: true });
      expect(s.kernel.dma.time.since(before)).toMatchObject({ bouncePs: 0, bouncedBytes: 0 });
      const at = lastCopy(s, DMAC["arm64-ref"], 65536);
      expect(at.src >= tlb.start && at.src < tlb.end).toBe(false);
    });
  });

  it("splits a copy larger than dma_max_mapping_size (256 KiB) into segments that fit", async () => {
    await withSystem({ board: "arm64-ref", swiotlb: { force: true } }, (s) => {
      const r = s.run("memcpy", { size: "1M", buffers: "bounced" }) as MemcpyResult;
      expect(r).toMatchObject({ size: 1 << 20, ok: true });
      // The last of 4 segments of 262144 bytes.
      expectCopied(s, lastCopy(s, DMAC["arm64-ref"], 262144), 262144);
    });
  });

  it("refuses with what to pass where nothing bounces, and -ENOMEM where swiotlb is too small", async () => {
    await withSystem({ board: "zynq-7000" }, (s) => {
      expect(() => s.run("memcpy", { size: "4K", buffers: "bounced" })).toThrow(
        "buffers=bounced: this kernel has no swiotlb (arm without LPAE addresses all its RAM with 32 bits), so no mapping bounces; " +
        "run it on an arm64 board (--board arm64-highmem bounces by itself, --board arm64-ref with --swiotlb force)",
      );
    });
    await withSystem({ board: "arm64-ref" }, (s) => {
      const free = s.kernel.mm.buddy.freePages;
      expect(() => s.run("memcpy", { size: "4K", buffers: "bounced" })).toThrow(
        /^buffers=bounced: dma_map_single gave ff6e0000\.dma-controller 0x[0-9a-f]+, outside swiotlb: the buffer is within the device's reach and swiotlb is not forced; pass --swiotlb force \(createSystem option swiotlb: \{ force: true \}\)$/,
      );
      expect(s.kernel.mm.buddy.freePages).toBe(free);
    });
    // 4.9.y's arm64 mem_init builds no pool when all RAM is within ZONE_DMA and nothing forces
    // one (arch/arm64/mm/init.c: swiotlb_init only if SWIOTLB_FORCE or max_pfn beyond it).
    await withSystem({ board: "arm64-ref", kernel: "v4.9" }, (s) => {
      expect(() => s.run("memcpy", { size: "4K", buffers: "bounced" })).toThrow(
        "buffers=bounced: this kernel has no swiotlb (Linux 4.9 builds none when all RAM is within ZONE_DMA and swiotlb is not forced), so no mapping bounces; " +
        "run it on an arm64 board (--board arm64-highmem bounces by itself, --board arm64-ref with --swiotlb force)",
      );
    });
    await withSystem({ board: "arm64-highmem" }, (s) => {
      expect(s.run("memcpy", { size: "64K", buffers: "bounced" })).toMatchObject({ ok: true });
    });
    // 128 slabs of 2 KiB: one 256 KiB segment, room for the source but not the destination.
    await withSystem({ board: "arm64-ref", swiotlb: { size: 128 * 2048, force: true } }, (s) => {
      expect(() => s.run("memcpy", { size: "256K", buffers: "bounced" })).toThrow(
        "-ENOMEM: dma_map_single(262144) failed: swiotlb (256 KiB) is full; copying 256 KiB maps 512 KiB at once: a larger --swiotlb N (slabs of 2 KiB) may help",
      );
      expect(s.kernel.dma.swiotlb!.usage().used).toBe(0);
    });
  });
});

describe("memcpy pool and bounced in sweeps", () => {
  it("gives the same rows with 0 and 2 workers", async () => {
    const opts = { scenario: "memcpy", grid: { buffers: ["pool", "bounced"], size: ["4K", "64K"] }, system: { board: "arm64-ref", swiotlb: { force: true } } };
    const r0 = await runSweep({ ...opts, workers: 0 });
    const r2 = await runSweep({ ...opts, workers: 2 });
    expect(r2.rows).toEqual(r0.rows);
    expect(r0.rows.map((r) => (r.result as MemcpyResult).ok)).toEqual([true, true, true, true]);
    expect(r0.rows.map((r) => (r.result as MemcpyResult).descriptors)).toEqual([1, 16, undefined, undefined]);
  }, 30_000);
});
