// DMA-API debugging: each check of kernel/dma/debug.c with the kernel's text. Modern kernels
// print "DMA-API: <driver> <device>: …"; 4.9 printed "<driver> <device>: DMA-API: …".

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import type { System, SystemOptions } from "../../src/system.js";
import {
  dma_map_single, dma_unmap_single, dma_map_page, dma_unmap_page, dma_mapping_error, dma_sync_single_for_cpu,
  dma_sync_single_for_device, dma_sync_single_range_for_cpu, dma_sync_single_range_for_device, dma_alloc_coherent, dma_free_coherent, dma_map_sg, dma_unmap_sg, dma_map_single_attrs,
} from "../../src/dma/mapping.js";
import { DMA_ATTR_SKIP_CPU_SYNC, DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_MAPPING_ERROR, DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { sg_alloc, sg_set_buf } from "../../src/dma/scatterlist.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import type { DmaDebugOptions } from "../../src/dma/debug.js";
import { dma_map_resource, dma_unmap_resource, dma_set_mask } from "../../src/dma/mapping.js";
import { DMA_BIT_MASK } from "../../src/dma/constants.js";
import { dma_release_channel, dma_request_chan_by_mask, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_sync_wait } from "../../src/dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_MEMCPY, DMA_PREP_INTERRUPT } from "../../src/dmaengine/types.js";

const ZDMAC = "f8003000.dma-controller";
const ADMAC = "ff6e0000.dma-controller";
const P = "DMA-API: dma-pl330 f8003000.dma-controller: ";
const a16 = (n: number) => "0x" + n.toString(16).padStart(16, "0");

async function sys(debug: DmaDebugOptions = { allErrors: true }, o: SystemOptions = {}): Promise<System> {
  return createSystem({ board: "zynq-7000", dmaDebug: { enabled: true, ...debug }, ...o });
}

function buffer(s: System, n = 64): { va: number; pa: number } {
  const va = s.kernel.kmalloc(n, GFP_KERNEL);
  return { va, pa: s.kernel.mm.virt_to_phys(va) };
}

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

describe("device removal, reporting options and the entry pool", () => {
  it("reports nothing of what a platform driver left mapped when it lets go of the device (dma_debug_add_bus is PCI's); dmasim notes it", async () => {
    for (const kernel of ["modern", "v4.9"] as const) {
      const s = await sys({ allErrors: true }, { kernel });
      const dev = s.device("e0001000.serial");
      s.kernel.device_bind_driver(dev, "xuartps");
      const { va, pa } = buffer(s);
      dma_map_single(dev, va, 64, DMA_TO_DEVICE);
      s.kernel.device_release_driver(dev);
      expect(s.kernel.dma.debug.reports).toEqual([]);
      expect(s.kernel.dma.debug.errorCount).toBe(0);
      expect(s.dmesg()).not.toContain("DMA-API: platform");
      // 4.9's debugfs has no dump file (added in 5.1): only the free-entry count shows the leak.
      const where = kernel === "modern"
        ? "/sys/kernel/debug/dma-api/dump lists them"
        : "only /sys/kernel/debug/dma-api/num_free_entries counts them (4.9 has no dump file)";
      expect(s.kernel.printk.grep("dmasim: note")).toEqual([
        `dmasim: note: platform e0001000.serial: driver xuartps unbound with 1 DMA-API debug entry still live, e.g. [device address=${a16(pa)}] [size=64 bytes] [mapped with DMA_TO_DEVICE] [mapped as single]; ` +
          `Linux reports leaked entries at unbind only for PCI devices, so a board prints nothing: the entries stay, and ${where}`,
      ]);
      expect(dev.driverName).toBeUndefined();
      expect(s.kernel.dma.debug.entries(dev)).toBe(1);
    }
  });

  it("notes nothing once DMA-API debugging has disabled itself: its table no longer follows the mappings", async () => {
    // 4.9 with 2 entries: the pl330's microcode takes one, the first mapping the other, the
    // second finds none and global_disable is set. dma_debug_device_change returns at once when
    // dma_debug_disabled(), so no count of the entries left would be true to tell.
    const s = await sys({ allErrors: true, entries: 2 }, { kernel: "v4.9" });
    const dev = s.device(ZDMAC);
    const { va } = buffer(s, 128);
    dma_map_single(dev, va, 64, DMA_TO_DEVICE);
    dma_map_single(dev, va + 64, 64, DMA_TO_DEVICE);
    expect(s.readFile("/sys/kernel/debug/dma-api/disabled")).toBe("Y\n");
    s.kernel.device_release_driver(dev);
    expect(dev.driverName).toBeUndefined();
    expect(s.kernel.printk.grep("dmasim: note")).toEqual([]);
  });

  it("checks: { leak: false } drops the note", async () => {
    const s = await sys({ allErrors: true, checks: { leak: false } });
    const dev = s.device("e0001000.serial");
    s.kernel.device_bind_driver(dev, "xuartps");
    const { va } = buffer(s);
    dma_map_single(dev, va, 64, DMA_TO_DEVICE);
    s.kernel.device_release_driver(dev);
    expect(s.kernel.printk.grep("dmasim: note")).toEqual([]);
    expect(s.kernel.dma.debug.reports).toEqual([]);
  });

  it("the leak note names the last entry walking the hash buckets: 16384 of them in modern kernels, 1024 in 4.9", async () => {
    // hash_fn = (addr >> 13) & (HASH_SIZE - 1): 0xe0002000 is bucket 1 in both; 0xe0800000
    // (>> 13: 0x70400) is bucket 0x70400 & 1023 = 0 in 4.9, & 16383 = 1024 in modern kernels.
    const [low, high] = [0xe0002000, 0xe0800000];
    for (const [kernel, last] of [["modern", high], ["v4.9", low]] as const) {
      const s = await sys({ allErrors: true }, { kernel });
      const dev = s.device("e0001000.serial");
      s.kernel.device_bind_driver(dev, "xuartps");
      dma_map_resource(dev, low, 4, DMA_TO_DEVICE);
      dma_map_resource(dev, high, 4, DMA_TO_DEVICE);
      s.kernel.device_release_driver(dev);
      const [note] = s.kernel.printk.grep("dmasim: note");
      expect(note).toContain(`unbound with 2 DMA-API debug entries still live, e.g. [device address=${a16(last)}] [size=4 bytes]`);
    }
  });

  it("prints the first error only by default, counts all, filters by driver, and switches checks off", async () => {
    const one = await sys({});
    const dev = one.device(ZDMAC);
    const { pa } = buffer(one);
    dma_unmap_single(dev, pa, 64, DMA_TO_DEVICE);
    dma_unmap_single(dev, pa + 64, 64, DMA_TO_DEVICE);
    expect(one.kernel.dma.debug.reports).toHaveLength(1);
    expect(one.kernel.dma.debug.errorCount).toBe(2);
    const filtered = await sys({ allErrors: true, driverFilter: "xuartps" });
    dma_unmap_single(filtered.device(ZDMAC), pa, 64, DMA_TO_DEVICE);
    expect([filtered.kernel.dma.debug.reports.length, filtered.kernel.dma.debug.errorCount]).toEqual([0, 1]);
    const quiet = await sys({ allErrors: true, checks: { mapError: false } });
    const b = buffer(quiet);
    dma_unmap_single(quiet.device(ZDMAC), dma_map_single(quiet.device(ZDMAC), b.va, 64, DMA_TO_DEVICE), 64, DMA_TO_DEVICE);
    expect(quiet.kernel.dma.debug.reports).toEqual([]);
  });

  it("4.9 disables itself when its entries run out; modern kernels grow the pool", async () => {
    const old = await sys({ entries: 2 }, { kernel: "v4.9" });
    const { va } = buffer(old, 256);
    for (let i = 0; i < 3; i++) dma_map_single(old.device(ZDMAC), va + i * 64, 64, DMA_TO_DEVICE);
    expect(old.dmesg()).toContain("DMA-API: debugging out of memory - disabling");
    expect(old.kernel.dma.debug.disabled).toBe(true);
    const s = await sys({ entries: 32 });
    const b = buffer(s, 4096);
    for (let i = 0; i < 33; i++) dma_map_single(s.device(ZDMAC), b.va + i * 64, 64, DMA_TO_DEVICE);
    expect(s.dmesg()).toContain("DMA-API: dma_debug_entry pool grown to 64 (200%)");
    expect(s.kernel.dma.debug.entries()).toBe(34); // with the pl330 driver's microcode buffer
  });

  it("does nothing when off", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const { pa } = buffer(s);
    dma_unmap_single(s.device(ZDMAC), pa, 64, DMA_TO_DEVICE);
    expect(s.dmesg()).not.toMatch(/DMA-API/);
  });
});

