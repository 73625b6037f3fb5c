// The DMA mapping API on a non-coherent SoC: where buffers land, what is in the caches after
// each call, and what a device (reading DRAM beneath the caches) sees.

import { describe, expect, it } from "vitest";
import { zynq, arm64, ZYNQ_DMAC, ARM64_DMAC } from "../helpers/system.js";
import { createSystem } from "../../src/create.js";
import {
  dma_alloc_coherent, dma_free_coherent, dma_map_single, dma_unmap_single, dma_mapping_error,
  dma_sync_single_for_cpu, dma_set_mask_and_coherent, dma_get_required_mask, dma_map_page, dma_unmap_page,
  dma_sync_single_range_for_cpu, dma_map_single_attrs,
} from "../../src/dma/mapping.js";
import { DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_MAPPING_ERROR, DMA_NONE, DMA_TO_DEVICE, DMA_BIT_MASK, DMA_ATTR_SKIP_CPU_SYNC } from "../../src/dma/constants.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { KernelBug, KernelError } from "../../src/kernel/errno.js";
import { formatVirt } from "../../src/hw/address.js";

const pat = (n: number, s = 3) => Uint8Array.from({ length: n }, (_, i) => (i * s + 1) & 0xff);

describe("dma_alloc_coherent on a non-coherent device", () => {
  it("zynq: a zeroed, non-cacheable remap in the vmalloc area of pages from the buddy allocator", async () => {
    const s = await zynq();
    const dev = s.device(ZYNQ_DMAC);
    const buf = dma_alloc_coherent(dev, 3000, GFP_KERNEL)!;
    const mm = s.kernel.mm;
    expect(buf.cpuAddr).toBeGreaterThanOrEqual(mm.layout.vmallocStart);
    expect(buf.cpuAddr).toBeLessThan(mm.layout.vmallocEnd);
    expect(buf.dmaAddr % 4096).toBe(0);
    const t = s.machine.mmu.translate(buf.cpuAddr);
    expect(t).toEqual({ pa: buf.dmaAddr, attr: 1 }); // Normal non-cacheable, PA = DMA address
    expect(s.cpu.read(buf.cpuAddr, 3000)).toEqual(new Uint8Array(3000));
    // CPU writes go straight to DRAM: a device sees them without any sync.
    s.cpu.write(buf.cpuAddr, pat(256));
    expect(s.machine.backdoor.read(buf.dmaAddr, 256)).toEqual(pat(256));
    // The cacheable linear alias holds no lines of the buffer.
    const alias = mm.phys_to_virt(buf.dmaAddr);
    expect(s.machine.mmu.translate(alias)).toMatchObject({ pa: buf.dmaAddr, attr: 0 });
    for (let off = 0; off < 4096; off += 32) expect(s.machine.backdoor.lineState(1, buf.dmaAddr + off)).toBe(0);
    const line = `${formatVirt(buf.cpuAddr, 32)}-${formatVirt(buf.cpuAddr + 8192, 32)}    8192 dma_common_contiguous_remap dma-coherent`;
    expect(s.kernel.mm.vmallocinfo()).toContain(line);
    dma_free_coherent(dev, 3000, buf.cpuAddr, buf.dmaAddr);
    // Freed lazily: listed as unpurged until enough has been freed to flush the TLB.
    expect(s.kernel.mm.vmallocinfo()).not.toContain(line);
    expect(s.kernel.mm.vmallocinfo()).toContain(`${formatVirt(buf.cpuAddr, 32)}-${formatVirt(buf.cpuAddr + 8192, 32)}    8192 unpurged vm_area`);
    // The PTEs are gone at once, so the old address now faults.
    expect(s.machine.mmu.walk(buf.cpuAddr)).toEqual({ fault: 1, level: 2 });
  });

  it("arm64: the buffer at 0xffffffc0… (modern vmalloc) maps Normal-NC 4 KB pages", async () => {
    const s = await arm64();
    const dev = s.device(ARM64_DMAC);
    const buf = dma_alloc_coherent(dev, 8192, GFP_KERNEL)!;
    expect(formatVirt(buf.cpuAddr)).toMatch(/^0xffffffc0[89a-f]/);
    expect(s.machine.mmu.translate(buf.cpuAddr + 4096)).toEqual({ pa: buf.dmaAddr + 4096, attr: 1 });
  });
});

