// DMA-API debugging: each check of kernel/dma/debug.c with the kernel's text. Modern kernels
// print "DMA-API: <driver> <device>: …"; 4.9 printed "<driver> <device>: DMA-API: …".
// (The table's own behaviour — device removal, reporting options, the entry pool, entries at one
// address — is in debug-table.test.ts.)

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import {
  dma_map_single, dma_unmap_single, dma_map_page, dma_unmap_page, dma_mapping_error, dma_sync_single_for_cpu,
  dma_sync_single_for_device, dma_sync_single_range_for_cpu, dma_sync_single_range_for_device, dma_alloc_coherent,
  dma_free_coherent, dma_map_sg, dma_unmap_sg, dma_map_single_attrs, dma_map_resource, dma_unmap_resource, dma_set_mask,
} from "../../src/dma/mapping.js";
import { DMA_ATTR_SKIP_CPU_SYNC, DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_MAPPING_ERROR, DMA_TO_DEVICE, DMA_BIT_MASK } from "../../src/dma/constants.js";
import { sg_alloc, sg_set_buf } from "../../src/dma/scatterlist.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { ZDMAC, ADMAC, P, a16, sys, buffer } from "../helpers/dma-debug-system.js";

describe("unmap and free checks", () => {
  it("unmapping what was never mapped, or the error cookie", async () => {
    const s = await sys();
    const dev = s.device(ZDMAC);
    const { pa } = buffer(s);
    dma_unmap_single(dev, pa, 64, DMA_TO_DEVICE);
    dma_unmap_single(dev, DMA_MAPPING_ERROR, 64, DMA_TO_DEVICE);
    expect(s.kernel.dma.debug.reports).toEqual([
      `${P}device driver tries to free DMA memory it has not allocated [device address=${a16(pa)}] [size=64 bytes]`,
      `${P}device driver tries to free an invalid DMA memory address`,
    ]);
  });

  it("different size, direction, and a missing dma_mapping_error check", async () => {
    const s = await sys();
    const dev = s.device(ZDMAC);
    const { va, pa } = buffer(s, 128);
    const dma = dma_map_single(dev, va, 64, DMA_TO_DEVICE);
    dma_unmap_single(dev, dma, 128, DMA_FROM_DEVICE);
    expect(s.kernel.dma.debug.reports).toEqual([
      `${P}device driver frees DMA memory with different size [device address=${a16(pa)}] [map size=64 bytes] [unmap size=128 bytes]`,
      `${P}device driver frees DMA memory with different direction [device address=${a16(pa)}] [size=128 bytes] [mapped with DMA_TO_DEVICE] [unmapped with DMA_FROM_DEVICE]`,
      `${P}device driver failed to check map error[device address=${a16(pa)}] [size=128 bytes] [mapped as single]`,
    ]);
    const again = dma_map_single(dev, va, 64, DMA_TO_DEVICE);
    expect(dma_mapping_error(dev, again)).toBe(0);
    dma_unmap_single(dev, again, 64, DMA_TO_DEVICE);
    expect(s.kernel.dma.debug.reports).toHaveLength(3); // checked, matching: nothing new
  });

  it("freeing with the wrong function, and a coherent buffer with a different CPU address", async () => {
    const s = await sys();
    const dev = s.device(ZDMAC);
    const { va, pa } = buffer(s);
    const dma = dma_map_single(dev, va, 64, DMA_TO_DEVICE);
    dma_mapping_error(dev, dma);
    dma_free_coherent(dev, 64, va, dma);
    const buf = dma_alloc_coherent(dev, 8192, GFP_KERNEL)!;
    dma_free_coherent(dev, 8192, buf.cpuAddr + 4096, buf.dmaAddr);
    // A coherent free is BIDIRECTIONAL, so the direction differs too.
    expect(s.kernel.dma.debug.reports).toEqual([
      `${P}device driver frees DMA memory with wrong function [device address=${a16(pa)}] [size=64 bytes] [mapped as single] [unmapped as coherent]`,
      `${P}device driver frees DMA memory with different direction [device address=${a16(pa)}] [size=64 bytes] [mapped with DMA_TO_DEVICE] [unmapped with DMA_BIDIRECTIONAL]`,
      `${P}device driver frees DMA memory with different CPU address [device address=${a16(buf.dmaAddr)}] [size=8192 bytes] [cpu alloc address=${a16(buf.dmaAddr)}] [cpu free address=${a16(buf.dmaAddr + 4096)}]`,
    ]);
  });

  it("an sg list unmapped with a different entry count", async () => {
    const s = await sys();
    const dev = s.device(ZDMAC);
    const { va } = buffer(s, 4096);
    const sgl = sg_alloc(3);
    [0, 1, 2].forEach((i) => sg_set_buf(sgl[i], va + i * 1024, 1024));
    dma_map_sg(dev, sgl, 3, DMA_TO_DEVICE);
    dma_unmap_sg(dev, sgl, 2, DMA_TO_DEVICE);
    expect(s.kernel.dma.debug.reports[0]).toBe(`${P}device driver frees DMA sg list with different entry count [map count=3] [unmap count=2]`);
  });

  it("4.9 tells dma_map_page from dma_map_single, and puts DMA-API after the device", async () => {
    const s = await sys({ allErrors: true }, { kernel: "v4.9" });
    const dev = s.device(ZDMAC);
    const { va, pa } = buffer(s);
    const dma = dma_map_page(dev, s.kernel.mm.virt_to_pfn(va), pa % 4096, 64, DMA_TO_DEVICE);
    dma_mapping_error(dev, dma);
    dma_unmap_single(dev, dma, 64, DMA_TO_DEVICE);
    expect(s.kernel.dma.debug.reports).toEqual([
      `dma-pl330 f8003000.dma-controller: DMA-API: device driver frees DMA memory with wrong function [device address=${a16(pa)}] [size=64 bytes] [mapped as page] [unmapped as single]`,
    ]);
  });
});

