// Coherent allocations by path (spec dma-api §3.2, §5): where the pages come from, how much of
// the buddy block stays allocated, what the CPU mapping is, atomic pools, attributes, and what
// freeing does.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import {
  dma_alloc_attrs, dma_alloc_coherent, dma_free_attrs, dma_free_coherent, dma_zalloc_coherent, dma_declare_coherent_memory,
  dma_set_coherent_mask,
} from "../../src/dma/mapping.js";
import { DMA_ATTR_NO_KERNEL_MAPPING, DMA_ATTR_WRITE_COMBINE } from "../../src/dma/constants.js";
import { GFP_ATOMIC, GFP_DMA, GFP_KERNEL, __GFP_COMP, __GFP_NOWARN } from "../../src/mm/gfp.js";

const NC = 1; // MEMTYPE "Normal NC" in mmuLastAttr
const WB = 0;

describe("4.9 arm64 (__dma_alloc over swiotlb_alloc_coherent)", () => {
  it("keeps the whole 2^order block, flushes the alias and remaps it Normal-NC", async () => {
    const s = await createSystem({ board: "arm64-ref", kernel: "v4.9" });
    const dev = s.device("ff6e0000.dma-controller");
    const buf = dma_alloc_coherent(dev, 5 * 4096, GFP_KERNEL)!;
    const pfn = buf.dmaAddr / 4096;
    expect(s.kernel.mm.buddy.allocatedOrder(pfn)).toBe(3); // 8 pages for 5: not trimmed
    expect(s.machine.mmu.translate(buf.cpuAddr)).toEqual({ pa: buf.dmaAddr, attr: NC });
    expect(s.machine.mmu.translate(s.kernel.mm.phys_to_virt(buf.dmaAddr))).toMatchObject({ attr: WB });
    expect(s.kernel.mm.vmallocinfo()).toMatch(/ 24576 user$/m); // VM_USERMAP, no caller
    for (let off = 0; off < 5 * 4096; off += 64) expect(s.machine.backdoor.lineState(1, buf.dmaAddr + off)).toBe(0);
    dma_free_coherent(dev, 5 * 4096, buf.cpuAddr, buf.dmaAddr);
    expect(s.kernel.mm.buddy.allocatedOrder(pfn)).toBe(-1);
  });

  it("takes ZONE_DMA for a 32-bit coherent mask; with ZONE_DMA used up, a swiotlb region", async () => {
    const s = await createSystem({ board: "arm64-highmem", kernel: "v4.9" });
    const dev = s.device("ff6e0000.dma-controller");
    const mm = s.kernel.mm;
    expect(dma_alloc_coherent(dev, 4096, GFP_KERNEL)!.dmaAddr).toBeLessThan(2 ** 32);
    while (mm.alloc_pages(GFP_DMA | __GFP_NOWARN, 0) >= 0);
    const buf = dma_alloc_coherent(dev, 8192, GFP_KERNEL)!;
    const tlb = s.kernel.dma.swiotlb!;
    expect(buf.dmaAddr >= tlb.start && buf.dmaAddr < tlb.end).toBe(true);
    expect(tlb.usage().used).toBe(4);
    expect(s.cpu.read(buf.cpuAddr, 8192)).toEqual(new Uint8Array(8192));
    dma_free_coherent(dev, 8192, buf.cpuAddr, buf.dmaAddr);
    expect(tlb.usage().used).toBe(0);
    // A 64-bit coherent mask: the pages come from anywhere (ZONE_NORMAL is above 4 GB).
    expect(dma_set_coherent_mask(dev, 0xffffffffffffffffn)).toBe(0);
    expect(dma_alloc_coherent(dev, 4096, GFP_KERNEL)!.dmaAddr).toBeGreaterThanOrEqual(2 ** 32);
  });

  it("serves GFP_ATOMIC from the 256 KB atomic pool, order-aligned, and gives NULL when it is used up", async () => {
    const s = await createSystem({ board: "arm64-ref", kernel: "v4.9" });
    const dev = s.device("ff6e0000.dma-controller");
    const pool = s.kernel.dma.legacyPool!;
    const a = dma_alloc_coherent(dev, 4096, GFP_ATOMIC)!;
    const b = dma_alloc_coherent(dev, 3 * 4096, GFP_ATOMIC)!;
    expect(pool.has(a.cpuAddr, 4096) && pool.has(b.cpuAddr, 3 * 4096)).toBe(true);
    expect((b.cpuAddr - a.cpuAddr) % (4 * 4096)).toBe(0); // 3 pages → 4-page alignment
    expect(s.machine.mmu.translate(b.cpuAddr)).toEqual({ pa: b.dmaAddr, attr: NC });
    expect(dma_alloc_coherent(dev, 256 * 1024, GFP_ATOMIC)).toBeNull();
    dma_free_coherent(dev, 4096, a.cpuAddr, a.dmaAddr);
    expect(pool.pool.avail).toBe(256 * 1024 - 3 * 4096);
  });
});

