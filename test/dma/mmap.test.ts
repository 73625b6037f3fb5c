// dma_mmap_coherent / dma_mmap_attrs: the protection the user mapping of a coherent buffer gets
// (PTE values worked out by hand from Linux's definitions, below), its checks and -ENXIO, and
// the bytes a process sees after a non-coherent device wrote the buffer — stale through a
// cacheable alias made by remap_pfn_range(vma->vm_page_prot), fresh through dma_mmap_coherent.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import type { System } from "../../src/system.js";
import { editedSystem } from "../helpers/edited-system.js";
import type { DeviceTree } from "../../src/of/node.js";
import { userTranslation } from "../helpers/user-translation.js";
import { dma_alloc_attrs, dma_alloc_coherent, dma_free_coherent } from "../../src/dma/mapping.js";
import { dma_mmap_attrs, dma_mmap_coherent } from "../../src/dma/mmap.js";
import { DMA_ATTR_WRITE_COMBINE } from "../../src/dma/constants.js";
import { remap_pfn_range } from "../../src/mm/remap-pfn-range.js";
import type { VmAreaStruct } from "../../src/mm/mmap.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import type { KernelError } from "../../src/kernel/errno.js";

const DMAC = { "zynq-7000": "f8003000.dma-controller", "arm64-ref": "ff6e0000.dma-controller" } as const;

function hwPte(s: System, uva: number): { hw: bigint; memType: string } {
  const t = userTranslation(s, uva);
  return { hw: t.descriptor, memType: t.memType };
}

function errnoOf(f: () => unknown): number {
  try {
    f();
  } catch (e) {
    return (e as KernelError).errno;
  }
  return 0;
}

describe("the protection of a dma_mmap_coherent mapping", () => {
  // arm: pgprot_dmacoherent(PAGE_SHARED 0x71f) = MT_BUFFERABLE (0x04) | XN = 0x707; set_pte_ext:
  // B 0x4, S 0x400, AP0 0x10, small 0x2, APX 0x200 (clean), AP1 0x20, XN 0x1, nG 0x800 = 0xe37
  // (TEX[0]:C:B = 001: BUFFERABLE, Normal non-cacheable).
  it("zynq-7000: BUFFERABLE (Normal NC) for the non-coherent PL330", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const dev = s.device(DMAC["zynq-7000"]);
    const buf = dma_alloc_coherent(dev, 8192, GFP_KERNEL)!;
    const uva = s.user.mmap(8192, (vma) => dma_mmap_coherent(dev, vma, buf.cpuAddr, buf.dmaAddr, 8192));
    expect(s.kernel.userMm.pgt.pte(uva)).toBe(BigInt(buf.dmaAddr) | 0x707n);
    expect(hwPte(s, uva + 4096)).toEqual({ hw: BigInt(buf.dmaAddr + 4096) | 0xe37n, memType: "Normal NC" });
  });

  // arm64 modern: pgprot_dmacoherent swaps ATTRINDX for MT_NORMAL_NC (2 → 0x8):
  // 0x0168000000000fc3 → 0x0168000000000fcb; 4.9 uses pgprot_writecombine, MT_NORMAL_NC = 3.
  it.each([
    ["modern", 0x0168000000000fcbn],
    ["v4.9", 0x0168000000000fcfn],
  ] as const)("arm64-ref %s: Normal NC", async (kernel, bits) => {
    const s = await createSystem({ board: "arm64-ref", kernel });
    const dev = s.device(DMAC["arm64-ref"]);
    const buf = dma_alloc_coherent(dev, 4096, GFP_KERNEL)!;
    const uva = s.user.mmap(4096, (vma) => dma_mmap_coherent(dev, vma, buf.cpuAddr, buf.dmaAddr, 4096));
    expect(hwPte(s, uva)).toEqual({ hw: BigInt(buf.dmaAddr) | bits, memType: "Normal NC" });
  });

  it("a dma-coherent device keeps the VMA's cacheable protection; WRITE_COMBINE is Normal NC too", async () => {
    const s = await editedSystem("arm64-ref", (tree: DeviceTree) => {
      for (const n of tree.compatibleNodes("arm,pl330")) n.properties.set("dma-coherent", new Uint8Array());
    });
    const dev = s.device(DMAC["arm64-ref"]);
    const buf = dma_alloc_coherent(dev, 4096, GFP_KERNEL)!;
    const uva = s.user.mmap(4096, (vma) => dma_mmap_coherent(dev, vma, buf.cpuAddr, buf.dmaAddr, 4096));
    expect(hwPte(s, uva)).toEqual({ hw: BigInt(buf.dmaAddr) | 0x0168000000000fc3n, memType: "Normal WB" });
    const z = await createSystem({ board: "zynq-7000" });
    const zdev = z.device(DMAC["zynq-7000"]);
    const wc = dma_alloc_attrs(zdev, 4096, GFP_KERNEL, DMA_ATTR_WRITE_COMBINE)!;
    const wuva = z.user.mmap(4096, (vma) => dma_mmap_attrs(zdev, vma, wc.cpuAddr, wc.dmaAddr, 4096, DMA_ATTR_WRITE_COMBINE));
    // pgprot_writecombine: MT_BUFFERABLE, XN kept from PAGE_SHARED: the same 0xe37.
    expect(hwPte(z, wuva)).toEqual({ hw: BigInt(wc.dmaAddr) | 0xe37n, memType: "Normal NC" });
  });
});

