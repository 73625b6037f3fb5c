// A user process's mappings: the PTEs remap_pfn_range writes with Linux's user protections (the
// expected descriptors are worked out by hand from the Linux definitions written below), the
// write fault that makes a clean PTE writable, and the signals of accesses the kernel does not
// fix.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import type { System } from "../../src/system.js";
import { decodeAttr } from "../../src/hw/machine.js";
import { remap_pfn_range } from "../../src/mm/remap-pfn-range.js";
import { PROT_READ, MAP_PRIVATE, MAP_SHARED, PROT_WRITE, type VmAreaStruct } from "../../src/mm/mmap.js";
import { UserSignal } from "../../src/mm/user-fault.js";
import { KernelError } from "../../src/kernel/errno.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";

/** The Linux PTE and the hardware descriptor the MMU walks at user address `uva`. */
function ptes(s: System, uva: number): { linux: bigint; hw: bigint; memType: string; user: boolean } {
  const mm = s.kernel.userMm;
  mm.pgt.switchTo(mm.asid);
  try {
    const w = s.machine.mmu.walk(uva);
    if (!("pa" in w)) throw new Error(`no translation at ${uva}`);
    const a = decodeAttr(w.attr);
    return { linux: mm.pgt.pte(uva), hw: w.descriptor, memType: a.memType, user: a.user };
  } finally {
    mm.pgt.switchTo(null);
  }
}

/** A page of kernel memory and a driver mmap that remaps it with the VMA's own protection (what
 *  a driver does that calls remap_pfn_range itself). */
function kernelPage(s: System): { pa: number; va: number; fop: (vma: VmAreaStruct) => number } {
  const va = s.kernel.kmalloc(4096, GFP_KERNEL);
  const pa = s.kernel.mm.virt_to_phys(va);
  return { pa, va, fop: (vma) => remap_pfn_range(vma, vma.vm_start, pa / 4096, 4096, vma.vm_page_prot) };
}

describe("arm (Zynq): PAGE_SHARED through set_pte_ext", () => {
  // PAGE_SHARED = L_PTE_PRESENT 0x1 | YOUNG 0x2 | MT_WRITEALLOC 0x1c | USER 0x100 | XN 0x200 |
  // SHARED 0x400 = 0x71f (pgprot_user of an SMP v7 kernel). set_pte_ext keeps C B (0xc), S
  // (0x400) and the PFN, adds AP0 0x10, small page 0x2, TEX[0] 0x40 (MT bit 4), AP1 0x20 (user),
  // XN 0x1, nG 0x800, and APX 0x200 while the PTE is clean: 0xe7f; once dirty (0x40 in the Linux
  // PTE) 0xc7f, AP = 011.
  it("maps the page cacheable, PL0 read-only until the first write marks it dirty", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const { pa, fop } = kernelPage(s);
    const uva = s.user.mmap(4096, fop);
    expect(uva).toBe(0xbf000000 - (128 << 20) - 4096);
    expect(ptes(s, uva)).toEqual({ linux: BigInt(pa) | 0x71fn, hw: BigInt(pa) | 0xe7fn, memType: "Normal WB", user: true });
    s.user.write(uva + 8, new Uint8Array([1, 2, 3]));
    expect(ptes(s, uva)).toMatchObject({ linux: BigInt(pa) | 0x75fn, hw: BigInt(pa) | 0xc7fn });
    expect([...s.user.read(uva + 8, 3)]).toEqual([1, 2, 3]);
  });

  it("a process cannot read a kernel address: the lowmem section is AP = 01", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const { va } = kernelPage(s);
    expect(() => s.user.read(va, 4)).toThrow(UserSignal);
    expect(() => s.user.read(va, 4)).toThrow(/SIGSEGV at 0x[0-9a-f]+ \(permission fault\)/);
    expect(s.cpu.read(va, 4)).toHaveLength(4); // the kernel still can
  });
});