describe("modern dma-direct", () => {
  it("cleans the alias, remaps with VM_DMA_COHERENT and zeroes through the remap", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const dev = s.device("ff6e0000.dma-controller");
    const buf = dma_alloc_coherent(dev, 4096, GFP_KERNEL)!;
    expect(s.machine.mmu.translate(buf.cpuAddr)).toEqual({ pa: buf.dmaAddr, attr: NC });
    expect(s.machine.backdoor.read(buf.dmaAddr, 4096)).toEqual(new Uint8Array(4096));
    expect(s.kernel.mm.vmallocinfo()).toMatch(/8192 dma_common_contiguous_remap dma-coherent$/m);
  });

  it("remaps DMA_ATTR_WRITE_COMBINE Normal-NC too: a CPU store reaches DRAM with no cache maintenance", async () => {
    // arm64 pgprot_writecombine is MT_NORMAL_NC, the same memory type as pgprot_dmacoherent.
    const s = await createSystem({ board: "arm64-ref" });
    const dev = s.device("ff6e0000.dma-controller");
    const buf = dma_alloc_attrs(dev, 4096, GFP_KERNEL, DMA_ATTR_WRITE_COMBINE)!;
    expect(s.machine.mmu.translate(buf.cpuAddr)).toEqual({ pa: buf.dmaAddr, attr: NC });
    const data = Uint8Array.from({ length: 256 }, (_, i) => (i * 7 + 3) & 0xff);
    s.cpu.write(buf.cpuAddr + 512, data);
    expect(s.machine.backdoor.read(buf.dmaAddr + 512, 256)).toEqual(data);
  });

  it("takes GFP_ATOMIC from the atomic pools (128 KB per GB, min 128 KB) and refills them", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const dev = s.device("ff6e0000.dma-controller");
    const pools = s.kernel.dma.modernPools!;
    expect(pools.size).toBe(128 * 1024);
    expect(s.dmesg()).toContain("DMA: preallocated 128 KiB GFP_KERNEL|GFP_DMA pool for atomic allocations");
    // The device's 32-bit coherent mask selects the DMA pool.
    const a = dma_alloc_coherent(dev, 64 * 1024, GFP_ATOMIC)!;
    expect(pools.dma!.has(a.cpuAddr, 64 * 1024)).toBe(true);
    // Its free space fell below the initial size: the pool worker doubled it.
    expect(pools.dma!.pool.size).toBe(256 * 1024);
  });

  it("returns the page as the cookie with DMA_ATTR_NO_KERNEL_MAPPING", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const dev = s.device("ff6e0000.dma-controller");
    const before = s.kernel.mm.vmallocinfo();
    const buf = dma_alloc_attrs(dev, 8192, GFP_KERNEL, DMA_ATTR_NO_KERNEL_MAPPING)!;
    expect(buf.cpuAddr).toBe(buf.dmaAddr / 4096);
    expect(s.kernel.mm.vmallocinfo()).toBe(before);
    dma_free_attrs(dev, 8192, buf.cpuAddr, buf.dmaAddr, DMA_ATTR_NO_KERNEL_MAPPING);
    expect(s.kernel.mm.buddy.allocatedOrder(buf.cpuAddr)).toBe(-1);
  });

  it("warns and refuses __GFP_COMP; strips caller zone flags", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const dev = s.device("ff6e0000.dma-controller");
    expect(dma_alloc_coherent(dev, 4096, GFP_KERNEL | __GFP_COMP)).toBeNull();
    expect(s.dmesg()).toContain("__GFP_COMP is not allowed");
  });

  it("gives a coherent device its cacheable linear address and does no cache maintenance", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const dev = s.device("ff1a0000.serial");
    dev.dma_coherent = true;
    const t0 = s.kernel.dma.time.maintainedBytes;
    const buf = dma_alloc_coherent(dev, 4096, GFP_KERNEL)!;
    expect(buf.cpuAddr).toBe(s.kernel.mm.phys_to_virt(buf.dmaAddr));
    expect(s.machine.mmu.translate(buf.cpuAddr)).toMatchObject({ attr: WB });
    expect(s.kernel.dma.time.maintainedBytes).toBe(t0);
  });
});