describe("dma_mmap_attrs's checks", () => {
  it("-ENXIO when the VMA is larger than the buffer or vm_pgoff lies past it; vm_pgoff picks the page", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const dev = s.device(DMAC["zynq-7000"]);
    const buf = dma_alloc_coherent(dev, 8192, GFP_KERNEL)!;
    s.cpu.write(buf.cpuAddr + 4096, new Uint8Array([0xab, 0xcd]));
    const fop = (vma: VmAreaStruct) => dma_mmap_coherent(dev, vma, buf.cpuAddr, buf.dmaAddr, 8192);
    expect(errnoOf(() => s.user.mmap(3 * 4096, fop))).toBe(-6);
    expect(errnoOf(() => s.user.mmap(4096, fop, { offset: 8192 }))).toBe(-6);
    expect(errnoOf(() => s.user.mmap(8192, fop, { offset: 4096 }))).toBe(-6);
    const uva = s.user.mmap(4096, fop, { offset: 4096 });
    expect([...s.user.read(uva, 2)]).toEqual([0xab, 0xcd]);
    // A buffer of 5000 bytes has two pages to map.
    const odd = dma_alloc_coherent(dev, 5000, GFP_KERNEL)!;
    expect(s.user.mmap(8192, (vma) => dma_mmap_coherent(dev, vma, odd.cpuAddr, odd.dmaAddr, 5000))).toBeGreaterThan(0);
  });

  it("a freed buffer, another device's, or a size past the buffer: mapped as Linux maps it, with a WARNING", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const dev = s.device(DMAC["zynq-7000"]);
    const uart = s.device("e0001000.serial");
    const buf = dma_alloc_coherent(dev, 8192, GFP_KERNEL)!;
    const gone = dma_alloc_coherent(dev, 4096, GFP_KERNEL)!;
    dma_free_coherent(dev, 4096, gone.cpuAddr, gone.dmaAddr);
    // Linux cannot tell these from good calls: each maps, and the process reads the pages behind.
    s.cpu.fill(buf.cpuAddr, 0x5a, 8192);
    expect(s.user.mmap(4096, (vma) => dma_mmap_coherent(dev, vma, gone.cpuAddr, gone.dmaAddr, 4096))).toBeGreaterThan(0);
    const viaUart = s.user.mmap(4096, (vma) => dma_mmap_coherent(uart, vma, buf.cpuAddr, buf.dmaAddr, 4096));
    expect([...s.user.read(viaUart, 4)]).toEqual([0x5a, 0x5a, 0x5a, 0x5a]);
    const past = s.user.mmap(12288, (vma) => dma_mmap_coherent(dev, vma, buf.cpuAddr, buf.dmaAddr, 12288));
    expect([...s.user.read(past + 8191, 1)]).toEqual([0x5a]); // the third page lies past the buffer
    const warnings = s.dmesg().split("\n").filter((l) => l.includes("WARNING: dma_mmap_attrs"));
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/f8003000\.dma-controller: cpu_addr 0x[0-9a-f]{8} is no live coherent buffer of this device \(freed, or another device's\)/);
    expect(warnings[1]).toMatch(/e0001000\.serial: cpu_addr/);
    expect(warnings[2]).toMatch(/size 12288 is larger than the 8192-byte buffer/);
    expect(s.kernel.userMm.vmas.list()).toHaveLength(3);
  });

  it("refuses what is not a VMA with -EINVAL", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const dev = s.device(DMAC["zynq-7000"]);
    const buf = dma_alloc_coherent(dev, 4096, GFP_KERNEL)!;
    expect(() => dma_mmap_coherent(dev, {} as VmAreaStruct, buf.cpuAddr, buf.dmaAddr, 4096)).toThrow(/-EINVAL: dma_mmap_attrs: vma/);
  });
});

describe("what the process sees after the device wrote the buffer", () => {
  it.each(["zynq-7000", "arm64-ref"] as const)("%s: stale bytes through remap_pfn_range's cacheable alias, fresh through dma_mmap_coherent", async (board) => {
    const s = await createSystem({ board });
    const dev = s.device(DMAC[board]);
    const buf = dma_alloc_coherent(dev, 4096, GFP_KERNEL)!;
    s.cpu.fill(buf.cpuAddr, 0x11, 4096);
    const buggy = s.user.mmap(4096, (vma) => remap_pfn_range(vma, vma.vm_start, buf.dmaAddr / 4096, 4096, vma.vm_page_prot));
    const right = s.user.mmap(4096, (vma) => dma_mmap_coherent(dev, vma, buf.cpuAddr, buf.dmaAddr, 4096));
    expect(s.user.read(buggy, 4096).every((b) => b === 0x11)).toBe(true);
    expect(s.user.read(right, 4096).every((b) => b === 0x11)).toBe(true);
    // A non-coherent device writes DRAM beneath the caches.
    s.machine.backdoor.write(buf.dmaAddr, new Uint8Array(4096).fill(0x22));
    expect(s.user.read(buggy, 4096).every((b) => b === 0x11)).toBe(true);
    expect(s.user.read(right, 4096).every((b) => b === 0x22)).toBe(true);
    expect(s.cpu.read(buf.cpuAddr, 4).every((b) => b === 0x22)).toBe(true);
  });
});