describe("overlapping mappings of small kmalloc buffers on arm64 (CONFIG_DMA_BOUNCE_UNALIGNED_KMALLOC)", () => {
  const A = "DMA-API: dma-pl330 ff6e0000.dma-controller: ";
  const LINE = 64; // the arm64 boards' cache line (CTR_EL0.DminLine)

  /** Two kmalloc(32) objects in one cache line: of three consecutive ones 32 bytes apart,
   *  one pair shares a line. */
  function twoInOneLine(s: System): [number, number] {
    const mm = s.kernel.mm;
    const v = [0, 1, 2].map(() => s.kernel.kmalloc(32, GFP_KERNEL));
    const line = (va: number) => Math.floor(mm.virt_to_phys(va) / LINE);
    const i = [0, 1].find((k) => line(v[k]) === line(v[k + 1]));
    expect(i).toBeDefined();
    return [v[i!], v[i! + 1]];
  }

  function deviceWrites(s: System, dst: number, bytes: Uint8Array): void {
    const src = dma_alloc_coherent(s.device(ADMAC), bytes.length, GFP_KERNEL)!;
    s.cpu.write(src.cpuAddr, bytes);
    const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
    const tx = dmaengine_prep_dma_memcpy(chan, dst, src.dmaAddr, bytes.length, DMA_PREP_INTERRUPT)!;
    expect(dma_sync_wait(chan, dmaengine_submit(tx))).toBe(DMA_COMPLETE);
    dma_release_channel(chan);
  }

  it("modern: both bounce, no overlap report, and each gets what the device wrote", async () => {
    const s = await createSystem({ board: "arm64-ref", dmaDebug: { enabled: true, allErrors: true } });
    const dev = s.device(ADMAC);
    const tlb = s.kernel.dma.swiotlb!;
    expect(dev.dma_coherent).toBe(false);
    const [a, b] = twoInOneLine(s);
    s.cpu.fill(a, 0xee, 32);
    s.cpu.fill(b, 0xee, 32);
    const da = dma_map_single(dev, a, 32, DMA_FROM_DEVICE);
    const db = dma_map_single(dev, b, 32, DMA_FROM_DEVICE);
    expect([dma_mapping_error(dev, da), dma_mapping_error(dev, db)]).toEqual([0, 0]);
    expect([tlb.is_swiotlb_buffer(da), tlb.is_swiotlb_buffer(db)]).toEqual([true, true]);
    expect(s.kernel.dma.debug.reports).toEqual([]);
    const pa = Uint8Array.from({ length: 32 }, (_, i) => 0x10 + i);
    const pb = Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i);
    deviceWrites(s, da, pa);
    deviceWrites(s, db, pb);
    dma_unmap_single(dev, da, 32, DMA_FROM_DEVICE);
    dma_unmap_single(dev, db, 32, DMA_FROM_DEVICE);
    expect(s.cpu.read(a, 32)).toEqual(pa);
    expect(s.cpu.read(b, 32)).toEqual(pb);
    // The test is per device: an overlap the kernel did not bounce goes unreported too.
    const big = s.kernel.kmalloc(4096, GFP_KERNEL);
    expect(dma_map_single(dev, big, 4096, DMA_FROM_DEVICE)).toBe(s.kernel.mm.virt_to_phys(big));
    dma_map_single(dev, big, 4096, DMA_FROM_DEVICE);
    expect(s.kernel.dma.debug.reports).toEqual([]);
    expect(s.dmesg()).not.toContain("overlapping mappings");
  });

  it("modern with no swiotlb pool: kmalloc keeps objects a line apart, and an overlap is reported", async () => {
    const s = await createSystem({ board: "arm64-ref", swiotlb: { size: 0 }, dmaDebug: { enabled: true, allErrors: true } });
    const dev = s.device(ADMAC);
    expect(s.kernel.dma.swiotlb).toBeNull();
    const x = s.kernel.kmalloc(32, GFP_KERNEL);
    const y = s.kernel.kmalloc(32, GFP_KERNEL);
    expect(Math.abs(s.kernel.mm.virt_to_phys(y) - s.kernel.mm.virt_to_phys(x))).toBeGreaterThanOrEqual(LINE);
    dma_map_single(dev, x, 16, DMA_FROM_DEVICE);
    dma_map_single(dev, x + 16, 16, DMA_FROM_DEVICE);
    expect(s.kernel.dma.debug.reports).toEqual([`${A}cacheline tracking EEXIST, overlapping mappings aren't supported`]);
  });

  it("4.9: kmalloc objects are ARCH_DMA_MINALIGN (128) apart, nothing bounces, and overlaps are never reported", async () => {
    const s = await createSystem({ board: "arm64-ref", kernel: "v4.9", dmaDebug: { enabled: true, allErrors: true } });
    const dev = s.device(ADMAC);
    const mm = s.kernel.mm;
    const x = s.kernel.kmalloc(32, GFP_KERNEL);
    const y = s.kernel.kmalloc(32, GFP_KERNEL);
    expect(Math.abs(mm.virt_to_phys(y) - mm.virt_to_phys(x))).toBeGreaterThanOrEqual(128);
    expect(dma_map_single(dev, x, 32, DMA_FROM_DEVICE)).toBe(mm.virt_to_phys(x));
    dma_map_single(dev, x, 32, DMA_FROM_DEVICE);
    expect(s.kernel.dma.debug.reports).toEqual([]);
  });
});

