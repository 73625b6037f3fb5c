// The DMA-API misuse matrix: every misuse DMA-API debug knows, the ones it cannot see (use after
// free, mappings beyond DRAM, sizes past 32 bits) and the values only a JavaScript caller can
// pass. Each must end in the kernel's answer — a "DMA-API: …" report, DMA_MAPPING_ERROR, a
// KernelError (-EINVAL), a KernelBug where Linux BUG()s, the CpuFault of an oops — and leave
// the System usable: afterwards a DMA copy still moves the right bytes, a streaming mapping
// still round-trips, and (where the misuse frees everything it took) every page is back.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import type { System, SystemOptions } from "../../src/system.js";
import type { PlatformDevice } from "../../src/kernel/device.js";
import {
  dma_alloc_coherent, dma_free_coherent, dma_map_page, dma_map_sg, dma_map_single, dma_mapping_error,
  dma_sync_sg_for_cpu, dma_sync_single_for_cpu, dma_sync_single_for_device, dma_unmap_page, dma_unmap_sg,
  dma_unmap_single, dma_set_mask,
} from "../../src/dma/mapping.js";
import { DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_MAPPING_ERROR, DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { sg_alloc, sg_set_buf } from "../../src/dma/scatterlist.js";
import { dma_pool_alloc, dma_pool_create, dma_pool_destroy, dma_pool_free } from "../../src/dma/pool.js";
import {
  dma_request_chan_by_mask, dma_release_channel, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_sync_wait,
} from "../../src/dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_MEMCPY } from "../../src/dmaengine/types.js";
import { GFP_KERNEL, PAGE_SIZE } from "../../src/mm/gfp.js";
import { KernelBug, KernelError } from "../../src/kernel/errno.js";
import { CpuFault } from "../../src/hw/machine.js";
import { KERN_NOTICE } from "../../src/kernel/printk.js";

const ZDMAC = "f8003000.dma-controller";

interface Ctx {
  s: System;
  dev: PlatformDevice;
  /** A kmalloc'ed buffer and its physical address. */
  buf(n?: number): { va: number; pa: number };
  /** A 4 KiB kmalloc'ed buffer made at boot, before the page count a row compares with. */
  b: { va: number; pa: number };
}

async function boot(o: SystemOptions = {}): Promise<Ctx> {
  const s = await createSystem({ board: "zynq-7000", dmaDebug: { allErrors: true }, ...o });
  const dev = s.device(o.board === "arm64-ref" ? "ff6e0000.dma-controller" : ZDMAC);
  const buf = (n = 256) => {
    const va = s.kernel.kmalloc(n, GFP_KERNEL);
    return { va, pa: s.kernel.mm.virt_to_phys(va) };
  };
  return { s, dev, buf, b: buf(4096) };
}

/** A driver's ordinary work, checked byte for byte: a 4 KiB copy on a memcpy channel between
 *  coherent buffers, and a streaming mapping of a kmalloc buffer the device writes. */
function expectUsable({ s, dev }: Ctx): void {
  const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
  const a = dma_alloc_coherent(chan.device.dev, 4096, GFP_KERNEL)!;
  const b = dma_alloc_coherent(chan.device.dev, 4096, GFP_KERNEL)!;
  s.cpu.fill(a.cpuAddr, 0x5a, 4096);
  const tx = dmaengine_prep_dma_memcpy(chan, b.dmaAddr, a.dmaAddr, 4096, 0)!;
  expect(dma_sync_wait(chan, dmaengine_submit(tx))).toBe(DMA_COMPLETE);
  expect(s.cpu.read(b.cpuAddr, 4096)).toEqual(new Uint8Array(4096).fill(0x5a));
  const va = s.kernel.kmalloc(512, GFP_KERNEL);
  const d = dma_map_single(dev, va, 512, DMA_FROM_DEVICE);
  expect(dma_mapping_error(dev, d)).toBe(0);
  const tx2 = dmaengine_prep_dma_memcpy(chan, d, a.dmaAddr, 512, 0)!;
  expect(dma_sync_wait(chan, dmaengine_submit(tx2))).toBe(DMA_COMPLETE);
  dma_unmap_single(dev, d, 512, DMA_FROM_DEVICE);
  expect(s.cpu.read(va, 512)).toEqual(new Uint8Array(512).fill(0x5a));
  s.kernel.kfree(va);
  dma_free_coherent(chan.device.dev, 4096, b.cpuAddr, b.dmaAddr);
  dma_free_coherent(chan.device.dev, 4096, a.cpuAddr, a.dmaAddr);
  dma_release_channel(chan);
}

interface Row {
  misuse: string;
  options?: SystemOptions;
  /** Does the misuse; what it returns is checked by `expect`. */
  act(c: Ctx): unknown;
  /** The error thrown, or (when nothing is thrown) a check of the return value. */
  throws?: [new (...a: never[]) => Error, RegExp];
  returns?: unknown;
  /** Reports DMA-API debug must have made (each a regex, in order). */
  reports?: RegExp[];
  /** Kernel log lines (KERN_WARNING or worse) the misuse must have caused. */
  warns?: RegExp[];
  /** dmasim's own KERN_NOTICE notes the misuse must have caused (what Linux would not print). */
  notes?: RegExp[];
  /** The misuse takes and frees nothing for good: every page is back afterwards. */
  pagesBack?: boolean;
}

const overflow = 2 ** 32 + 64;

const ROWS: Row[] = [
  // ---- the DMA-API debug list (kernel/dma/debug.c) ----
  { misuse: "unmap of the DMA_MAPPING_ERROR cookie", act: ({ dev }) => dma_unmap_single(dev, DMA_MAPPING_ERROR, 64, DMA_TO_DEVICE),
    reports: [/tries to free an invalid DMA memory address/], pagesBack: true },
  { misuse: "unmap with a wrong handle", act: ({ dev, buf }) => dma_unmap_single(dev, buf().pa + 4096, 64, DMA_TO_DEVICE),
    reports: [/tries to free DMA memory it has not allocated/] },
  { misuse: "unmap with a different size and direction, unchecked", act: ({ dev, buf }) => {
    const d = dma_map_single(dev, buf().va, 64, DMA_TO_DEVICE);
    dma_unmap_single(dev, d, 128, DMA_FROM_DEVICE);
  }, reports: [/frees DMA memory with different size/, /frees DMA memory with different direction/, /failed to check map error/] },
  { misuse: "unmap_page of a dma_map_single mapping (4.9)", options: { kernel: "v4.9" }, act: ({ s, dev, buf }) => {
    const b = buf();
    const d = dma_map_page(dev, s.kernel.mm.virt_to_pfn(b.va), b.pa % PAGE_SIZE, 64, DMA_TO_DEVICE);
    dma_mapping_error(dev, d);
    dma_unmap_single(dev, d, 64, DMA_TO_DEVICE);
  }, reports: [/frees DMA memory with wrong function/] },
  { misuse: "dma_free_coherent of a streaming mapping", act: ({ dev, buf }) => {
    const b = buf();
    const d = dma_map_single(dev, b.va, 64, DMA_TO_DEVICE);
    dma_mapping_error(dev, d);
    dma_free_coherent(dev, 64, b.va, d);
  }, reports: [/frees DMA memory with wrong function/, /different direction/], warns: [/Freeing invalid buffer/] },
  { misuse: "dma_free_coherent with a different CPU address", act: ({ dev }) => {
    const c = dma_alloc_coherent(dev, 8192, GFP_KERNEL)!;
    dma_free_coherent(dev, 8192, c.cpuAddr + 4096, c.dmaAddr);
  }, reports: [/frees DMA memory with different CPU address/], warns: [/Freeing invalid buffer/] },
  { misuse: "dma_free_coherent with a different size", act: ({ dev }) => {
    const c = dma_alloc_coherent(dev, 4096, GFP_KERNEL)!;
    dma_free_coherent(dev, 65536, c.cpuAddr, c.dmaAddr);
  }, reports: [/frees DMA memory with different size/], warns: [/freeing 65536 bytes of a 4096-byte coherent buffer/], pagesBack: true },
  { misuse: "dma_free_coherent with a larger size (arm64-ref)", options: { board: "arm64-ref" }, act: ({ dev }) => {
    const c = dma_alloc_coherent(dev, 4096, GFP_KERNEL)!;
    dma_free_coherent(dev, 65536, c.cpuAddr, c.dmaAddr);
  }, reports: [/frees DMA memory with different size \[device address=0x[0-9a-f]+\] \[map size=4096 bytes\] \[unmap size=65536 bytes\]/],
  warns: [/freeing 65536 bytes of a 4096-byte coherent buffer; dmasim frees the buffer as allocated/], pagesBack: true },
  { misuse: "dma_free_coherent with a smaller size (arm64-ref, 4.9)", options: { board: "arm64-ref", kernel: "v4.9" }, act: ({ dev }) => {
    const c = dma_alloc_coherent(dev, 16384, GFP_KERNEL)!;
    dma_free_coherent(dev, 4096, c.cpuAddr, c.dmaAddr);
  }, reports: [/frees DMA memory with different size/], warns: [/freeing 4096 bytes of a 16384-byte coherent buffer; dmasim frees the buffer as allocated/], pagesBack: true },
  { misuse: "dma_unmap_sg with a different entry count", act: ({ dev, buf }) => {
    const b = buf(4096);
    const sgl = sg_alloc(3);
    [0, 1, 2].forEach((i) => sg_set_buf(sgl[i], b.va + i * 1024, 1024));
    dma_map_sg(dev, sgl, 3, DMA_TO_DEVICE);
    dma_unmap_sg(dev, sgl, 2, DMA_TO_DEVICE);
  }, reports: [/frees DMA sg list with different entry count \[map count=3\] \[unmap count=2\]/, /frees DMA sg list with different entry count/] },
  { misuse: "dma_sync_sg_for_cpu with a different entry count", act: ({ dev, buf }) => {
    const b = buf(4096);
    const sgl = sg_alloc(2);
    [0, 1].forEach((i) => sg_set_buf(sgl[i], b.va + i * 1024, 1024));
    dma_map_sg(dev, sgl, 2, DMA_FROM_DEVICE);
    dma_sync_sg_for_cpu(dev, sgl, 1, DMA_FROM_DEVICE);
    dma_unmap_sg(dev, sgl, 2, DMA_FROM_DEVICE);
  }, reports: [/syncs DMA sg list with different entry count/] },
  { misuse: "mapping the current task's stack (4.9)", options: { kernel: "v4.9" },
    act: ({ s, dev }) => dma_map_single(dev, s.kernel.current.stack + 256, 64, DMA_TO_DEVICE), reports: [/maps memory from stack/] },
  { misuse: "mapping kernel text", act: ({ s, dev }) => dma_map_single(dev, s.kernel.mm.layout.image.text, 64, DMA_TO_DEVICE),
    reports: [/maps memory from kernel text or rodata/] },
  { misuse: "mapping vmalloc memory", act: ({ s, dev }) => dma_map_single(dev, s.kernel.vmalloc(4096), 64, DMA_TO_DEVICE),
    returns: DMA_MAPPING_ERROR, warns: [/rejecting DMA map of vmalloc memory/] },
  { misuse: "overlapping FROM_DEVICE mappings of one cache line", act: ({ dev, buf }) => {
    const b = buf(64);
    dma_map_single(dev, b.va, 32, DMA_FROM_DEVICE);
    dma_map_single(dev, b.va + 32, 32, DMA_FROM_DEVICE);
  }, reports: [/cacheline tracking EEXIST, overlapping mappings aren't supported/] },
  { misuse: "sync of a range never mapped", act: ({ dev, buf }) => dma_sync_single_for_cpu(dev, buf().pa, 64, DMA_FROM_DEVICE),
    reports: [/tries to sync DMA memory it has not allocated/] },
  { misuse: "sync reaching past its mapping", act: ({ dev, buf }) => {
    const d = dma_map_single(dev, buf(4096).va, 64, DMA_FROM_DEVICE);
    dma_sync_single_for_cpu(dev, d, 128, DMA_FROM_DEVICE);
  }, reports: [/tries to sync DMA memory it has not allocated/] },
  { misuse: "sync for the CPU of a TO_DEVICE mapping, with FROM_DEVICE", act: ({ dev, buf }) => {
    const d = dma_map_single(dev, buf().va, 128, DMA_TO_DEVICE);
    dma_sync_single_for_cpu(dev, d, 64, DMA_FROM_DEVICE);
  }, reports: [/syncs DMA memory with different direction/, /syncs device read-only DMA memory for cpu/] },
  { misuse: "sync for the device of a FROM_DEVICE mapping, with TO_DEVICE", act: ({ dev, buf }) => {
    const d = dma_map_single(dev, buf().va, 64, DMA_FROM_DEVICE);
    dma_sync_single_for_device(dev, d, 64, DMA_TO_DEVICE);
  }, reports: [/syncs DMA memory with different direction/, /syncs device write-only DMA memory to device/] },
  { misuse: "an sg segment longer than the device allows", options: { board: "arm64-ref" }, act: ({ dev, buf }) => {
    dev.dma_parms = { max_segment_size: 512, segment_boundary_mask: 0xffffffffffffffffn, min_align_mask: 0 };
    const sgl = sg_alloc(1);
    sg_set_buf(sgl[0], buf(4096).va, 1024);
    dma_map_sg(dev, sgl, 1, DMA_TO_DEVICE);
  }, reports: [/mapping sg segment longer than device claims to support \[len=1024\] \[max=512\]/] },
  { misuse: "more mappings than debug entries (4.9)", options: { kernel: "v4.9", dmaDebug: { allErrors: true, entries: 2 } },
    act: ({ dev, buf }) => [0, 1, 2].map(() => dma_map_single(dev, buf().va, 64, DMA_TO_DEVICE)),
    warns: [/DMA-API: debugging out of memory - disabling/] },

  // ---- what DMA-API debug does not see ----
  // Its leak report at unbind is PCI's alone (dma_debug_add_bus): the AMBA DMAC's unbind gets
  // dmasim's note instead.
  { misuse: "a mapping left when the driver unbinds", act: ({ s, dev, buf }) => {
    dma_map_single(dev, buf().va, 64, DMA_TO_DEVICE);
    // pl330_remove frees its microcode, so the test's mapping is all that is left.
    s.kernel.device_release_driver(dev);
    s.kernel.device_attach(dev);
  }, notes: [/^dmasim: note: amba f8003000\.dma-controller: driver dma-pl330 unbound with 1 DMA-API debug entry still live/] },
  { misuse: "use of a coherent buffer after dma_free_coherent", act: ({ s, dev }) => {
    const c = dma_alloc_coherent(dev, 4096, GFP_KERNEL)!;
    dma_free_coherent(dev, 4096, c.cpuAddr, c.dmaAddr);
    s.cpu.fill(c.cpuAddr, 1, 64);
  }, throws: [CpuFault, /Unable to handle kernel paging request at virtual address 0x[0-9a-f]{8} \(translation fault\)/], pagesBack: true },
  { misuse: "dma_free_coherent twice", act: ({ dev }) => {
    const c = dma_alloc_coherent(dev, 4096, GFP_KERNEL)!;
    dma_free_coherent(dev, 4096, c.cpuAddr, c.dmaAddr);
    dma_free_coherent(dev, 4096, c.cpuAddr, c.dmaAddr);
  }, reports: [/tries to free DMA memory it has not allocated/], warns: [/Freeing invalid buffer/], pagesBack: true },
  { misuse: "mapping an address beyond DRAM", act: ({ s, dev }) => dma_map_single(dev, s.kernel.mm.phys_to_virt(s.kernel.mm.ramEnd + 2 ** 20), 64, DMA_TO_DEVICE),
    throws: [CpuFault, /Unable to handle kernel paging request at virtual address 0xe0100000/], reports: [/maps memory from invalid area/], pagesBack: true },
  { misuse: "dma_map_sg of entries never filled in", act: ({ dev }) => dma_map_sg(dev, sg_alloc(2), 2, DMA_TO_DEVICE),
    throws: [CpuFault, /^Unable to handle kernel NULL pointer dereference at virtual address 0x00000000 \(translation fault\)$/], pagesBack: true },
  { misuse: "dma_map_sg with its second entry never filled in", options: { board: "arm64-ref" }, act: ({ dev, b }) => {
    const sgl = sg_alloc(2);
    sg_set_buf(sgl[0], b.va, 64);
    return dma_map_sg(dev, sgl, 2, DMA_FROM_DEVICE);
  }, throws: [CpuFault, /^Unable to handle kernel NULL pointer dereference at virtual address 0x0000000000000000 \(translation fault\)$/], pagesBack: true },
  { misuse: "a sync far larger than RAM", act: ({ dev, buf }) => {
    const d = dma_map_single(dev, buf(4096).va, 4096, DMA_FROM_DEVICE);
    dma_sync_single_for_cpu(dev, d, 2 ** 33, DMA_FROM_DEVICE);
  }, throws: [CpuFault, /Unable to handle kernel paging request at virtual address 0xe0000000/] },
  { misuse: "a zero-length mapping", act: ({ dev, buf }) => {
    const b = buf();
    const d = dma_map_single(dev, b.va, 0, DMA_TO_DEVICE);
    const ok = dma_mapping_error(dev, d) === 0 && d === b.pa;
    dma_unmap_single(dev, d, 0, DMA_TO_DEVICE);
    return ok;
  }, returns: true },
  { misuse: "a size past 32 bits on a 32-bit device", act: ({ dev, b }) => dma_map_single(dev, b.va, overflow, DMA_TO_DEVICE),
    returns: DMA_MAPPING_ERROR, warns: [/DMA addr 0x[0-9a-f]{8}\+4294967360 overflow \(mask ffffffff, bus limit 0\)/], pagesBack: true },
  { misuse: "a size past 32 bits with a 64-bit mask", options: { board: "arm64-ref" }, act: ({ dev, buf }) => {
    dma_set_mask(dev, 0xffffffffffffffffn);
    return dma_map_single(dev, buf().va, overflow, DMA_TO_DEVICE);
  }, throws: [CpuFault, /Unable to handle kernel paging request at virtual address 0xffffff8040000000/] },
  { misuse: "an invalid direction", act: ({ dev, b }) => dma_map_single(dev, b.va, 64, 3 as never),
    throws: [KernelBug, /kernel BUG at kernel\/dma\/mapping\.c: dma_map_single_attrs: invalid DMA direction 3 \(DMA_NONE\)/], pagesBack: true },

  // ---- values only JavaScript can pass: -EINVAL before anything changes ----
  ...([
    ["a negative size", ({ dev, buf }: Ctx) => dma_map_single(dev, buf().va, -1, DMA_TO_DEVICE), /dma_map_single_attrs: size -1 is not a byte count/],
    ["a NaN size", ({ dev, buf }: Ctx) => dma_map_single(dev, buf().va, NaN, DMA_TO_DEVICE), /size NaN is not a byte count/],
    ["a fractional size", ({ dev }: Ctx) => dma_alloc_coherent(dev, 100.5, GFP_KERNEL), /dma_alloc_attrs: size 100.5 is not a byte count/],
    ["a size given as a string", ({ dev, buf }: Ctx) => dma_map_single(dev, buf().va, "64" as never, DMA_TO_DEVICE), /size "64" is not a byte count/],
    ["a NaN address", ({ dev }: Ctx) => dma_map_single(dev, NaN, 64, DMA_TO_DEVICE), /ptr NaN is not a virtual address/],
    ["a fractional address", ({ dev, buf }: Ctx) => dma_map_single(dev, buf().va + 0.5, 64, DMA_TO_DEVICE), /ptr \d+\.5 is not a virtual address/],
    ["a negative page", ({ dev }: Ctx) => dma_map_page(dev, -1, 0, 64, DMA_TO_DEVICE), /dma_map_page_attrs: page -1 is not a non-negative whole number/],
    ["a NaN handle to unmap", ({ dev }: Ctx) => dma_unmap_page(dev, NaN, 64, DMA_TO_DEVICE), /addr NaN is not a DMA address/],
    ["a NaN handle to sync", ({ dev }: Ctx) => dma_sync_single_for_device(dev, NaN, 64, DMA_TO_DEVICE), /addr NaN is not a DMA address/],
    ["no device", ({ buf }: Ctx) => dma_map_single(null as never, buf().va, 64, DMA_TO_DEVICE), /dev null is not a struct device/],
    ["a NaN gfp", ({ dev }: Ctx) => dma_alloc_coherent(dev, 4096, NaN), /gfp NaN is not a non-negative whole number/],
    ["a NaN mask", ({ dev }: Ctx) => dma_set_mask(dev, NaN), /dma_set_mask: mask NaN/],
    ["nents beyond the list", ({ dev, buf }: Ctx) => {
      const sgl = sg_alloc(1);
      sg_set_buf(sgl[0], buf().va, 64);
      return dma_map_sg(dev, sgl, 5, DMA_TO_DEVICE);
    }, /dma_map_sg_attrs: nents 5 is more than the list's 1 entries/],
    ["a negative sg length", ({ buf }: Ctx) => sg_set_buf(sg_alloc(1)[0], buf().va, -64), /sg_set_buf: buflen -64 is not a byte count/],
    ["a NaN pool size", ({ dev }: Ctx) => dma_pool_create("p", dev, NaN, 8, 0), /dma_pool_create: size NaN/],
    ["no pool name", ({ dev }: Ctx) => dma_pool_create(null as never, dev, 64, 8, 0), /dma_pool_create: name null is not a string/],
    ["a destroyed pool", ({ dev }: Ctx) => {
      const p = dma_pool_create("p", dev, 64, 8, 0)!;
      dma_pool_destroy(p);
      return dma_pool_alloc(p, GFP_KERNEL);
    }, /dma_pool_alloc: pool p was destroyed/],
    ["a NaN block to dma_pool_free", ({ dev }: Ctx) => {
      const p = dma_pool_create("p", dev, 64, 8, 0)!;
      const b = dma_pool_alloc(p, GFP_KERNEL)!;
      try {
        dma_pool_free(p, NaN, b.dmaAddr);
      } finally {
        dma_pool_free(p, b.cpuAddr, b.dmaAddr);
        dma_pool_destroy(p);
      }
    }, /dma_pool_free: vaddr NaN is not a virtual address/],
    ["a NaN DMA address to prep_dma_memcpy", ({ s }: Ctx) => {
      const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
      try {
        return dmaengine_prep_dma_memcpy(chan, NaN, 0, 64, 0);
      } finally {
        dma_release_channel(chan);
      }
    }, /dmaengine_prep_dma_memcpy: dst NaN/],
    ["a negative length to cpu.read", ({ s, buf }: Ctx) => s.cpu.read(buf().va, -4), /cpu\.read: len -4 is not a byte count/],
    ["a string to cpu.write", ({ s, buf }: Ctx) => s.cpu.write(buf().va, "abc" as never), /cpu\.write: bytes is not a Uint8Array/],
  ] as [string, (c: Ctx) => unknown, RegExp][]).map(([misuse, act, re]): Row => ({ misuse, act, throws: [KernelError, new RegExp(`^-EINVAL: .*${re.source}`)] })),
];

describe("DMA-API misuse matrix (zynq-7000 unless said, DMA-API debug on)", () => {
  for (const row of ROWS) {
    it(`${row.misuse}: the kernel's answer, and the System still works`, async () => {
      const c = await boot(row.options);
      const k = c.s.kernel;
      const free0 = k.mm.buddy.freePageCount;
      const t0 = c.s.now();
      const reports0 = k.dma.debug.reports.length;
      let returned: unknown;
      if (row.throws) {
        const [cls, re] = row.throws;
        let thrown: unknown;
        try {
          row.act(c);
        } catch (e) {
          thrown = e;
        }
        expect(thrown).toBeInstanceOf(cls);
        expect((thrown as Error).message).toMatch(re);
      } else {
        returned = row.act(c);
        if ("returns" in row) expect(returned).toEqual(row.returns);
      }
      const reports = k.dma.debug.reports.slice(reports0);
      if (row.reports) {
        expect(reports).toHaveLength(row.reports.length);
        row.reports.forEach((re, i) => expect(reports[i]).toMatch(re));
      } else {
        expect(reports).toEqual([]);
      }
      const warnings = k.printk.dmesg().filter((l) => l.timePs >= t0 && l.level <= 4).map((l) => l.text);
      for (const re of row.warns ?? []) expect(warnings.some((w) => re.test(w)), `${re} in ${JSON.stringify(warnings)}`).toBe(true);
      const notes = k.printk.dmesg().filter((l) => l.timePs >= t0 && l.level === KERN_NOTICE).map((l) => l.text);
      for (const re of row.notes ?? []) expect(notes.some((n) => re.test(n)), `${re} in ${JSON.stringify(notes)}`).toBe(true);
      if (row.pagesBack) expect(k.mm.buddy.freePageCount).toBe(free0);
      expectUsable(c);
    });
  }
});