describe("arm64: PAGE_SHARED as a descriptor", () => {
  // Modern PAGE_SHARED = PTE_TYPE_PAGE 0x3 | AF 0x400 | SHARED 0x300 | ATTRINDX(MT_NORMAL = 0) |
  // USER 0x40 | RDONLY 0x80 | NG 0x800 | PXN 1<<53 | UXN 1<<54 | WRITE (DBM) 1<<51, and
  // remap_pfn_range's pte_mkspecial adds 1<<56: 0x0168000000000fc3. pte_mkdirty sets DIRTY
  // (1<<55) and clears RDONLY: 0x01e8000000000f43.
  it("modern: RDONLY until the first write, then DIRTY and writable", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const { pa, fop } = kernelPage(s);
    const uva = s.user.mmap(4096, fop);
    expect(uva).toBe(2 ** 39 - (128 << 20) - 4096);
    expect(ptes(s, uva)).toEqual({ linux: BigInt(pa) | 0x0168000000000fc3n, hw: BigInt(pa) | 0x0168000000000fc3n, memType: "Normal WB", user: true });
    s.user.write(uva, new Uint8Array([9]));
    expect(ptes(s, uva).hw).toBe(BigInt(pa) | 0x01e8000000000f43n);
  });

  // 4.9 PAGE_SHARED has no RDONLY and ATTRINDX(MT_NORMAL = 4) = 0x10: 0x0068000000000f53;
  // set_pte_at makes a clean PTE RDONLY: with SPECIAL, 0x0168000000000fd3.
  it("v4.9: set_pte_at sets RDONLY on the clean PTE", async () => {
    const s = await createSystem({ board: "arm64-ref", kernel: "v4.9" });
    const { pa, fop } = kernelPage(s);
    const uva = s.user.mmap(4096, fop);
    expect(ptes(s, uva).hw).toBe(BigInt(pa) | 0x0168000000000fd3n);
    s.user.write(uva, new Uint8Array([9]));
    expect(ptes(s, uva).hw).toBe(BigInt(pa) | 0x01e8000000000f53n);
  });
});