describe("failed mappings", () => {
  it("a mapping that failed leaves no entry: debug_dma_map_page returns on dma_mapping_error", async () => {
    // kernel/dma/debug.c debug_dma_map_page: `if (dma_mapping_error(dev, dma_addr)) return;`.
    // swiotlb=noforce on arm64-highmem leaves a buffer above 4 GiB no way to the 32-bit PL330.
    const s = await createSystem({ board: "arm64-highmem", swiotlb: "noforce", dmaDebug: { enabled: true, allErrors: true } });
    const dev = s.device(ADMAC);
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    expect(s.kernel.mm.virt_to_phys(va)).toBeGreaterThan(0xffffffff);
    const before = s.kernel.dma.debug.entries(dev); // the driver's own coherent buffers
    expect(dma_map_single(dev, va, 4096, DMA_FROM_DEVICE)).toBe(DMA_MAPPING_ERROR);
    expect(s.kernel.dma.debug.entries(dev)).toBe(before);
    expect(s.kernel.dma.debug.dump()).not.toContain(" single ");
  });
});

describe("dma_mapping_error marks one entry: that device's, at that address", () => {
  it("another device's check of the same address does not count for this one", async () => {
    // debug_dma_mapping_error walks the bucket for an exact_match: the same dev_addr *and* the
    // same dev. Without an IOMMU two devices mapping one buffer get one DMA address.
    const s = await sys();
    const dev = s.device(ZDMAC);
    const other = s.device("e0001000.serial");
    const { va, pa } = buffer(s, 64);
    const mine = dma_map_single(dev, va, 64, DMA_TO_DEVICE);
    const theirs = dma_map_single(other, va, 64, DMA_TO_DEVICE);
    expect(theirs).toBe(mine);
    expect(dma_mapping_error(other, theirs)).toBe(0);
    dma_unmap_single(dev, mine, 64, DMA_TO_DEVICE);
    expect(s.kernel.dma.debug.reports).toEqual([
      `${P}device driver failed to check map error[device address=${a16(pa)}] [size=64 bytes] [mapped as single]`,
    ]);
    dma_unmap_single(other, theirs, 64, DMA_TO_DEVICE);
    expect(s.kernel.dma.debug.reports).toHaveLength(1);
  });

  it("a check of one address in a bucket does not count for another address in it", async () => {
    // Both mappings hash to one 8 KB bucket (dev_addr >> 13); only the checked one is marked.
    const s = await sys();
    const dev = s.device(ZDMAC);
    const { va, pa } = buffer(s, 256);
    const first = dma_map_single(dev, va, 64, DMA_TO_DEVICE);
    const second = dma_map_single(dev, va + 128, 64, DMA_TO_DEVICE);
    expect(Math.floor(first / 8192)).toBe(Math.floor(second / 8192));
    expect(dma_mapping_error(dev, second)).toBe(0);
    dma_unmap_single(dev, first, 64, DMA_TO_DEVICE);
    dma_unmap_single(dev, second, 64, DMA_TO_DEVICE);
    expect(s.kernel.dma.debug.reports).toEqual([
      `${P}device driver failed to check map error[device address=${a16(pa)}] [size=64 bytes] [mapped as single]`,
    ]);
  });
});