describe("streaming mappings: cache maintenance by direction", () => {
  it("DMA_TO_DEVICE cleans: the device sees what the CPU wrote into its caches", async () => {
    const s = await zynq();
    const dev = s.device(ZYNQ_DMAC);
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    s.cpu.write(va, pat(4096));
    const pa = s.kernel.mm.virt_to_phys(va);
    expect(s.machine.backdoor.read(pa, 64)).not.toEqual(pat(64)); // still dirty in the caches
    const dma = dma_map_single(dev, va, 4096, DMA_TO_DEVICE);
    expect(dma_mapping_error(dev, dma)).toBe(0);
    expect(dma).toBe(pa);
    expect(s.machine.backdoor.read(pa, 4096)).toEqual(pat(4096));
    dma_unmap_single(dev, dma, 4096, DMA_TO_DEVICE);
  });

  it("DMA_FROM_DEVICE: the CPU sees device writes after unmap, stale data before", async () => {
    const s = await arm64();
    const dev = s.device(ARM64_DMAC);
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    s.cpu.fill(va, 0xaa, 4096);
    const dma = dma_map_single(dev, va, 4096, DMA_FROM_DEVICE);
    s.machine.backdoor.write(dma, pat(4096)); // the device writes DRAM
    // modern arm64 only cleans at map: the lines are still cached, so the CPU would read 0xaa.
    expect(s.cpu.read(va, 64)).toEqual(new Uint8Array(64).fill(0xaa));
    dma_unmap_single(dev, dma, 4096, DMA_FROM_DEVICE);
    expect(s.cpu.read(va, 4096)).toEqual(pat(4096));
  });

  it("edge lines of an unaligned FROM_DEVICE buffer are cleaned, not discarded", async () => {
    const s = await zynq();
    const dev = s.device(ZYNQ_DMAC);
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    s.cpu.fill(va, 0x11, 4096); // neighbour data, dirty in the caches
    const dma = dma_map_single(dev, va + 8, 100, DMA_FROM_DEVICE);
    // The partial first line (va .. va+31) was written back: its neighbour bytes reached DRAM.
    expect(s.machine.backdoor.read(dma - 8, 8)).toEqual(new Uint8Array(8).fill(0x11));
    dma_unmap_single(dev, dma, 100, DMA_FROM_DEVICE);
  });

  it("dma_sync_single_for_cpu hands a live mapping back to the CPU", async () => {
    const s = await zynq();
    const dev = s.device(ZYNQ_DMAC);
    const va = s.kernel.kmalloc(1024, GFP_KERNEL);
    const dma = dma_map_single(dev, va, 1024, DMA_BIDIRECTIONAL);
    s.cpu.read(va, 1024); // a buggy driver touches the buffer: lines cached again
    s.machine.backdoor.write(dma, pat(1024, 5));
    expect(s.cpu.read(va, 1024)).not.toEqual(pat(1024, 5));
    dma_sync_single_for_cpu(dev, dma, 1024, DMA_BIDIRECTIONAL);
    expect(s.cpu.read(va, 1024)).toEqual(pat(1024, 5));
  });

  it("an invalid direction is a kernel BUG", async () => {
    const s = await zynq();
    const dev = s.device(ZYNQ_DMAC);
    const va = s.kernel.kmalloc(64, GFP_KERNEL);
    expect(() => dma_map_single(dev, va, 64, DMA_NONE)).toThrow(KernelBug);
    expect(() => dma_map_single(dev, va, 64, 7 as never)).toThrow(/invalid DMA direction 7/);
  });

  it("a direction no C caller could pass (the constant's name as a string, undefined) is -EINVAL naming the constants", async () => {
    const s = await zynq();
    const dev = s.device(ZYNQ_DMAC);
    const va = s.kernel.kmalloc(64, GFP_KERNEL);
    const dma = dma_map_single(dev, va, 64, DMA_FROM_DEVICE);
    for (const call of [
      () => dma_map_single(dev, va, 64, "DMA_FROM_DEVICE" as never),
      () => dma_sync_single_for_cpu(dev, dma, 64, undefined as never),
      () => dma_unmap_single(dev, dma, 64, 1.5 as never),
    ]) {
      expect(call).toThrow(KernelError);
      expect(call).toThrow(/: dir .* is not an enum dma_data_direction \(the constants DMA_BIDIRECTIONAL 0, DMA_TO_DEVICE 1, DMA_FROM_DEVICE 2\)/);
    }
    expect(() => dma_map_single(dev, va, 64, "DMA_FROM_DEVICE" as never)).toThrow(/dma_map_single_attrs: dir "DMA_FROM_DEVICE" is not/);
    dma_unmap_single(dev, dma, 64, DMA_FROM_DEVICE);
  });

  it("a buffer beyond the device's mask fails with DMA_MAPPING_ERROR", async () => {
    const s = await arm64();
    const dev = s.device(ARM64_DMAC);
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    const pa = s.kernel.mm.virt_to_phys(va);
    dev.dma_mask = BigInt(pa - 1); // a device that cannot reach this buffer
    const dma = dma_map_single(dev, va, 4096, DMA_TO_DEVICE);
    expect(dma).toBe(DMA_MAPPING_ERROR);
    expect(dma_mapping_error(dev, dma)).toBe(-12);
    expect(s.kernel.printk.grep("overflow").length).toBe(1);
  });
});

describe("masks", () => {
  it("accepts a 32-bit mask and reports the required mask of the RAM", async () => {
    const s = await arm64();
    const dev = s.device(ARM64_DMAC);
    expect(dma_set_mask_and_coherent(dev, DMA_BIT_MASK(32))).toBe(0);
    expect(dev.coherent_dma_mask).toBe(0xffffffffn);
    // RAM ends at 0x7fffffff: the smallest all-ones mask covering it is 31 bits.
    expect(dma_get_required_mask(dev)).toBe(0x7fffffffn);
  });
});