describe("mmap, munmap and the process's faults", () => {
  it("places mappings top-down below mmap_base and refuses bad arguments as mmap(2) does", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const none = () => 0;
    const base = 2 ** 39 - (128 << 20);
    expect(s.user.mmap(8192, none)).toBe(base - 8192);
    expect(s.user.mmap(100, none)).toBe(base - 8192 - 4096);
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as KernelError).errno;
      }
      return 0;
    };
    expect(err(() => s.user.mmap(0, none))).toBe(-22);
    expect(err(() => s.user.mmap(4096, none, { offset: 100 }))).toBe(-22);
    expect(err(() => s.user.mmap(4096, none, { flags: MAP_PRIVATE, prot: PROT_READ | PROT_WRITE }))).toBe(-22);
    expect(err(() => s.user.mmap(4096, () => -16))).toBe(-16); // the driver's error
    expect(err(() => s.user.munmap(base - 100))).toBe(-22);
  });

  it("a failed driver mmap leaves nothing mapped; munmap removes the PTEs", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const { pa } = kernelPage(s);
    const half = (vma: VmAreaStruct) => {
      remap_pfn_range(vma, vma.vm_start, pa / 4096, 4096, vma.vm_page_prot);
      return -12;
    };
    expect(() => s.user.mmap(4096, half)).toThrow(/-ENOMEM/);
    const base = 0xbf000000 - (128 << 20);
    expect(() => s.user.read(base - 4096, 4)).toThrow(/SIGSEGV .*translation fault/);
    const uva = s.user.mmap(4096, (vma) => remap_pfn_range(vma, vma.vm_start, pa / 4096, 4096, vma.vm_page_prot));
    expect(uva).toBe(base - 4096);
    s.user.read(uva, 4);
    s.user.munmap(uva);
    expect(s.kernel.userMm.pgt.pte(uva)).toBe(0n);
    expect(() => s.user.read(uva, 4)).toThrow(/SIGSEGV .*translation fault/); // the TLB entry went too
  });

  it("munmap as Linux's do_munmap: nothing mapped is no error, a bad start or length is -EINVAL", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const base = 2 ** 39 - (128 << 20); // mmap_base on arm64 (39-bit VAs): TASK_SIZE less 128 MiB
    const errno = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as KernelError).errno;
      }
      return 0;
    };
    const uva = s.user.mmap(4096, kernelPage(s).fop);
    expect(uva).toBe(base - 4096);
    expect(errno(() => s.user.munmap(base - 8192))).toBe(0); // the page below: nothing there
    expect(errno(() => s.user.munmap(base - 8192, 4096))).toBe(0);
    expect(errno(() => s.user.munmap(base, 1 << 20))).toBe(0); // above mmap_base: nothing there
    expect(s.user.read(uva, 4)).toHaveLength(4); // untouched
    expect(errno(() => s.user.munmap(uva + 100, 4096))).toBe(-22); // offset_in_page(start)
    expect(errno(() => s.user.munmap(uva, 0))).toBe(-22); // PAGE_ALIGN(0) == 0
    expect(() => s.user.munmap(uva, 0)).toThrow(`munmap(0x${uva.toString(16)}, 0): length 0`);
    expect(errno(() => s.user.munmap(2 ** 39 - 4096, 8192))).toBe(-22); // runs past TASK_SIZE
    expect(errno(() => s.user.munmap(-(2 ** 38)))).toBe(-22); // a kernel address
    expect(errno(() => s.user.munmap(uva, 1))).toBe(0); // the length is page aligned up: one page
    expect(() => s.user.read(uva, 4)).toThrow(/SIGSEGV .*translation fault/);
    expect(s.kernel.userMm.vmas.list()).toHaveLength(0);
  });

  it("munmap of part of a mapping splits it: the rest still maps the same pages", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const k = s.kernel;
    // Three kernel pages, page i filled with 0x10 + i; the driver remaps all three.
    const va = k.kmalloc(3 * 4096, GFP_KERNEL);
    const pa = k.mm.virt_to_phys(va);
    for (let i = 0; i < 3; i++) s.cpu.fill(va + i * 4096, 0x10 + i, 4096);
    const uva = s.user.mmap(3 * 4096, (vma) => remap_pfn_range(vma, vma.vm_start, pa / 4096, 3 * 4096, vma.vm_page_prot));
    s.user.munmap(uva + 4096, 4096); // the middle page: __split_vma twice
    expect(s.kernel.userMm.vmas.list().map((v) => [v.vm_start - uva, v.vm_end - uva])).toEqual([[0, 4096], [8192, 12288]]);
    expect([...s.user.read(uva, 2)]).toEqual([0x10, 0x10]);
    expect(() => s.user.read(uva + 4096, 4)).toThrow(/SIGSEGV .*translation fault/);
    expect([...s.user.read(uva + 8192, 2)]).toEqual([0x12, 0x12]);
    // The upper part's offset moved with its start: vm_pgoff 0 + 2 pages.
    expect(s.kernel.userMm.vmas.find(uva + 8192)!.vm_pgoff).toBe(2);
    // Without a length: from addr to the end of the mapping holding it.
    s.user.munmap(uva + 8192);
    expect(() => s.user.read(uva + 8192, 4)).toThrow(/SIGSEGV .*translation fault/);
    // A range over the hole and the first page's mapping: what is mapped in it goes, no error.
    s.user.munmap(uva, 3 * 4096);
    expect(() => s.user.read(uva, 4)).toThrow(/SIGSEGV .*translation fault/);
    expect(s.kernel.userMm.vmas.list()).toHaveLength(0);
    // The lower part of a mapping goes, the upper stays (its start moves up).
    const uva2 = s.user.mmap(2 * 4096, (vma) => remap_pfn_range(vma, vma.vm_start, pa / 4096, 2 * 4096, vma.vm_page_prot));
    s.user.munmap(uva2, 4096);
    expect(() => s.user.read(uva2, 4)).toThrow(/SIGSEGV .*translation fault/);
    expect([...s.user.read(uva2 + 4096, 2)]).toEqual([0x11, 0x11]);
    expect(s.kernel.userMm.vmas.find(uva2 + 4096)).toMatchObject({ vm_start: uva2 + 4096, vm_end: uva2 + 8192, vm_pgoff: 1 });
  });

  it("a write to a read-only mapping is SIGSEGV, an empty PFN page SIGBUS", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const { pa } = kernelPage(s);
    const one = (vma: VmAreaStruct) => remap_pfn_range(vma, vma.vm_start, pa / 4096, 4096, vma.vm_page_prot);
    const ro = s.user.mmap(4096, one, { prot: PROT_READ });
    expect(s.user.read(ro, 2)).toHaveLength(2);
    expect(() => s.user.write(ro, new Uint8Array(2))).toThrow(/SIGSEGV at .* \(permission fault\)/);
    const two = s.user.mmap(8192, one, { flags: MAP_SHARED });
    s.user.write(two, new Uint8Array(4096).fill(5));
    expect(() => s.user.read(two + 4096, 4)).toThrow(/SIGBUS at/);
  });

  it("remap_pfn_range refuses an unaligned address and a range outside the VMA", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const got: number[] = [];
    s.user.mmap(4096, (vma) => {
      got.push(remap_pfn_range(vma, vma.vm_start + 8, 0x40000, 4096, vma.vm_page_prot));
      got.push(remap_pfn_range(vma, vma.vm_start, 0x40000, 8192, vma.vm_page_prot));
      return 0;
    });
    expect(got).toEqual([-22, -22]);
  });

  it("a driver mmap that throws or returns garbage leaves nothing mapped and says so", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const { pa } = kernelPage(s);
    const base = 0xbf000000 - (128 << 20);
    const mapThen = (after: () => unknown) => (vma: VmAreaStruct) => {
      remap_pfn_range(vma, vma.vm_start, pa / 4096, 4096, vma.vm_page_prot);
      return after() as number;
    };
    expect(() => s.user.mmap(4096, mapThen(() => { throw new Error("driver bug"); }))).toThrow("driver bug");
    for (const garbage of [undefined, 5, -1.5, -9999, "0"]) {
      expect(() => s.user.mmap(4096, mapThen(() => garbage))).toThrow(/the driver's mmap returned .*, not 0 or -errno \(nothing was mapped\)/);
    }
    expect(s.kernel.userMm.pgt.pte(base - 4096)).toBe(0n);
    // The range is free again: the next mapping takes the top page.
    expect(s.user.mmap(4096, mapThen(() => 0))).toBe(base - 4096);
  });

  it("the process cannot exit, munmap, mmap or fault from inside the driver's mmap (mmap_lock): -EDEADLK, nothing leaks", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const { pa } = kernelPage(s);
    const remap = (vma: VmAreaStruct) => remap_pfn_range(vma, vma.vm_start, pa / 4096, 4096, vma.vm_page_prot);
    const free = s.kernel.mm.buddy.freePageCount;
    const calls: [string, (vma: VmAreaStruct) => unknown][] = [
      ["user.exit", () => s.user.exit()],
      ["user.munmap", (vma) => s.user.munmap(vma.vm_start)],
      ["user.mmap", () => s.user.mmap(4096, remap)],
      ["user.read", (vma) => s.user.read(vma.vm_start, 1)],
      ["user.write", (vma) => s.user.write(vma.vm_start, new Uint8Array(1))],
    ];
    for (const [op, call] of calls) {
      expect(() => s.user.mmap(4096, (vma) => (call(vma), remap(vma))), op).toThrow(
        new RegExp(`^-EDEADLK: ${op.replace(".", "\\.")} from inside a driver's mmap`),
      );
    }
    expect(s.kernel.userMm.vmas.list()).toHaveLength(0);
    s.user.exit();
    // Every page table the attempts took came back (exit frees the pgd as well).
    expect(s.kernel.mm.buddy.freePageCount).toBe(free);
  });

  it("arguments mmap(2) refuses, or that the model does not carry out, are -EINVAL with the reason", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const none = () => 0;
    expect(() => s.user.mmap(4096, null, { flags: MAP_SHARED | 0x20 })).toThrow(/-EINVAL: mmap of 4096 bytes: MAP_SHARED \| MAP_ANONYMOUS \(shared anonymous memory, shmem\) is not modelled/);
    expect(() => s.user.mmap(4096, none, { flags: MAP_PRIVATE | 0x20 })).toThrow(/-EINVAL: user.mmap: a MAP_ANONYMOUS mapping has no file/);
    expect(() => s.user.mmap(4096, null)).toThrow(/-EINVAL: user.mmap: fop is not a function/);
    expect(() => s.user.mmap(4096, none, { flags: MAP_SHARED | 0x10 })).toThrow(/-EINVAL: .*flags 0x10 are not modelled/);
    expect(() => s.user.mmap(4096, none, { prot: PROT_READ | 4 })).toThrow(/-EINVAL: .*prot 0x5/);
    expect(() => s.user.mmap(4096, none, { offset: 100 })).toThrow(/-EINVAL: .*offset 0x64 is not page aligned/);
    expect(() => s.user.mmap(4096, none, null as never)).toThrow(/-EINVAL: user.mmap: options null is not an object/);
    expect(() => s.user.mmap(2 ** 40, none)).toThrow(/-ENOMEM: mmap of 1099511627776 bytes failed: no room below mmap_base/);
  });

  it("remap_pfn_range refuses what no C caller could pass, and a PFN the PTE cannot hold", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const tryRemap = (pfn: number, prot: unknown) => () =>
      s.user.mmap(4096, (vma) => remap_pfn_range(vma, vma.vm_start, pfn, 4096, prot as bigint));
    expect(tryRemap(NaN, 0n)).toThrow(/-EINVAL: remap_pfn_range: pfn NaN/);
    expect(tryRemap(0x100, 3)).toThrow(/-EINVAL: remap_pfn_range: prot 3 is not a pgprot/);
    // arm without LPAE: 32-bit physical addresses, so PFN 2^20 would map physical page 0.
    expect(tryRemap(2 ** 20, s.kernel.userMm.pgprots.PAGE_SHARED)).toThrow(/-EINVAL: remap_pfn_range: pfn 0x100000 is beyond the 32-bit physical address space/);
    expect(s.kernel.userMm.vmas.list()).toHaveLength(0);
  });

  it("a PFN with no memory behind it is the process's SIGBUS (an external abort)", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const uva = s.user.mmap(4096, (vma) => remap_pfn_range(vma, vma.vm_start, 2 ** 35, 4096, vma.vm_page_prot));
    expect(() => s.user.read(uva, 4)).toThrow(/SIGBUS at .* \(external abort\)/);
  });

  it("kernel code run with the CPU left unprivileged faults as at PL0, and the error says why", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const { va } = kernelPage(s);
    s.machine.cpu.setUnprivileged(true);
    expect(() => s.cpu.read(va, 4)).toThrow(/permission fault .*made at PL0 \(machine.cpu.setUnprivileged\(true\)\).*setUnprivileged\(false\) before calling the kernel/);
    s.machine.cpu.setUnprivileged(false);
    expect(s.cpu.read(va, 4)).toHaveLength(4);
    expect(() => s.machine.cpu.setUnprivileged("yes" as never)).toThrow(RangeError);
    expect(s.machine.cpu.unprivileged).toBe(false);
  });

  it.each(["zynq-7000", "arm64-ref"])("%s: exit gives every table page back and the next process starts empty", async (board) => {
    const s = await createSystem({ board });
    const { pa } = kernelPage(s);
    const free = s.kernel.mm.buddy.freePageCount;
    const tables = s.kernel.mm.pageTablePages;
    const uva = s.user.mmap(4096, (vma) => remap_pfn_range(vma, vma.vm_start, pa / 4096, 4096, vma.vm_page_prot));
    s.user.write(uva, new Uint8Array([1]));
    // arm: a 16 KB pgd and one PTE page; arm64 (39-bit): the pgd, a PMD and a PTE page.
    expect(s.kernel.mm.pageTablePages - tables).toBe(board === "arm64-ref" ? 3 : 5);
    s.user.exit();
    expect(s.kernel.mm.buddy.freePageCount).toBe(free);
    expect(s.kernel.mm.pageTablePages).toBe(tables);
    expect(() => s.user.read(uva, 1)).toThrow(/SIGSEGV .*translation fault/);
  });
});