describe("entries at one address", () => {
  it("two imperfect matches are no match: the unmap is of memory never allocated", async () => {
    // __hash_bucket_find: with several entries at the address and none matching size, type,
    // direction and sg count all four, it returns NULL ("If we have multiple matches but no
    // perfect-fit, just return NULL"), so check_unmap reports an unknown address.
    const s = await sys();
    const dev = s.device(ZDMAC);
    const { va, pa } = buffer(s, 256);
    const a = dma_map_single(dev, va, 64, DMA_TO_DEVICE);
    const b = dma_map_single(dev, va, 128, DMA_TO_DEVICE);
    expect(b).toBe(a);
    dma_mapping_error(dev, a);
    dma_mapping_error(dev, b);
    dma_unmap_single(dev, a, 96, DMA_TO_DEVICE);
    expect(s.kernel.dma.debug.reports).toEqual([
      `${P}device driver tries to free DMA memory it has not allocated [device address=${a16(pa)}] [size=96 bytes]`,
    ]);
  });

  it("the debugfs dump names each entry's hash bucket: dev_addr >> 13", async () => {
    // kernel/dma/debug.c hash_fn: (dev_addr >> HASH_FN_SHIFT) & HASH_FN_MASK, HASH_FN_SHIFT 13.
    const s = await sys();
    const dev = s.device(ZDMAC);
    const { va, pa } = buffer(s, 64);
    dma_map_single(dev, va, 64, DMA_TO_DEVICE);
    const line = s.kernel.dma.debug.dump().split("\n").find((l) => l.includes(` D=${pa.toString(16)} `))!;
    expect(line).toContain(` single idx ${Math.floor(pa / 8192) % 16384} `);
  });
});
