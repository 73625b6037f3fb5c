// ptdump: the kernel page tables as /sys/kernel/debug/kernel_page_tables shows them, read from
// simulated memory. The expected lines are written out from arch/arm64/mm/dump.c's and
// arch/arm/mm/dump.c's formats: "0x%016lx-0x%016lx   %9lu%c %s" then " %s" per bit.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { dma_alloc_coherent } from "../../src/dma/mapping.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { formatVirt } from "../../src/hw/address.js";

const MB2 = 2 ** 21;
const hex = (va: number) => formatVirt(va, 64);
const floor = (va: number, a: number) => va - (((va % a) + a) % a);

describe("ptdump", () => {
  it("4.9 arm64: a coherent buffer appears twice — 2 MB cacheable block and 4 KB Normal-NC pages (the seed)", async () => {
    const s = await createSystem({ board: "arm64-ref", kernel: "v4.9" });
    const dev = s.device("ff6e0000.dma-controller");
    const buf = dma_alloc_coherent(dev, 8192, GFP_KERNEL)!;
    const alias = s.kernel.mm.phys_to_virt(buf.dmaAddr);
    expect(hex(alias).startsWith("0xffffffc0")).toBe(true);
    expect(hex(buf.cpuAddr).startsWith("0xffffff80")).toBe(true);
    const blk = floor(alias, MB2);
    expect(s.ptdump({ start: blk, end: blk + MB2 }).split("\n")).toEqual([
      "---[ Linear Mapping ]---",
      `${hex(blk)}-${hex(blk + MB2)}           2M PMD     RW NX SHD AF        BLK UXN MEM/NORMAL`,
    ]);
    expect(s.ptdump({ start: buf.cpuAddr, end: buf.cpuAddr + 8192 }).split("\n")).toEqual([
      "---[ vmalloc() Area ]---",
      `${hex(buf.cpuAddr)}-${hex(buf.cpuAddr + 8192)}           8K PTE     RW NX SHD AF            UXN MEM/NORMAL-NC`,
    ]);
  });

  it("4.9 arm64: the full dump walks the markers and shows the image segments and the linear map", async () => {
    const s = await createSystem({ board: "arm64-ref", kernel: "v4.9" });
    const lines = s.ptdump().split("\n");
    expect(lines[0]).toBe("---[ Modules start ]---");
    expect(lines).toContain("---[ vmalloc() Area ]---");
    // Kernel text: read-only, executable (x), 2 MB blocks where aligned.
    expect(lines).toContain("0xffffff8008200000-0xffffff8008800000           6M PMD     ro x  SHD AF        BLK UXN MEM/NORMAL");
    // The linear alias of text/rodata is read-only; below the kernel, RW 4 KB pages.
    expect(lines).toContain("0xffffffc000000000-0xffffffc000080000         512K PTE     RW NX SHD AF            UXN MEM/NORMAL");
    expect(lines[lines.length - 1]).toMatch(/^0xffffffc000e00000-0xffffffc040000000        1010M PMD     RW NX SHD AF        BLK UXN MEM\/NORMAL$/);
  });

  it("modern arm64: the 6.x format with a valid column, also listing empty ranges", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const buf = dma_alloc_coherent(s.device("ff6e0000.dma-controller"), 4096, GFP_KERNEL)!;
    expect(s.ptdump({ start: buf.cpuAddr, end: buf.cpuAddr + 8192 }).split("\n")).toEqual([
      "---[ vmalloc() area ]---",
      `${hex(buf.cpuAddr)}-${hex(buf.cpuAddr + 4096)}           4K PTE       RW NX SHD AF            UXN    MEM/NORMAL-NC`,
      `${hex(buf.cpuAddr + 4096)}-${hex(buf.cpuAddr + 8192)}           4K PTE`,
    ]);
  });

  it("arm: sections for lowmem, Linux PTE bits for the coherent remap", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel: "v4.9" });
    const buf = dma_alloc_coherent(s.device("f8003000.dma-controller"), 4096, GFP_KERNEL)!;
    const h = (v: number) => formatVirt(v, 32);
    expect(s.ptdump({ start: 0xc0000000, end: 0xc0200000 }).split("\n")).toEqual([
      "---[ Kernel Mapping ]---",
      "0xc0000000-0xc0200000           2M     RW x  SHD",
    ]);
    expect(s.ptdump({ start: buf.cpuAddr, end: buf.cpuAddr + 4096 }).split("\n")).toEqual([
      "---[ vmalloc() Area ]---",
      `${h(buf.cpuAddr)}-${h(buf.cpuAddr + 4096)}           4K     RW NX SHD MEM/BUFFERABLE/WC`,
    ]);
  });

  it("reads the tables from memory through the CPU: a rewritten PTE shows up, and it costs time", async () => {
    const s = await createSystem({ board: "arm64-ref", kernel: "v4.9" });
    const buf = dma_alloc_coherent(s.device("ff6e0000.dma-controller"), 4096, GFP_KERNEL)!;
    const mm = s.kernel.mm;
    const cpu = s.machine.cpu;
    // Walk to the L3 entry by hand: 39-bit VA, indices VA[38:30], VA[29:21], VA[20:12].
    const low = buf.cpuAddr + 2 ** 39;
    const idx = (l: number) => Math.floor(low / 2 ** (39 - 9 * l)) % 512;
    const next = (table: number, i: number) => Number(cpu.load64(mm.phys_to_virt(table + i * 8)) & 0x0000fffffffff000n);
    const l3 = next(next(mm.pgt.root, idx(1)), idx(2));
    const slot = mm.phys_to_virt(l3 + idx(3) * 8);
    const pte = cpu.load64(slot);
    cpu.store64(slot, (pte & ~(7n << 2n)) | (4n << 2n)); // AttrIndx 4: MT_NORMAL in 4.9
    const t0 = s.now();
    expect(s.ptdump({ start: buf.cpuAddr, end: buf.cpuAddr + 4096 })).toMatch(/4K PTE .* UXN MEM\/NORMAL$/);
    expect(s.now()).toBeGreaterThan(t0);
  });
});

