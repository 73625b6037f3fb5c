// A device's coherent pool from a /reserved-memory shared-dma-pool (rmem_dma_device_init):
// dma_alloc_coherent hands out its pages, first fit and 2^order aligned, the CPU (through the
// write-combined memremap) and the PL330 agree on the bytes, and a full pool gives NULL
// without falling back to the page allocator.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { of_reserved_mem_device_init, of_reserved_mem_device_release } from "../../src/of/reserved-mem.js";
import { dma_alloc_coherent, dma_free_coherent } from "../../src/dma/mapping.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { dma_request_chan_by_mask, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_sync_wait } from "../../src/dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_MEMCPY } from "../../src/dmaengine/types.js";
import { zynqWithReservedMemory } from "../helpers/reserved-memory-board.js";

// The pool the board below declares: 1 MiB at 256 MiB, 256 pages.
const POOL_BASE = 0x10000000;
const POOL_SIZE = 0x100000;
const POOL_PAGES = POOL_SIZE / 4096;

const DTS = zynqWithReservedMemory({
  reserved: `dma_pool: pool@10000000 { compatible = "shared-dma-pool"; reg = <0x10000000 0x100000>; no-map; };`,
  dmacProps: "memory-region = <&dma_pool>;",
  model: "shared-dma-pool test",
});

const inPool = (dma: number) => dma >= POOL_BASE && dma < POOL_BASE + POOL_SIZE;

async function boot(kernel?: "v4.9") {
  const s = await createSystem({ dts: DTS, kernel });
  const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
  const dev = chan.device.dev;
  expect(of_reserved_mem_device_init(dev)).toBe(0);
  return { s, chan, dev };
}

describe("dma_alloc_coherent from a shared-dma-pool", () => {
  it("hands out the pool's pages first fit, and the CPU and a PL330 copy agree on the bytes", async () => {
    const { s, chan, dev } = await boot();
    const a = dma_alloc_coherent(dev, 65536, GFP_KERNEL)!;
    const b = dma_alloc_coherent(dev, 65536, GFP_KERNEL)!;
    expect([a.dmaAddr, b.dmaAddr]).toEqual([POOL_BASE, POOL_BASE + 0x10000]);
    expect(s.cpu.read(b.cpuAddr, 65536)).toEqual(new Uint8Array(65536));
    const data = Uint8Array.from({ length: 65536 }, (_, i) => (i * 7 + (i >> 9)) & 0xff);
    s.cpu.write(a.cpuAddr, data);
    const cookie = dmaengine_submit(dmaengine_prep_dma_memcpy(chan, b.dmaAddr, a.dmaAddr, 65536, 0)!);
    expect(dma_sync_wait(chan, cookie)).toBe(DMA_COMPLETE);
    expect(s.cpu.read(b.cpuAddr, 65536)).toEqual(data);
    expect(s.machine.backdoor.read(POOL_BASE + 0x10000, 65536)).toEqual(data);
  });

  it("a full pool gives NULL and does not fall back to the page allocator (modern and 4.9)", async () => {
    for (const kernel of [undefined, "v4.9"] as const) {
      const { s, dev } = await boot(kernel);
      expect(dma_alloc_coherent(dev, POOL_SIZE + 4096, GFP_KERNEL)).toBeNull();
      const first = dma_alloc_coherent(dev, 8192, GFP_KERNEL)!;
      let pages = 2;
      for (let b; (b = dma_alloc_coherent(dev, 4096, GFP_KERNEL)); pages++) expect(inPool(b.dmaAddr)).toBe(true);
      expect(pages).toBe(POOL_PAGES);
      const free = s.kernel.mm.buddy.freePageCount;
      expect(dma_alloc_coherent(dev, 4096, GFP_KERNEL)).toBeNull();
      expect(s.kernel.mm.buddy.freePageCount).toBe(free);
      dma_free_coherent(dev, 8192, first.cpuAddr, first.dmaAddr);
      expect(dma_alloc_coherent(dev, 8192, GFP_KERNEL)!.dmaAddr).toBe(POOL_BASE);
    }
  });

  it("the pool outlives a release: the device gets it back with what it held still held", async () => {
    const { dev } = await boot();
    const a = dma_alloc_coherent(dev, 4096, GFP_KERNEL)!;
    of_reserved_mem_device_release(dev);
    expect(inPool(dma_alloc_coherent(dev, 4096, GFP_KERNEL)!.dmaAddr)).toBe(false);
    expect(of_reserved_mem_device_init(dev)).toBe(0);
    expect(a.dmaAddr).toBe(POOL_BASE);
    expect(dma_alloc_coherent(dev, 4096, GFP_KERNEL)!.dmaAddr).toBe(POOL_BASE + 4096);
  });
});

describe("arm64", () => {
  /** 1 GiB at 1 GiB with `pool` in /reserved-memory; the PL330's memory-region names it. */
  const arm64Dts = (pool: string) => `/dts-v1/;
/ {
	#address-cells = <2>; #size-cells = <2>;
	compatible = "dmasim,arm64-ref"; model = "arm64 shared-dma-pool test"; interrupt-parent = <&gic>;
	memory@40000000 { device_type = "memory"; reg = <0x0 0x40000000 0x0 0x40000000>; };
	cpus { #address-cells = <1>; #size-cells = <0>; cpu@0 { device_type = "cpu"; compatible = "arm,cortex-a53"; reg = <0>; }; };
	reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges; ${pool} };
	soc {
		compatible = "simple-bus"; #address-cells = <2>; #size-cells = <2>; ranges;
		gic: interrupt-controller@fee00000 { compatible = "arm,gic-400"; #interrupt-cells = <3>; interrupt-controller; reg = <0x0 0xfee00000 0x0 0x10000>, <0x0 0xfef00000 0x0 0x10000>; };
		dma-controller@ff6e0000 {
			compatible = "arm,pl330", "arm,primecell"; reg = <0x0 0xff6e0000 0x0 0x4000>; interrupts = <0 7 4>, <0 8 4>;
			#dma-cells = <1>; memory-region = <&pool>;
		};
	};
};
`;

  it("a no-map pool at 0x60000000 (2 MiB) serves the device; the linear map has a hole there", async () => {
    const s = await createSystem({ dts: arm64Dts(`pool: pool@60000000 { compatible = "shared-dma-pool"; reg = <0x0 0x60000000 0x0 0x200000>; no-map; };`) });
    const dev = s.device("ff6e0000.dma-controller");
    expect(of_reserved_mem_device_init(dev)).toBe(0);
    const buf = dma_alloc_coherent(dev, 3 * 4096, GFP_KERNEL)!;
    expect(buf.dmaAddr).toBe(0x60000000);
    expect(s.machine.mmu.translate(s.kernel.mm.phys_to_virt(0x60000000))).toMatchObject({ fault: expect.any(Number) });
    expect(s.machine.mmu.translate(buf.cpuAddr)).toMatchObject({ pa: 0x60000000 });
  });

  it("a pool without no-map is System RAM: memremap refuses it and the device gets -EINVAL", async () => {
    const s = await createSystem({ dts: arm64Dts(`pool: pool@60000000 { compatible = "shared-dma-pool"; reg = <0x0 0x60000000 0x0 0x200000>; };`) });
    const dev = s.device("ff6e0000.dma-controller");
    expect(of_reserved_mem_device_init(dev)).toBe(-22);
    expect(s.dmesg()).toContain("memremap attempted on ram 0x60000000 size: 0x200000");
  });
});