describe("resource mappings (dma_map_resource, debug_dma_map_resource)", () => {
  const FIFO = 0xe0000030; // Zynq UART0's FIFO register

  it("are checked at unmap as other mappings are, with [mapped as resource]", async () => {
    const s = await sys();
    const dev = s.device(ZDMAC);
    const before = s.kernel.dma.debug.entries(dev); // the driver's microcode buffer
    const dma = dma_map_resource(dev, FIFO, 4, DMA_FROM_DEVICE);
    dma_unmap_resource(dev, dma, 1, DMA_TO_DEVICE);
    // TO_DEVICE: dma_unmap_single would otherwise invalidate the "buffer" for the CPU, which
    // for an MMIO address faults.
    const again = dma_map_resource(dev, FIFO, 4, DMA_TO_DEVICE);
    expect(dma_mapping_error(dev, again)).toBe(0);
    dma_unmap_single(dev, again, 4, DMA_TO_DEVICE);
    dma_unmap_resource(dev, FIFO + 0x10, 4, DMA_FROM_DEVICE);
    dma_unmap_resource(dev, DMA_MAPPING_ERROR, 4, DMA_FROM_DEVICE);
    expect(s.kernel.dma.debug.reports).toEqual([
      `${P}device driver frees DMA memory with different size [device address=${a16(FIFO)}] [map size=4 bytes] [unmap size=1 bytes]`,
      `${P}device driver frees DMA memory with different direction [device address=${a16(FIFO)}] [size=1 bytes] [mapped with DMA_FROM_DEVICE] [unmapped with DMA_TO_DEVICE]`,
      `${P}device driver failed to check map error[device address=${a16(FIFO)}] [size=1 bytes] [mapped as resource]`,
      `${P}device driver frees DMA memory with wrong function [device address=${a16(FIFO)}] [size=4 bytes] [mapped as resource] [unmapped as single]`,
      `${P}device driver tries to free DMA memory it has not allocated [device address=${a16(FIFO + 0x10)}] [size=4 bytes]`,
      `${P}device driver tries to free an invalid DMA memory address`,
    ]);
    expect(s.kernel.dma.debug.entries(dev)).toBe(before);
  });

  it("are leaks when left mapped, a failed one too (debug_dma_map_resource does not skip DMA_MAPPING_ERROR)", async () => {
    const s = await sys();
    const dev = s.device("e0001000.serial");
    s.kernel.device_bind_driver(dev, "xuartps");
    const dma = dma_map_resource(dev, FIFO, 4, DMA_FROM_DEVICE);
    expect(dma_mapping_error(dev, dma)).toBe(0);
    expect(dma_set_mask(dev, DMA_BIT_MASK(31))).toBe(0);
    const failed = dma_map_resource(dev, FIFO, 4, DMA_FROM_DEVICE);
    expect(failed).toBe(DMA_MAPPING_ERROR);
    expect(dma_mapping_error(dev, failed)).not.toBe(0);
    expect(s.kernel.dma.debug.entries(dev)).toBe(2);
    s.kernel.device_release_driver(dev);
    // Both entries are of the FIFO's cache line and DMA_FROM_DEVICE: an overlap (6.x reports
    // it). The unbind adds no report (platform is no bus dma-debug watches), only dmasim's note.
    expect(s.kernel.dma.debug.reports).toEqual([
      "DMA-API: xuartps e0001000.serial: cacheline tracking EEXIST, overlapping mappings aren't supported",
    ]);
    // The details are of the last entry found walking the buckets: the error address hashes to
    // the last bucket (0xffffffffffffffff >> 13 & 16383), the FIFO's to bucket 0.
    expect(s.kernel.printk.grep("dmasim: note")).toEqual([
      "dmasim: note: platform e0001000.serial: driver xuartps unbound with 2 DMA-API debug entries still live, e.g. " +
        "[device address=0xffffffffffffffff] [size=4 bytes] [mapped with DMA_FROM_DEVICE] [mapped as resource]; " +
        "Linux reports leaked entries at unbind only for PCI devices, so a board prints nothing: the entries stay, and /sys/kernel/debug/dma-api/dump lists them",
    ]);
  });

  it("4.9 has them too (dma_map_resource came with its dma-debug support in 4.9)", async () => {
    const s = await sys({ allErrors: true }, { kernel: "v4.9" });
    const dev = s.device(ZDMAC);
    const before = s.kernel.dma.debug.entries(dev);
    const dma = dma_map_resource(dev, FIFO, 4, DMA_TO_DEVICE);
    expect(dma_mapping_error(dev, dma)).toBe(0);
    expect(s.kernel.dma.debug.entries(dev)).toBe(before + 1);
    dma_unmap_page(dev, dma, 4, DMA_TO_DEVICE);
    expect(s.kernel.dma.debug.reports).toEqual([
      `dma-pl330 f8003000.dma-controller: DMA-API: device driver frees DMA memory with wrong function [device address=${a16(FIFO)}] [size=4 bytes] [mapped as resource] [unmapped as page]`,
    ]);
  });
});