describe("ptdump ranges", () => {
  it("an empty range lists nothing; a reversed one or a start that is not an address is -EINVAL", async () => {
    for (const board of ["zynq-7000", "arm64-ref"] as const) {
      const s = await createSystem({ board });
      const va = s.kernel.kmalloc(4096, GFP_KERNEL);
      expect(s.ptdump({ start: va, end: va })).toBe("");
      const bits = board === "arm64-ref" ? 64 : 32;
      expect(() => s.ptdump({ start: va + 4096, end: va })).toThrow(
        `ptdump: end ${formatVirt(va, bits)} is below start ${formatVirt(va + 4096, bits)}`);
      expect(() => s.ptdump({ start: va + 4096, end: va })).toThrow(expect.objectContaining({ errno: -22 }));
      expect(() => s.ptdump({ start: NaN })).toThrow("ptdump: start NaN is not a virtual address");
      expect(() => s.ptdump({ end: "0xc0000000" as unknown as number })).toThrow('ptdump: end "0xc0000000" is not a virtual address');
    }
  });

  it("takes BigInt addresses as the other kernel calls do", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    expect(s.ptdump({ start: 0xc0000000n, end: 0xc0200000n })).toBe(s.ptdump({ start: 0xc0000000, end: 0xc0200000 }));
    const a = await createSystem({ board: "arm64-ref" });
    expect(a.ptdump({ start: 0xffffff8000000000n, end: 0xffffff8000400000n }).split("\n")).toEqual([
      "---[ Linear Mapping start ]---",
      "0xffffff8000000000-0xffffff8000400000           4M PMD       ro NX SHD AF        BLK UXN    MEM/NORMAL",
    ]);
  });
});
