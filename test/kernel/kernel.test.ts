// Kernel options as a System takes them, and the boot the DMA layer depends on.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { GFP_ATOMIC, GFP_KERNEL } from "../../src/mm/gfp.js";
import { dma_alloc_coherent, dma_map_single } from "../../src/dma/mapping.js";
import { DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { dma_request_chan_by_mask, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_async_issue_pending } from "../../src/dmaengine/dmaengine.js";
import { dma_sync_wait, dmaengine_pause } from "../../src/dmaengine/transfer.js";
import { DMA_ERROR, DMA_MEMCPY, DMA_PREP_INTERRUPT } from "../../src/dmaengine/types.js";

describe("kernel options", () => {
  it("boots the generation asked for, modern by default", async () => {
    expect((await createSystem({ board: "arm64-ref" })).kernel.version).toBe("modern");
    const old = await createSystem({ board: "arm64-ref", kernel: "v4.9" });
    expect(old.kernel.version).toBe("v4.9");
    expect(old.dmesg()).toContain("Booting Linux (dmasim, v4.9 DMA behaviour)");
  });

  it("swiotlb: the size option, and none at all on modern arm64 (kmalloc stays 64-byte aligned)", async () => {
    const big = await createSystem({ board: "arm64-ref", swiotlb: { size: 4 << 20 } });
    expect(big.kernel.dma.swiotlb!.nslabs).toBe(2048);
    const none = await createSystem({ board: "arm64-ref", swiotlb: { size: 0 } });
    expect(none.kernel.dma.swiotlb).toBeNull();
    const a = none.kernel.kmalloc(8, GFP_KERNEL);
    expect(Math.abs(none.kernel.kmalloc(8, GFP_KERNEL) - a)).toBe(64);
    expect((await createSystem({ board: "zynq-7000" })).kernel.dma.swiotlb).toBeNull();
  });

  it("swiotlb force bounces every streaming mapping", async () => {
    const s = await createSystem({ board: "arm64-ref", swiotlb: { force: true, size: 1 << 20 } });
    const dev = s.device("ff6e0000.dma-controller");
    const dma = dma_map_single(dev, s.kernel.kmalloc(4096, GFP_KERNEL), 4096, DMA_TO_DEVICE);
    expect(s.kernel.dma.swiotlb!.is_swiotlb_buffer(dma)).toBe(true);
  });

  it("coherent_pool sets the atomic pool size", async () => {
    const s = await createSystem({ board: "zynq-7000", coherentPool: 64 * 1024 });
    expect(s.dmesg()).toContain("DMA: preallocated 64 KiB pool for atomic coherent allocations");
    const dev = s.device("f8003000.dma-controller");
    expect(dma_alloc_coherent(dev, 64 * 1024, GFP_ATOMIC)).not.toBeNull();
    expect(dma_alloc_coherent(dev, 4096, GFP_ATOMIC)).toBeNull();
    expect(s.dmesg()).toContain("ERROR: 64 KiB atomic DMA coherent pool is too small!");
  });
});

describe("the boot task", () => {
  it("has a THREAD_SIZE stack: linear in 4.9 and on arm, vmalloc'ed (VMAP_STACK) on modern arm64", async () => {
    const old = await createSystem({ board: "arm64-ref", kernel: "v4.9" });
    expect([old.kernel.current.size, old.kernel.current.vmapped, old.kernel.mm.isLinear(old.kernel.current.stack)]).toEqual([16384, false, true]);
    const z = await createSystem({ board: "zynq-7000" });
    expect([z.kernel.current.size, z.kernel.current.vmapped]).toEqual([8192, false]);
    const m = await createSystem({ board: "arm64-ref" });
    expect([m.kernel.current.vmapped, m.kernel.mm.isVmalloc(m.kernel.current.stack)]).toEqual([true, true]);
    expect(m.kernel.current.pages).toHaveLength(4);
  });
});

describe("binding drivers", () => {
  it("device_bind_driver names the driver in messages; device_release_driver unbinds", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const dev = s.device("e0001000.serial");
    expect(dev.driverString()).toBe("platform");
    s.kernel.device_bind_driver(dev, "xuartps");
    expect(dev.driverString()).toBe("xuartps");
    s.kernel.device_release_driver(dev);
    expect(dev.driverString()).toBe("platform");
  });
});

describe("waiting in simulated time", () => {
  it("a wait that nothing can end lasts to its deadline, as wait_event_timeout does", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const t0 = s.now();
    expect(s.kernel.waitEvent(() => false, 1e9)).toBe(false);
    expect(s.now() - t0).toBe(1e9);
  });

  it("dma_sync_wait on a transfer queued behind a paused one logs its timeout 5 s of simulated time later", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
    const src = dma_alloc_coherent(chan.device.dev, 1 << 20, GFP_KERNEL)!;
    const dst = dma_alloc_coherent(chan.device.dev, 1 << 20, GFP_KERNEL)!;
    const tx = dmaengine_prep_dma_memcpy(chan, dst.dmaAddr, src.dmaAddr, 1 << 20, DMA_PREP_INTERRUPT)!;
    dmaengine_submit(tx);
    dma_async_issue_pending(chan);
    expect(dmaengine_pause(chan)).toBe(0);
    // pl330 never starts work queued behind a paused transfer (its slot still counts as
    // running), so nothing can end this wait but the deadline.
    const behind = dmaengine_submit(dmaengine_prep_dma_memcpy(chan, dst.dmaAddr, src.dmaAddr, 4096, DMA_PREP_INTERRUPT)!);
    const t0 = s.now();
    expect(dma_sync_wait(chan, behind)).toBe(DMA_ERROR);
    // 5 s (dmaengine.c's dma_sync_wait_timeout) in picoseconds, plus the register reads of
    // issue_pending and the status checks around the sleep (under a microsecond).
    expect(s.now() - t0).toBeGreaterThanOrEqual(5e12);
    expect(s.now() - t0).toBeLessThan(5e12 + 1e6);
    expect(s.dmesg()).toContain("dma_sync_wait: timeout!");
  });
});