describe("sync checks", () => {
  it("unknown range (also one reaching past the mapping), wrong direction, device read-only / write-only", async () => {
    const s = await sys();
    const dev = s.device(ZDMAC);
    const { va, pa } = buffer(s, 256);
    const to = dma_map_single(dev, va, 128, DMA_TO_DEVICE);
    dma_sync_single_for_cpu(dev, pa + 4096, 64, DMA_TO_DEVICE);
    dma_sync_single_for_device(dev, to, 256, DMA_TO_DEVICE);
    dma_sync_single_for_cpu(dev, to, 64, DMA_FROM_DEVICE);
    const r = s.kernel.dma.debug.reports;
    expect(r[0]).toBe(`${P}device driver tries to sync DMA memory it has not allocated [device address=${a16(pa + 4096)}] [size=64 bytes]`);
    // The containing-range search never matches a sync longer than its mapping, so the kernel's
    // "outside allocated range" report cannot fire: it says "not allocated" instead.
    expect(r[1]).toBe(`${P}device driver tries to sync DMA memory it has not allocated [device address=${a16(pa)}] [size=256 bytes]`);
    expect(r[2]).toBe(`${P}device driver syncs DMA memory with different direction [device address=${a16(pa)}] [size=128 bytes] [mapped with DMA_TO_DEVICE] [synced with DMA_FROM_DEVICE]`);
    expect(r[3]).toBe(`${P}device driver syncs device read-only DMA memory for cpu [device address=${a16(pa)}] [size=128 bytes] [mapped with DMA_TO_DEVICE] [synced with DMA_FROM_DEVICE]`);
    const from = dma_map_single(dev, va + 128, 64, DMA_FROM_DEVICE);
    dma_sync_single_for_device(dev, from, 64, DMA_TO_DEVICE);
    expect(r.at(-1)).toBe(`${P}device driver syncs device write-only DMA memory to device [device address=${a16(pa + 128)}] [size=64 bytes] [mapped with DMA_FROM_DEVICE] [synced with DMA_TO_DEVICE]`);
    // A sub-range of a BIDIRECTIONAL mapping, in any direction, is fine.
    const bi = dma_map_single(dev, buffer(s, 256).va, 256, DMA_BIDIRECTIONAL);
    const n = r.length;
    dma_sync_single_for_cpu(dev, bi + 64, 64, DMA_FROM_DEVICE);
    expect(r.length).toBe(n);
  });
});

