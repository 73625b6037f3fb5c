// ARMv7 cores with an integrated L2 (Cortex-A7/A15/A17): the profile comes from the CPU
// compatible, the L2's size from the tree's cache node (else the core's typical size, noted in
// board.assumed), maintenance by VA reaches the L2, and no PL310 is ever written.

import { describe, expect, it, vi } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createSystem } from "../../src/create.js";
import { dmatest } from "../../src/dmaengine/dmatest.js";
import { dma_alloc_coherent, dma_map_single, dma_sync_single_for_cpu, dma_unmap_single } from "../../src/dma/mapping.js";
import { dma_request_chan_by_mask, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_sync_wait } from "../../src/dmaengine/dmaengine.js";
import { DMA_MEMCPY, DMA_COMPLETE } from "../../src/dmaengine/types.js";
import { DMA_BIDIRECTIONAL } from "../../src/arch/dma-maintenance.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";

const RK3288 = fileURLToPath(new URL("../../examples/boards/rk3288-like.dts", import.meta.url));
const source = readFileSync(RK3288, "utf8");
const l2Props = `			cache-size = <0x100000>;
			cache-sets = <1024>;
			cache-line-size = <64>;
`;

describe("integrated-L2 ARMv7 profiles", () => {
  it("takes a Cortex-A12/A17 board's L2 from its cache node: 1 MiB / (1024 sets × 64 B) = 16 ways", async () => {
    const s = await createSystem({ dts: source, dtsName: RK3288 });
    expect(s.board.profile.name).toBe("cortex-a17");
    expect(s.board.profile.arch).toBe("arm");
    expect(s.board.profile.l1d).toEqual({ sizeBytes: 32768, ways: 4, lineBytes: 64, replacement: "lru" });
    expect(s.board.profile.l2).toMatchObject({ sizeBytes: 1048576, ways: 16, lineBytes: 64, outer: false });
    expect(s.board.outerCache).toBeUndefined();
    expect(s.board.assumed[0]).toBe("L2 from /cpus/l2-cache: 1 MiB, 16-way (ways from cache-sets)");
    s.dispose();
  });

  it("derives the ways from cache-sets: 512 KiB / (1024 × 64) = 8", async () => {
    const dts = source.replace("cache-size = <0x100000>;", "cache-size = <0x80000>;");
    const s = await createSystem({ dts, dtsName: RK3288 });
    expect(s.board.profile.l2).toMatchObject({ sizeBytes: 524288, ways: 8 });
    s.dispose();
  });

  it("assumes the core's typical L2 when the cache node gives no size, and says so", async () => {
    const s = await createSystem({ dts: source.replace(l2Props, ""), dtsName: RK3288 });
    expect(s.board.profile.l2).toMatchObject({ sizeBytes: 1048576, ways: 16 });
    expect(s.board.assumed[0]).toBe("L2 size assumed: the cortex-a17 profile's typical 1 MiB 16-way L2 (/cpus/l2-cache has no cache-size)");
    s.dispose();
  });

  it("keeps the typical L2 when the node's size gives a set count the model cannot build, and says why", async () => {
    // 192 KiB in the A17's 16 ways of 64 B: 196608 / 1024 = 192 sets, not a power of two.
    const dts = source.replace(l2Props, "\t\t\tcache-size = <0x30000>;\n");
    const s = await createSystem({ dts, dtsName: RK3288 });
    expect(s.board.profile.l2).toMatchObject({ sizeBytes: 1048576, ways: 16 });
    expect(s.board.assumed[0]).toBe(
      "L2 size assumed: the cortex-a17 profile's typical 1 MiB 16-way L2 (/cpus/l2-cache's 192 KiB in 16 ways of 64-byte lines is 192 sets, and the model needs a power of two)",
    );
    s.dispose();
  });

  it("picks cortex-a7 and cortex-a15 from their CPU compatibles, with their TRM geometry", async () => {
    const a7 = await createSystem({ dts: source.replaceAll("arm,cortex-a12", "arm,cortex-a7").replace(l2Props, ""), dtsName: RK3288 });
    expect(a7.board.profile.name).toBe("cortex-a7");
    expect(a7.board.profile.l1d).toMatchObject({ sizeBytes: 32768, ways: 4, lineBytes: 64 });
    expect(a7.board.profile.l2).toMatchObject({ sizeBytes: 524288, ways: 8, lineBytes: 64, outer: false });
    expect(a7.board.profile.tlb).toEqual({ entries: 256, ways: 2 });
    a7.dispose();
    const a15 = await createSystem({ dts: source.replaceAll("arm,cortex-a12", "arm,cortex-a15"), dtsName: RK3288 });
    expect(a15.board.profile.name).toBe("cortex-a15");
    expect(a15.board.profile.l1d).toMatchObject({ ways: 2, lineBytes: 64 });
    expect(a15.board.profile.l2).toMatchObject({ sizeBytes: 1048576, ways: 16 });
    a15.dispose();
  });

  it("copies right with memcpy DMA on both PL330s", async () => {
    const s = await createSystem({ dts: source, dtsName: RK3288 });
    const r = dmatest(s, { iterations: 3, channels: ["dma0chan0", "dma1chan0"] });
    expect(r.threads.map((t) => [t.channel, t.tests, t.failures])).toEqual([["dma0chan0", 3, 0], ["dma1chan0", 3, 0]]);
    s.dispose();
  });

  it("leaves a line held only in L2 stale after a non-coherent PL330 write, until dma_sync_single_for_cpu; no PL310 writes", async () => {
    const s = await createSystem({ dts: source, dtsName: RK3288 });
    const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
    const dev = chan.device.dev;
    const src = dma_alloc_coherent(dev, 4096, GFP_KERNEL)!;
    s.cpu.fill(src.cpuAddr, 0x5a, 4096);
    const buf = s.kernel.kmalloc(4096, GFP_KERNEL);
    s.cpu.fill(buf, 0x11, 4096);
    const store = vi.spyOn(s.machine.cpu, "store");
    const series = vi.spyOn(s.machine.cpu, "writeSeries");
    const handle = dma_map_single(dev, buf, 4096, DMA_BIDIRECTIONAL); // cleans: DRAM holds 0x11
    const maintenanceStores = store.mock.calls.length + series.mock.calls.length;
    // 64 KiB of other reads push buf's 64 lines out of the 32 KiB LRU L1 into the L2.
    const other = s.kernel.kmalloc(65536, GFP_KERNEL);
    s.cpu.read(other, 65536);
    const lines = s.machine.backdoor.cacheLines(buf, 4096);
    expect(lines.filter((l) => l.l1 === "invalid" && l.l2 === "clean")).toHaveLength(64);

    const tx = dmaengine_prep_dma_memcpy(chan, handle, src.dmaAddr, 4096, 0)!;
    expect(dma_sync_wait(chan, dmaengine_submit(tx))).toBe(DMA_COMPLETE);
    expect(s.machine.backdoor.read(s.kernel.mm.virt_to_phys(buf), 4096)).toEqual(new Uint8Array(4096).fill(0x5a));
    expect(s.cpu.read(buf, 4096)).toEqual(new Uint8Array(4096).fill(0x11)); // stale, from L2

    store.mockClear();
    series.mockClear();
    dma_sync_single_for_cpu(dev, handle, 4096, DMA_BIDIRECTIONAL);
    expect(s.cpu.read(buf, 4096)).toEqual(new Uint8Array(4096).fill(0x5a));
    dma_unmap_single(dev, handle, 4096, DMA_BIDIRECTIONAL);
    expect([maintenanceStores, store.mock.calls.length, series.mock.calls.length]).toEqual([0, 0, 0]);
    expect(s.kernel.printk.grep("L2C-310")).toEqual([]);
    s.dispose();
  });
  it("ways from cache-sets only when the sets divide the size: 1 MiB over 1000 sets keeps the TRM's 16 ways (1024 sets)", async () => {
    const s = await createSystem({ dts: source.replace("cache-sets = <1024>;", "cache-sets = <1000>;"), dtsName: RK3288 });
    expect(s.board.profile.l2).toMatchObject({ sizeBytes: 1048576, ways: 16 });
    expect(s.board.assumed[0]).toBe("L2 from /cpus/l2-cache: 1 MiB, 16-way (ways assumed: the cortex-a17 TRM's)");
    s.dispose();
  });

  it("a cache-line-size equal to the profile's is taken silently; another is reported as ignored", async () => {
    const same = await createSystem({ dts: source, dtsName: RK3288 });
    expect(same.board.assumed.filter((n) => n.includes("cache-line-size"))).toEqual([]);
    same.dispose();
    const other = await createSystem({ dts: source.replace("cache-line-size = <64>;", "cache-line-size = <32>;"), dtsName: RK3288 });
    expect(other.board.assumed.filter((n) => n.includes("cache-line-size"))).toEqual([
      "/cpus/l2-cache: cache-line-size 32 ignored; the model keeps the cortex-a17 profile's 64-byte lines in both levels",
    ]);
    expect(other.board.profile.l2).toMatchObject({ lineBytes: 64 });
    other.dispose();
  });

  it("finds the cache node through the older l2-cache phandle as through next-level-cache", async () => {
    const s = await createSystem({ dts: source.replaceAll("next-level-cache = <&l2>;", "l2-cache = <&l2>;"), dtsName: RK3288 });
    expect(s.board.assumed[0]).toBe("L2 from /cpus/l2-cache: 1 MiB, 16-way (ways from cache-sets)");
    s.dispose();
  });

  it("a big.LITTLE tree takes the first listed CPU's profile (the boot CPU): cortex-a15 before cortex-a7", async () => {
    const dts = source.replace("arm,cortex-a12", "arm,cortex-a15").replace("arm,cortex-a12", "arm,cortex-a7");
    const s = await createSystem({ dts, dtsName: RK3288 });
    expect(s.board.profile.name).toBe("cortex-a15");
    s.dispose();
  });

  it("a PL310 (outer) L2 board takes nothing from cache nodes and notes no L2 assumption", async () => {
    const zynqDts = fileURLToPath(new URL("../../examples/boards/zynq-7000.dts", import.meta.url));
    const s = await createSystem({ dts: readFileSync(zynqDts, "utf8"), dtsName: zynqDts });
    expect(s.board.outerCache).toBeDefined();
    expect(s.board.assumed.filter((n) => n.includes("L2"))).toEqual([]);
    s.dispose();
  });
});
