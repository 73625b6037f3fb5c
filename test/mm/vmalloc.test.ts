// The vmalloc area on a booted kernel: guard pages, first fit at the lowest address, lazy
// unmapping (PTEs gone at once, TLB entries and address reuse only after the purge), ioremap
// alignment, and /proc/vmallocinfo.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { formatVirt } from "../../src/hw/address.js";
import { Vmalloc, VM_ALLOC, VM_IOREMAP } from "../../src/mm/vmalloc.js";
import type { KernelLayout } from "../../src/mm/layout.js";

const PAGE = 4096;

describe("vmalloc", () => {
  it("leaves an unmapped guard page after each area", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const k = s.kernel;
    const a = k.vmalloc(2 * PAGE);
    const b = k.vmalloc(PAGE);
    expect(b - a).toBe(3 * PAGE);
    s.cpu.fill(a, 0x5a, 2 * PAGE);
    expect(s.cpu.read(a + 2 * PAGE - 1, 1)).toEqual(Uint8Array.of(0x5a));
    expect(s.machine.mmu.walk(a + 2 * PAGE)).toMatchObject({ fault: 1 });
    expect(() => s.cpu.read(a + 2 * PAGE, 1)).toThrow(/Unable to handle kernel paging request/);
  });

  it("unmaps at once but flushes the TLB and reuses the range only at the lazy purge", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const k = s.kernel;
    const a = k.vmalloc(PAGE);
    const pa = (s.machine.mmu.walk(a) as { pa: number }).pa;
    s.cpu.read(a, 4); // the translation is now in the TLB
    k.vfree(a);
    expect(s.machine.mmu.walk(a)).toMatchObject({ fault: 1 }); // the PTE is gone…
    expect(s.machine.mmu.translate(a)).toMatchObject({ pa }); // …but the TLB still has it
    const b = k.vmalloc(PAGE);
    expect(b).toBeGreaterThan(a); // the lazily freed range is not reused yet
    k.mm.vmalloc.purgeLazy();
    expect(s.machine.mmu.translate(a)).toMatchObject({ fault: 1 });
    expect(k.vmalloc(PAGE)).toBe(a); // first fit at the lowest address again
  });

  it("purges by itself once more than lazy_max_pages are freed (fls(2 CPUs) × 32 MB)", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const vm = s.kernel.mm.vmalloc;
    expect(vm.lazyMaxPages).toBe(2 * 8192);
    const big = s.kernel.vmalloc((vm.lazyMaxPages + 1) * PAGE);
    expect(big).not.toBe(0);
    const before = vm.purges;
    s.kernel.vfree(big);
    expect(vm.purges).toBe(before + 1);
    expect(vm.pendingLazyPages).toBe(0);
  });

  it("does not purge at exactly lazy_max_pages lazily freed pages, only past it (mm/vmalloc.c: nr_lazy > lazy_max_pages)", () => {
    const pgt = { root: 0, mapRange() {}, mapPage() {}, unmapPage() {}, flushTlbKernelRange() {}, enable() {} };
    const layout = { arch: "arm64", version: "modern", vmallocStart: 0x100000, vmallocEnd: 0x40000000 } as unknown as KernelLayout;
    const vm = new Vmalloc(layout, pgt, 2); // fls(2) × 8192 = 16384 pages
    const big = vm.getVmArea(16384 * PAGE, VM_ALLOC, "big")!; // 16384 mapped pages and a guard page
    const one = vm.getVmArea(PAGE, VM_ALLOC, "one")!;
    vm.vunmap(big.start);
    expect([vm.purges, vm.pendingLazyPages]).toEqual([0, 16384]);
    vm.vunmap(one.start);
    expect([vm.purges, vm.pendingLazyPages]).toEqual([1, 0]);
  });

  it("places an area in the first hole it fits exactly, even one a larger request passed over", () => {
    const pgt = { root: 0, mapRange() {}, mapPage() {}, unmapPage() {}, flushTlbKernelRange() {}, enable() {} };
    const layout = { arch: "arm64", version: "modern", vmallocStart: 0x100000, vmallocEnd: 0x10000000 } as unknown as KernelLayout;
    const vm = new Vmalloc(layout, pgt, 1);
    expect(vm.getVmArea(PAGE, VM_ALLOC, "a")!.start).toBe(0x100000); // [0x100000, 0x102000) with its guard page
    expect(vm.getVmArea(4 * PAGE, VM_IOREMAP, "io")!.start).toBe(0x104000); // 16 KB aligned: a 2-page hole before it
    expect(vm.getVmArea(3 * PAGE, VM_ALLOC, "b")!.start).toBe(0x109000); // 4 pages with the guard: not in the hole
    expect(vm.getVmArea(PAGE, VM_ALLOC, "c")!.start).toBe(0x102000); // 2 pages with the guard: exactly the hole
  });

  it("uses the vmalloc area up to its very end (alloc_vmap_area: addr + size > vend overflows)", () => {
    const pgt = { root: 0, mapRange() {}, mapPage() {}, unmapPage() {}, flushTlbKernelRange() {}, enable() {} };
    const layout = { arch: "arm64", version: "modern", vmallocStart: 0x100000, vmallocEnd: 0x104000 } as unknown as KernelLayout;
    const warnings: string[] = [];
    const vm = new Vmalloc(layout, pgt, 1);
    vm.onWarn = (w) => warnings.push(w);
    expect(vm.getVmArea(3 * PAGE, VM_ALLOC, "fits")!.start).toBe(0x100000); // 3 pages + guard = 16 KB
    expect(vm.getVmArea(PAGE, VM_ALLOC, "full")).toBeNull();
    expect(warnings).toEqual(["vmap allocation for size 8192 failed: use vmalloc=<size> to increase size"]);
  });

  it("aligns ioremap areas to their size: fls_long(size) in 4.9, get_count_order since", () => {
    const pgt = { root: 0, mapRange() {}, mapPage() {}, unmapPage() {}, flushTlbKernelRange() {}, enable() {} };
    const area = (version: "v4.9" | "modern") => {
      const layout = { arch: "arm64", version, vmallocStart: 0x100000, vmallocEnd: 0x10000000 } as unknown as KernelLayout;
      const vm = new Vmalloc(layout, pgt, 1);
      vm.getVmArea(PAGE, VM_ALLOC, "a"); // [0x100000, 0x102000) with its guard page
      vm.getVmArea(2 * PAGE, VM_ALLOC, "b"); // [0x102000, 0x105000)
      return [vm.getVmArea(PAGE, VM_IOREMAP, "ioremap")!.start, vm.getVmArea(4 * PAGE, VM_IOREMAP, "ioremap")!.start];
    };
    // 4.9: 4 KB → 2^fls(4096) = 8 KB alignment, 16 KB → 32 KB; modern: 4 KB and 16 KB.
    expect(area("v4.9")).toEqual([0x106000, 0x108000]);
    expect(area("modern")).toEqual([0x105000, 0x108000]);
  });

  it("aligns large ioremap windows beyond the generic 512 KB: arm up to 16 MB, arm64 up to 1 GB", () => {
    const pgt = { root: 0, mapRange() {}, mapPage() {}, unmapPage() {}, flushTlbKernelRange() {}, enable() {} };
    const start = (arch: "arm" | "arm64", bytes: number) => {
      const layout = { arch, version: "modern", vmallocStart: 0x100000, vmallocEnd: 0x80000000 } as unknown as KernelLayout;
      const vm = new Vmalloc(layout, pgt, 1);
      vm.getVmArea(PAGE, VM_ALLOC, "a"); // [0x100000, 0x102000) with its guard page
      return vm.getVmArea(bytes, VM_IOREMAP, "ioremap")!.start;
    };
    // get_count_order(2 MB) = 21: a 2 MB window starts at the first 2 MB boundary above 0x102000.
    expect(start("arm", 2 << 20)).toBe(0x200000);
    expect(start("arm64", 2 << 20)).toBe(0x200000);
    // 32 MB: arm stops at 2^24, arm64 aligns to 2^25.
    expect(start("arm", 32 << 20)).toBe(0x1000000);
    expect(start("arm64", 32 << 20)).toBe(0x2000000);
  });

  it("prints ioremap areas with their physical address", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const a = s.kernel.mm.ioremap(0xff1a0000, 0x100)!;
    expect(s.kernel.mm.vmallocinfo()).toContain(`${formatVirt(a)}-${formatVirt(a + 2 * PAGE)}    8192 ioremap phys=0x00000000ff1a0000 ioremap`);
  });

  it("lists areas in /proc/vmallocinfo with size, caller, pages and flags", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel: "v4.9" });
    const a = s.kernel.vmalloc(3 * PAGE);
    const line = `${formatVirt(a, 32)}-${formatVirt(a + 4 * PAGE, 32)}   16384 vmalloc pages=3 vmalloc`;
    expect(s.kernel.mm.vmallocinfo().split("\n")).toContain(line);
    s.kernel.vfree(a);
    expect(s.kernel.mm.vmallocinfo()).not.toContain(line); // 4.9 does not list unpurged areas
  });

  it("warns about freeing an area that does not exist and changes nothing", async () => {
    const s = await createSystem({ board: "arm64-ref", kernel: "v4.9" });
    const before = s.kernel.mm.vmallocinfo();
    s.kernel.vfree(-(2 ** 39) + 0x9000000);
    expect(s.dmesg()).toMatch(/WARNING: Trying to vfree\(\) nonexistent vm area \(ffffff8009000000\)/);
    expect(s.kernel.mm.vmallocinfo()).toBe(before);
  });
});