describe("range syncs", () => {
  it("4.9 checks (mapping address, offset + size); modern kernels the synced range itself", async () => {
    for (const kernel of ["v4.9", "modern"] as const) {
      const s = await sys({ allErrors: true }, { kernel });
      const dev = s.device(ZDMAC);
      const { va, pa } = buffer(s, 256);
      const dma = dma_map_single(dev, va, 256, DMA_FROM_DEVICE);
      dma_sync_single_range_for_cpu(dev, dma, 128, 64, DMA_TO_DEVICE);
      dma_sync_single_range_for_device(dev, dma, 192, 128, DMA_FROM_DEVICE);
      const who = kernel === "v4.9" ? "dma-pl330 f8003000.dma-controller: DMA-API: " : P;
      // 4.9: ref = (dma, 128 + 64) and (dma, 192 + 128); modern: (dma + 128, 64) and (dma + 192, 128).
      const [a1, a2] = kernel === "v4.9" ? [pa, pa] : [pa + 128, pa + 192];
      const s2 = kernel === "v4.9" ? 320 : 128;
      expect(s.kernel.dma.debug.reports).toEqual([
        `${who}device driver syncs DMA memory with different direction [device address=${a16(a1)}] [size=256 bytes] [mapped with DMA_FROM_DEVICE] [synced with DMA_TO_DEVICE]`,
        `${who}device driver tries to sync DMA memory it has not allocated [device address=${a16(a2)}] [size=${s2} bytes]`,
      ]);
    }
  });
});