describe("arm (Zynq)", () => {
  it("frees the excess pages of the block and remaps with pgprot_dmacoherent or writecombine", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel: "v4.9" });
    const dev = s.device("f8003000.dma-controller");
    const free0 = s.kernel.mm.buddy.freePageCount;
    const buf = dma_alloc_attrs(dev, 5 * 4096, GFP_KERNEL, DMA_ATTR_WRITE_COMBINE)!;
    expect(free0 - s.kernel.mm.buddy.freePageCount).toBe(5); // not 8: the tail went back
    expect(s.machine.mmu.translate(buf.cpuAddr)).toEqual({ pa: buf.dmaAddr, attr: NC });
    expect(s.kernel.mm.vmallocinfo()).toMatch(/24576 arm_dma_alloc user$/m);
    dma_free_attrs(dev, 5 * 4096, buf.cpuAddr, buf.dmaAddr, DMA_ATTR_WRITE_COMBINE);
    expect(s.kernel.mm.buddy.freePageCount).toBe(free0);
  });

  it("refuses an unset coherent mask and says which", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel: "v4.9" });
    const dev = s.device("e0001000.serial");
    dev.coherent_dma_mask = 0n;
    expect(dma_alloc_coherent(dev, 4096, GFP_KERNEL)).toBeNull();
    expect(s.dmesg()).toContain("platform e0001000.serial: coherent DMA mask is unset");
  });

  it("warns about freeing a buffer it never handed out (\"Freeing invalid buffer\")", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel: "v4.9" });
    const dev = s.device("f8003000.dma-controller");
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    dma_free_coherent(dev, 4096, va, s.kernel.mm.virt_to_phys(va));
    expect(s.dmesg()).toMatch(/WARNING: Freeing invalid buffer [c-d][0-9a-f]{7}/);
    expect(s.kernel.kmalloc(64, GFP_KERNEL)).not.toBe(0); // still running
  });
});

describe("the API around the allocators", () => {
  it("dma_zalloc_coherent returns zeroed memory like dma_alloc_coherent", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel: "v4.9" });
    const dev = s.device("f8003000.dma-controller");
    const a = dma_alloc_coherent(dev, 4096, GFP_KERNEL)!;
    s.cpu.fill(a.cpuAddr, 0xee, 4096);
    dma_free_coherent(dev, 4096, a.cpuAddr, a.dmaAddr);
    const b = dma_zalloc_coherent(dev, 4096, GFP_KERNEL)!;
    expect(s.cpu.read(b.cpuAddr, 4096)).toEqual(new Uint8Array(4096));
  });

  it("serves a device with declared coherent memory from that region first, 2^order aligned", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const dev = s.device("e0001000.serial");
    expect(dma_declare_coherent_memory(dev, 0xfffc0000, 0xfffc0000, 0x10000)).toBe(0); // the OCM
    const a = dma_alloc_coherent(dev, 4096, GFP_KERNEL)!;
    const b = dma_alloc_coherent(dev, 8192, GFP_KERNEL)!;
    expect([a.dmaAddr, b.dmaAddr]).toEqual([0xfffc0000, 0xfffc2000]);
    s.cpu.write(b.cpuAddr, Uint8Array.of(1, 2, 3));
    expect(s.machine.backdoor.read(0xfffc2000, 3)).toEqual(Uint8Array.of(1, 2, 3)); // write-combined, not cached
    dma_free_coherent(dev, 4096, a.cpuAddr, a.dmaAddr);
    expect(dma_alloc_coherent(dev, 4096, GFP_KERNEL)!.dmaAddr).toBe(0xfffc0000);
  });
});