describe("streaming mappings: per generation and attribute", () => {
  it("modern arm64 bounces a small unaligned kmalloc buffer the device may write", async () => {
    const s = await arm64();
    const dev = s.device(ARM64_DMAC);
    const tlb = s.kernel.dma.swiotlb!;
    const small = s.kernel.kmalloc(90, GFP_KERNEL); // kmalloc-96: shares 64-byte lines
    const line = s.kernel.kmalloc(40, GFP_KERNEL); // kmalloc-64: a line of its own
    expect(tlb.is_swiotlb_buffer(dma_map_single(dev, small, 90, DMA_FROM_DEVICE))).toBe(true);
    expect(tlb.is_swiotlb_buffer(dma_map_single(dev, small, 90, DMA_TO_DEVICE))).toBe(false);
    expect(tlb.is_swiotlb_buffer(dma_map_single(dev, line, 40, DMA_FROM_DEVICE))).toBe(false);
  });

  it("modern arm64 maps a zero-length FROM_DEVICE buffer in place, as kmalloc_size_roundup(0) is 0", async () => {
    const s = await arm64();
    const dev = s.device(ARM64_DMAC);
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    const d = dma_map_single(dev, va, 0, DMA_FROM_DEVICE);
    expect(d).toBe(s.kernel.mm.virt_to_phys(va));
    dma_unmap_single(dev, d, 0, DMA_FROM_DEVICE);
  });

  it("4.9 arm never fails a mapping, even beyond the mask", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel: "v4.9" });
    const dev = s.device(ZYNQ_DMAC);
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    dev.dma_mask = 0xfffn;
    expect(dma_map_single(dev, va, 4096, DMA_TO_DEVICE)).toBe(s.kernel.mm.virt_to_phys(va));
  });

  it("dma_map_page maps page + offset; sync ranges address a sub-range", async () => {
    const s = await zynq();
    const dev = s.device(ZYNQ_DMAC);
    const mm = s.kernel.mm;
    const pfn = mm.alloc_pages(GFP_KERNEL, 0);
    const va = mm.page_address(pfn);
    const dma = dma_map_page(dev, pfn, 256, 1024, DMA_FROM_DEVICE);
    expect(dma).toBe(pfn * 4096 + 256);
    s.cpu.read(va + 256, 1024); // a speculative read refills the lines
    s.machine.backdoor.write(dma + 512, pat(128, 9));
    dma_sync_single_range_for_cpu(dev, dma, 512, 128, DMA_FROM_DEVICE);
    expect(s.cpu.read(va + 256 + 512, 128)).toEqual(pat(128, 9));
    dma_unmap_page(dev, dma, 1024, DMA_FROM_DEVICE);
  });

  it("DMA_ATTR_SKIP_CPU_SYNC skips maintenance — except in the 4.9 arm64 swiotlb wrappers", async () => {
    for (const [kernel, maintained] of [["modern", 0], ["v4.9", 4096]] as const) {
      const s = await createSystem({ board: "arm64-ref", kernel });
      const dev = s.device(ARM64_DMAC);
      const va = s.kernel.kmalloc(4096, GFP_KERNEL);
      const t = s.kernel.dma.time;
      const before = t.maintainedBytes;
      dma_map_single_attrs(dev, va, 4096, DMA_TO_DEVICE, DMA_ATTR_SKIP_CPU_SYNC);
      expect(t.maintainedBytes - before).toBe(maintained);
    }
  });

  it("a coherent device gets no cache maintenance at all", async () => {
    const s = await arm64();
    const dev = s.device("ff1a0000.serial");
    dev.dma_coherent = true;
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    const t = s.kernel.dma.time;
    const before = t.maintainedBytes;
    dma_unmap_single(dev, dma_map_single(dev, va, 4096, DMA_BIDIRECTIONAL), 4096, DMA_BIDIRECTIONAL);
    expect(t.maintainedBytes).toBe(before);
  });

  it("modern: a device without a streaming mask gets DMA_MAPPING_ERROR and a warning", async () => {
    const s = await zynq();
    const dev = s.device("e0001000.serial");
    dev.dma_mask = null;
    expect(dma_map_single(dev, s.kernel.kmalloc(64, GFP_KERNEL), 64, DMA_TO_DEVICE)).toBe(DMA_MAPPING_ERROR);
    expect(s.dmesg()).toContain("platform e0001000.serial: WARNING: dma_map_page_attrs: device has no DMA mask");
  });
});

describe("misuse leaves the System usable", () => {
  it("unmapping an address that is not RAM oopses (a CpuFault) like the kernel, and the System goes on", async () => {
    const s = await arm64();
    const dev = s.device(ARM64_DMAC);
    expect(() => dma_unmap_single(dev, 0x1000, 4096, DMA_FROM_DEVICE)).toThrow(/Unable to handle kernel paging request at virtual address 0xffffff7fc0001000/);
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    const dma = dma_map_single(dev, va, 4096, DMA_TO_DEVICE);
    expect(dma_mapping_error(dev, dma)).toBe(0);
    dma_unmap_single(dev, dma, 4096, DMA_TO_DEVICE);
  });
});