describe("what gets mapped", () => {
  it("4.9 (linear stack): mapping the current task's stack", async () => {
    const s = await sys({ allErrors: true }, { kernel: "v4.9" });
    const stack = s.kernel.current.stack;
    dma_map_single(s.device(ZDMAC), stack + 256, 64, DMA_TO_DEVICE);
    expect(s.kernel.dma.debug.reports).toEqual([
      `dma-pl330 f8003000.dma-controller: DMA-API: device driver maps memory from stack [addr=${(stack + 256).toString(16)}]`,
    ]);
  });

  it("modern arm64 (vmapped stack): map_single refuses vmalloc; map_page of a stack page is reported", async () => {
    const s = await createSystem({ board: "arm64-ref", dmaDebug: { enabled: true, allErrors: true } });
    const dev = s.device(ADMAC);
    const cur = s.kernel.current;
    expect(cur.vmapped).toBe(true);
    expect(dma_map_single(dev, cur.stack + 256, 64, DMA_TO_DEVICE)).toBe(DMA_MAPPING_ERROR);
    expect(s.dmesg()).toContain("dma-pl330 ff6e0000.dma-controller: WARNING: rejecting DMA map of vmalloc memory");
    dma_map_page(dev, cur.pages[1], 256, 64, DMA_TO_DEVICE);
    const probable = BigInt(cur.stack + 4096 + 256) + (1n << 64n);
    expect(s.kernel.dma.debug.reports).toEqual([
      `DMA-API: dma-pl330 ff6e0000.dma-controller: device driver maps memory from stack [probable addr=${probable.toString(16)}]`,
    ]);
  });

  it("kernel text or rodata, and (modern) an address that is neither linear nor vmalloc", async () => {
    const z = await sys();
    const dev = z.device(ZDMAC);
    dma_map_single(dev, 0xc0100000, 64, DMA_TO_DEVICE);
    dma_map_single_attrs(dev, 0xbf000100, 64, DMA_TO_DEVICE, DMA_ATTR_SKIP_CPU_SYNC); // a module's address
    expect(z.kernel.dma.debug.reports).toEqual([
      `${P}device driver maps memory from kernel text or rodata [addr=c0100000] [len=64]`,
      `${P}device driver maps memory from invalid area [addr=bf000100] [len=64]`,
    ]);
    // The arm64 kernel image lives in the vmalloc range: modern kernels refuse it outright.
    const a = await createSystem({ board: "arm64-ref", dmaDebug: { enabled: true } });
    expect(dma_map_single(a.device(ADMAC), a.kernel.mm.layout.image.text + 0x1000, 64, DMA_TO_DEVICE)).toBe(DMA_MAPPING_ERROR);
    expect(a.dmesg()).toContain("rejecting DMA map of vmalloc memory");
  });

  it("overlapping non-TO_DEVICE mappings of one cache line: reported by modern kernels, counted by 4.9", async () => {
    const s = await sys();
    const dev = s.device(ZDMAC);
    const { va } = buffer(s);
    dma_map_single(dev, va, 64, DMA_TO_DEVICE);
    dma_map_single(dev, va, 64, DMA_TO_DEVICE);
    dma_map_single_attrs(dev, va, 64, DMA_FROM_DEVICE, 0);
    dma_map_single_attrs(dev, va, 64, DMA_FROM_DEVICE, DMA_ATTR_SKIP_CPU_SYNC);
    expect(s.kernel.dma.debug.reports).toEqual([]);
    dma_map_single(dev, va, 32, DMA_BIDIRECTIONAL);
    expect(s.kernel.dma.debug.reports).toEqual([`${P}cacheline tracking EEXIST, overlapping mappings aren't supported`]);
    const old = await sys({ allErrors: true }, { kernel: "v4.9" });
    const b = buffer(old);
    dma_map_single(old.device(ZDMAC), b.va, 64, DMA_FROM_DEVICE);
    dma_map_single(old.device(ZDMAC), b.va, 64, DMA_FROM_DEVICE);
    expect(old.kernel.dma.debug.reports).toEqual([]);
  });

  it("sg segments longer than dma_parms allow, or across the segment boundary (modern)", async () => {
    const s = await sys();
    const dev = s.device(ZDMAC);
    dev.dma_parms = { max_segment_size: 1024, segment_boundary_mask: 0xfffn };
    const { va, pa } = buffer(s, 8192);
    const sgl = sg_alloc(2);
    sg_set_buf(sgl[0], va, 2048);
    sg_set_buf(sgl[1], va + 4096 - 512, 1024);
    dma_map_sg(dev, sgl, 2, DMA_TO_DEVICE);
    expect(s.kernel.dma.debug.reports).toEqual([
      `${P}mapping sg segment longer than device claims to support [len=2048] [max=1024]`,
      `${P}mapping sg segment across boundary [start=${a16(pa + 4096 - 512)}] [end=${a16(pa + 4096 + 511)}] [boundary=0x0000000000000fff]`,
    ]);
  });
});