describe("freeing twice", () => {
  it("modern arm64: the second free warns (vunmap of nothing, a page count below zero) and the System goes on", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const dev = s.device("ff6e0000.dma-controller");
    const buf = dma_alloc_coherent(dev, 4096, GFP_KERNEL)!;
    dma_free_coherent(dev, 4096, buf.cpuAddr, buf.dmaAddr);
    const free = s.kernel.mm.buddy.freePageCount;
    dma_free_coherent(dev, 4096, buf.cpuAddr, buf.dmaAddr);
    expect(s.dmesg()).toMatch(/WARNING: vunmap: Trying to vunmap\(\) nonexistent vm area \(ffffffc0[0-9a-f]{8}\)/);
    expect(s.dmesg()).toMatch(/dmasim: WARNING: __free_pages: pfn:[0-9a-f]{5,} order 0 is a free page \(double free\): its refcount is now -1/);
    expect(s.kernel.mm.buddy.freePageCount).toBe(free);
    expect(dma_alloc_coherent(dev, 4096, GFP_KERNEL)).not.toBeNull();
  });

  it("with DMA-API debug the second free is reported first", async () => {
    const s = await createSystem({ board: "arm64-ref", dmaDebug: true });
    const dev = s.device("ff6e0000.dma-controller");
    const buf = dma_alloc_coherent(dev, 4096, GFP_KERNEL)!;
    dma_free_coherent(dev, 4096, buf.cpuAddr, buf.dmaAddr);
    dma_free_coherent(dev, 4096, buf.cpuAddr, buf.dmaAddr);
    expect(s.kernel.dma.debug.reports).toEqual([
      `DMA-API: dma-pl330 ff6e0000.dma-controller: device driver tries to free DMA memory it has not allocated [device address=0x${buf.dmaAddr.toString(16).padStart(16, "0")}] [size=4096 bytes]`,
    ]);
  });
});

describe("modern dma-direct: the coherent mask is inclusive", () => {
  it("a page whose last byte is the mask's last address is kept, not retried lower", async () => {
    // dma_coherent_ok (kernel/dma/direct.c): dma_addr + size - 1 <= min_not_zero(coherent mask,
    // bus limit). The buddy allocator hands back the page just freed (LIFO), so a mask ending
    // at that page's last byte must give exactly that page; only one byte less would send
    // __dma_direct_alloc_pages on to ZONE_DMA32.
    const s = await createSystem({ board: "arm64-highmem" });
    const dev = s.device("ff6e0000.dma-controller");
    const mm = s.kernel.mm;
    const pfn = mm.alloc_pages(GFP_KERNEL, 0);
    mm.__free_pages(pfn, 0);
    const end = pfn * 4096 + 4095;
    expect(end).toBeGreaterThan(2 ** 32); // a page of the high bank: no zone modifier applies
    expect(dma_set_coherent_mask(dev, BigInt(end))).toBe(0);
    const buf = dma_alloc_coherent(dev, 4096, GFP_KERNEL)!;
    expect(buf.dmaAddr).toBe(pfn * 4096);
    dma_free_coherent(dev, 4096, buf.cpuAddr, buf.dmaAddr);
    expect(dma_set_coherent_mask(dev, BigInt(end - 1))).toBe(0);
    const low = dma_alloc_coherent(dev, 4096, GFP_KERNEL)!;
    expect(low.dmaAddr + 4095).toBeLessThanOrEqual(end - 1);
  });
});

describe("modern dma_alloc_attrs: the caller's zone modifiers", () => {
  it("are dropped: the coherent mask alone chooses the zone", async () => {
    // kernel/dma/mapping.c dma_alloc_attrs: flag &= ~(__GFP_DMA | __GFP_DMA32 | __GFP_HIGHMEM).
    // With a 64-bit coherent mask on arm64-highmem a GFP_DMA request still gets a page of the
    // high bank (ZONE_NORMAL, above 4 GiB), as GFP_KERNEL alone does.
    const s = await createSystem({ board: "arm64-highmem" });
    const dev = s.device("ff6e0000.dma-controller");
    expect(dma_set_coherent_mask(dev, 0xffffffffffffffffn)).toBe(0);
    const buf = dma_alloc_coherent(dev, 4096, GFP_KERNEL | GFP_DMA)!;
    expect(buf.dmaAddr).toBeGreaterThan(0xffffffff);
  });
});
