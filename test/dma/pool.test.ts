// dma_pool, both generations (spec dma-api §3.7): block placement within a page and around the
// boundary, worked out by hand from each version's rule; creation checks; LIFO reuse; what
// destroy does with blocks still in use; and the free list living in the coherent memory.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import type { System } from "../../src/system.js";
import {
  dma_pool_create, dma_pool_alloc, dma_pool_zalloc, dma_pool_free, dma_pool_destroy, dma_pools_show, type DmaPool,
} from "../../src/dma/pool.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";

const DMAC = "ff6e0000.dma-controller";

/** Offsets (from the page's DMA address) of every block the first pool page yields. */
function firstPageOffsets(pool: DmaPool): number[] {
  const first = dma_pool_alloc(pool, GFP_KERNEL)!;
  const out = [0];
  for (;;) {
    const b = dma_pool_alloc(pool, GFP_KERNEL)!;
    if (b.dmaAddr < first.dmaAddr || b.dmaAddr >= first.dmaAddr + pool.allocation) return out;
    out.push(b.dmaAddr - first.dmaAddr);
  }
}

async function sys(kernel: "v4.9" | "modern", extra = {}): Promise<System> {
  return createSystem({ board: "arm64-ref", kernel, ...extra });
}

describe("block placement", () => {
  it("64-byte blocks: 63 per page in 4.9 (the last slot is never used), 64 in modern kernels", async () => {
    for (const [kernel, n] of [["v4.9", 63], ["modern", 64]] as const) {
      const s = await sys(kernel);
      const offs = firstPageOffsets(dma_pool_create("b64", s.device(DMAC), 64, 64, 0)!);
      expect(offs).toEqual(Array.from({ length: n }, (_, i) => i * 64));
    }
  });

  it("no block crosses the boundary: 128-byte blocks with a 1 KB boundary", async () => {
    // 4.9: skip to the boundary when next + size >= boundary → 7 blocks per KB;
    // modern: a block is used iff it ends at or before the boundary → 8 per KB.
    const expected = (perKb: number) => [0, 1, 2, 3].flatMap((kb) => Array.from({ length: perKb }, (_, i) => kb * 1024 + i * 128));
    for (const [kernel, perKb] of [["v4.9", 7], ["modern", 8]] as const) {
      const s = await sys(kernel);
      const offs = firstPageOffsets(dma_pool_create("b128", s.device(DMAC), 128, 8, 1024)!);
      expect(offs).toEqual(expected(perKb));
      for (const o of offs) expect(Math.floor(o / 1024)).toBe(Math.floor((o + 127) / 1024));
    }
  });

  it("no block crosses the boundary when the size does not divide it: 96-byte blocks, 256-byte boundary", async () => {
    // Per 256 bytes: blocks at 0 and 96; one at 192 would end at 288, past the boundary, so
    // the next starts at 256. 4.9 (next 192 + 96 >= 256: skip) and modern (192 + 96 > 256:
    // skip) agree here: 2 blocks per 256 bytes, 32 per page.
    const expected = Array.from({ length: 16 }, (_, k) => [k * 256, k * 256 + 96]).flat();
    for (const kernel of ["v4.9", "modern"] as const) {
      const s = await sys(kernel);
      const offs = firstPageOffsets(dma_pool_create("b96", s.device(DMAC), 96, 32, 256)!);
      expect(offs).toEqual(expected);
    }
  });

  it("rounds the size up to the alignment and to the minimum block", async () => {
    const s = await sys("modern");
    const dev = s.device(DMAC);
    expect(dma_pool_create("a", dev, 40, 32, 0)!.size).toBe(64);
    expect(dma_pool_create("b", dev, 4, 1, 0)!.size).toBe(16); // sizeof(struct dma_block)
    const old = await sys("v4.9");
    expect(dma_pool_create("b", old.device(DMAC), 2, 1, 0)!.size).toBe(4);
  });

  it("rejects what dma_pool_create rejects", async () => {
    const s = await sys("modern");
    const dev = s.device(DMAC);
    expect(dma_pool_create("x", dev, 64, 48, 0)).toBeNull(); // align not a power of two
    expect(dma_pool_create("x", dev, 0, 8, 0)).toBeNull();
    expect(dma_pool_create("x", dev, 256, 8, 128)).toBeNull(); // boundary < size
    expect(dma_pool_create("x", dev, 64, 8, 3000)).toBeNull(); // boundary not a power of two
    expect(dma_pool_create("x", null, 64, 8, 0)).toBeNull();
    expect(dma_pool_create("x", dev, 64, 0, 0)).not.toBeNull(); // align 0 means 1
  });
});

describe("creation edges", () => {
  it("accepts a boundary equal to the block size (only a smaller one is refused)", async () => {
    for (const kernel of ["v4.9", "modern"] as const) {
      const s = await sys(kernel);
      expect(dma_pool_create("edge", s.device(DMAC), 64, 8, 64)).not.toBeNull();
      expect(dma_pool_create("edge", s.device(DMAC), 64, 8, 32)).toBeNull();
    }
  });
});

describe("allocation and free", () => {
  it("reuses the last freed block first (LIFO) and zeroes with dma_pool_zalloc", async () => {
    for (const kernel of ["v4.9", "modern"] as const) {
      const s = await sys(kernel);
      const pool = dma_pool_create("lifo", s.device(DMAC), 64, 64, 0)!;
      const blocks = [0, 1, 2, 3].map(() => dma_pool_alloc(pool, GFP_KERNEL)!);
      s.cpu.fill(blocks[1].cpuAddr, 0xff, 64);
      dma_pool_free(pool, blocks[1].cpuAddr, blocks[1].dmaAddr);
      dma_pool_free(pool, blocks[3].cpuAddr, blocks[3].dmaAddr);
      expect(dma_pool_alloc(pool, GFP_KERNEL)!.dmaAddr).toBe(blocks[3].dmaAddr);
      const z = dma_pool_zalloc(pool, GFP_KERNEL)!;
      expect(z.dmaAddr).toBe(blocks[1].dmaAddr);
      expect(s.cpu.read(z.cpuAddr, 64)).toEqual(new Uint8Array(64));
      expect(s.machine.mmu.translate(z.cpuAddr)).toEqual({ pa: z.dmaAddr, attr: 1 }); // coherent memory
    }
  });

  it("keeps the modern free list inside the free blocks: a device scribbling on one loses the rest", async () => {
    const s = await sys("modern");
    const pool = dma_pool_create("list", s.device(DMAC), 64, 64, 0)!;
    const a = dma_pool_alloc(pool, GFP_KERNEL)!;
    dma_pool_free(pool, a.cpuAddr, a.dmaAddr);
    // struct dma_block { next_block; dma }: the head block now points to the next free one.
    expect(s.cpu.read(a.cpuAddr + 8, 8)).toEqual(Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7].map((i) => Math.floor(a.dmaAddr / 256 ** i) % 256)));
    s.machine.backdoor.write(a.dmaAddr, new Uint8Array(8)); // the device zeroes next_block
    expect(dma_pool_alloc(pool, GFP_KERNEL)!.dmaAddr).toBe(a.dmaAddr);
    expect(pool.nrPages).toBe(1);
    dma_pool_alloc(pool, GFP_KERNEL);
    expect(pool.nrPages).toBe(2); // 62 free blocks of page 1 are lost
  });

  it("4.9 reports a free with a DMA address outside the pool (bad dma)", async () => {
    const s = await sys("v4.9");
    const pool = dma_pool_create("bad", s.device(DMAC), 64, 64, 0)!;
    const b = dma_pool_alloc(pool, GFP_KERNEL)!;
    dma_pool_free(pool, b.cpuAddr, 0x12345000);
    expect(s.dmesg()).toMatch(/dma-pl330 ff6e0000\.dma-controller: dma_pool_free bad, ffffff80[0-9a-f]{8}\/12345000 \(bad dma\)/);
  });

  it("4.9: a DMA address one past the pool page's allocation is bad dma, though it lies in a page the allocation spans", async () => {
    // size 6000: allocation = max(size, PAGE_SIZE) = 6000, from an 8 KB coherent buffer.
    // pool_find_page takes a page only for dma - page->dma < allocation.
    const s = await sys("v4.9");
    const pool = dma_pool_create("edge", s.device(DMAC), 6000, 8, 0)!;
    const b = dma_pool_alloc(pool, GFP_KERNEL)!;
    dma_pool_free(pool, b.cpuAddr + 6000, b.dmaAddr + 6000);
    expect(s.dmesg()).toContain(`/${(b.dmaAddr + 6000).toString(16)} (bad dma)`);
  });

  it("without DMAPOOL_DEBUG: a double free and a block from another pool are taken silently by Linux, and hand a block out twice; dmasim warns", async () => {
    for (const kernel of ["v4.9", "modern"] as const) {
      const s = await sys(kernel);
      const dev = s.device(DMAC);
      const a = dma_pool_create("pa", dev, 64, 8, 0)!;
      const b = dma_pool_create("pb", dev, 64, 8, 0)!;
      const x = dma_pool_alloc(a, GFP_KERNEL)!;
      dma_pool_alloc(a, GFP_KERNEL);
      dma_pool_free(a, x.cpuAddr, x.dmaAddr);
      expect(s.dmesg()).not.toContain("dma_pool_free");
      dma_pool_free(a, x.cpuAddr, x.dmaAddr);
      expect(s.dmesg()).toContain(`WARNING: dma_pool_free: pa, ${a.ptr(x.cpuAddr)}/${x.dmaAddr.toString(16)} is not a block allocated from this pool`);
      // The block is on the LIFO list twice: the next two allocations are the same block.
      const first = dma_pool_alloc(a, GFP_KERNEL)!;
      const second = dma_pool_alloc(a, GFP_KERNEL)!;
      expect(first.cpuAddr).toBe(x.cpuAddr);
      expect(second.cpuAddr).toBe(x.cpuAddr);
      if (kernel === "modern") {
        // Modern kernels find no page by the dma address without DMAPOOL_DEBUG: pb takes pa's block.
        const y = dma_pool_alloc(a, GFP_KERNEL)!;
        dma_pool_alloc(b, GFP_KERNEL);
        const warnings = s.dmesg().split("WARNING: dma_pool_free").length;
        dma_pool_free(b, y.cpuAddr, y.dmaAddr);
        expect(s.dmesg().split("WARNING: dma_pool_free").length).toBe(warnings + 1);
        expect(dma_pool_alloc(b, GFP_KERNEL)!.cpuAddr).toBe(y.cpuAddr);
        // The foreign block, handed out by pb, goes back to pb without a word.
        dma_pool_free(b, y.cpuAddr, y.dmaAddr);
        expect(s.dmesg().split("WARNING: dma_pool_free").length).toBe(warnings + 1);
      }
      // A pointer 8 bytes into a block that is out is no block of the pool either.
      const z = dma_pool_alloc(a, GFP_KERNEL)!;
      const before = s.dmesg().split("WARNING: dma_pool_free").length;
      dma_pool_free(a, z.cpuAddr + 8, z.dmaAddr + 8);
      expect(s.dmesg().split("WARNING: dma_pool_free").length).toBe(before + 1);
    }
  });

  it("with DMAPOOL_DEBUG: poisons blocks and catches a double free", async () => {
    for (const kernel of ["v4.9", "modern"] as const) {
      const s = await sys(kernel, { dmapoolDebug: true });
      const pool = dma_pool_create("dbg", s.device(DMAC), 64, 64, 0)!;
      const b = dma_pool_alloc(pool, GFP_KERNEL)!;
      const link = kernel === "modern" ? 16 : 4;
      // The free-list link is poisoned too: the driver sees 0xa9 in every byte.
      expect(s.cpu.read(b.cpuAddr, 64)).toEqual(new Uint8Array(64).fill(0xa9));
      dma_pool_free(pool, b.cpuAddr, b.dmaAddr);
      expect(s.cpu.read(b.cpuAddr + link, 64 - link).every((x) => x === 0xa7)).toBe(true);
      dma_pool_free(pool, b.cpuAddr, b.dmaAddr);
      // 4.9 prints dma_pool_free and %Lx; modern kernels pool_block_err (its __func__) and %pad.
      const dma = kernel === "modern" ? "0x" + b.dmaAddr.toString(16).padStart(16, "0") : b.dmaAddr.toString(16);
      const fn = kernel === "modern" ? "pool_block_err" : "dma_pool_free";
      expect(s.dmesg()).toContain(`dma-pl330 ff6e0000.dma-controller: ${fn} dbg, dma ${dma} already free`);
      expect(pool.nrActive).toBe(0);
    }
  });

  it("with DMAPOOL_DEBUG: names the checking function in a bad-dma free and a corrupted free block", async () => {
    for (const kernel of ["v4.9", "modern"] as const) {
      const s = await sys(kernel, { dmapoolDebug: true });
      const pool = dma_pool_create("dbg", s.device(DMAC), 64, 64, 0)!;
      const b = dma_pool_alloc(pool, GFP_KERNEL)!;
      const va = BigInt(b.cpuAddr) + (1n << 64n);
      dma_pool_free(pool, b.cpuAddr, 0x12345000);
      const bad = kernel === "modern" ? `pool_block_err dbg, ${va.toString(16)}/0x0000000012345000` : `dma_pool_free dbg, ${va.toString(16)}/12345000`;
      expect(s.dmesg()).toContain(`dma-pl330 ff6e0000.dma-controller: ${bad} (bad dma)`);
      dma_pool_free(pool, b.cpuAddr, b.dmaAddr);
      s.machine.backdoor.write(b.dmaAddr + 40, Uint8Array.of(0)); // a late device write into the freed block
      expect(dma_pool_alloc(pool, GFP_KERNEL)!.cpuAddr).toBe(b.cpuAddr);
      const fn = kernel === "modern" ? "pool_check_block" : "dma_pool_alloc";
      expect(s.dmesg()).toContain(`dma-pl330 ff6e0000.dma-controller: ${fn} dbg, ${va.toString(16)} (corrupted)`);
    }
  });
});

describe("DMAPOOL_DEBUG hex dump of a corrupted block", () => {
  /** "xx xx …" of a 64-bit value's little-endian bytes. */
  const le64 = (v: number) => Array.from({ length: 8 }, (_, i) => Number((BigInt.asUintN(64, BigInt(v)) >> BigInt(8 * i)) & 0xffn));
  const hex = (bytes: number[]) => bytes.map((x) => x.toString(16).padStart(2, "0")).join(" ");
  const text = (bytes: number[]) => bytes.map((x) => (x >= 0x20 && x <= 0x7e ? String.fromCharCode(x) : ".")).join("");

  it("prints all 24 bytes after the report, 16 per line, link included, the short row padded to the ASCII column", async () => {
    for (const kernel of ["v4.9", "modern"] as const) {
      const s = await sys(kernel, { dmapoolDebug: true });
      const pool = dma_pool_create("dbg", s.device(DMAC), 24, 8, 0)!;
      const b = dma_pool_alloc(pool, GFP_KERNEL)!;
      dma_pool_free(pool, b.cpuAddr, b.dmaAddr);
      s.machine.backdoor.write(b.dmaAddr + 18, Uint8Array.of(0x41));
      dma_pool_alloc(pool, GFP_KERNEL);
      const log = s.dmesg().split("\n").map((l) => l.replace(/^\[[ .0-9]+\] /, ""));
      const at = log.findIndex((l) => l.endsWith("(corrupted)"));
      // 4.9's link is the int offset of the next free block (24); a modern block starts with
      // struct dma_block { next_block = the block after it; dma = its own address }.
      const row0 = kernel === "v4.9"
        ? "00000000: 18 00 00 00 a7 a7 a7 a7 a7 a7 a7 a7 a7 a7 a7 a7  ................"
        : `00000000: ${hex([...le64(b.cpuAddr + 24), ...le64(b.dmaAddr)])}  ${text([...le64(b.cpuAddr + 24), ...le64(b.dmaAddr)])}`;
      expect(log.slice(at + 1, at + 3)).toEqual([
        row0,
        "00000010: a7 a7 41 a7 a7 a7 a7 a7                          ..A.....",
      ]);
    }
  });
});

describe("dma_pool_destroy", () => {
  it("4.9: frees idle pages, reports and leaks each busy one", async () => {
    const s = await sys("v4.9");
    const dev = s.device(DMAC);
    const pool = dma_pool_create("rx", dev, 2048, 8, 0)!; // 1 block per page (2048 + 2048 >= 4096)
    const a = dma_pool_alloc(pool, GFP_KERNEL)!;
    const b = dma_pool_alloc(pool, GFP_KERNEL)!;
    dma_pool_free(pool, b.cpuAddr, b.dmaAddr);
    const areas = () => s.kernel.mm.vmallocinfo().split("\n").length;
    const before = areas();
    dma_pool_destroy(pool);
    expect(s.dmesg().match(/dma_pool_destroy rx, ffffff80[0-9a-f]{8} busy/g)).toHaveLength(1);
    expect(areas()).toBe(before - 1); // b's page freed; a's page leaked and still mapped
    expect(s.machine.mmu.walk(a.cpuAddr)).toMatchObject({ pa: a.dmaAddr });
    dma_pool_destroy(null);
  });

  it("modern: reports once and leaks every page; an idle pool frees them all", async () => {
    const s = await sys("modern");
    const dev = s.device(DMAC);
    const areas = () => s.kernel.mm.vmallocinfo().split("\n").filter((l) => !l.includes("unpurged")).length;
    const busy = dma_pool_create("busy", dev, 2048, 8, 0)!;
    dma_pool_alloc(busy, GFP_KERNEL);
    const b = dma_pool_alloc(busy, GFP_KERNEL)!;
    dma_pool_alloc(busy, GFP_KERNEL);
    dma_pool_free(busy, b.cpuAddr, b.dmaAddr);
    let before = areas();
    dma_pool_destroy(busy);
    expect(s.dmesg().match(/dma-pl330 ff6e0000\.dma-controller: dma_pool_destroy busy busy/g)).toHaveLength(1);
    expect(areas()).toBe(before);
    const idle = dma_pool_create("idle", dev, 64, 8, 0)!;
    const c = dma_pool_alloc(idle, GFP_KERNEL)!;
    dma_pool_free(idle, c.cpuAddr, c.dmaAddr);
    before = areas();
    dma_pool_destroy(idle);
    expect(areas()).toBe(before - 1);
  });

  it("modern: a free too many wraps the size_t nr_active, so the pool is still busy and leaks", async () => {
    const s = await sys("modern");
    const dev = s.device(DMAC);
    const areas = () => s.kernel.mm.vmallocinfo().split("\n").filter((l) => !l.includes("unpurged")).length;
    const pool = dma_pool_create("wrap", dev, 64, 8, 0)!;
    const b = dma_pool_alloc(pool, GFP_KERNEL)!;
    dma_pool_free(pool, b.cpuAddr, b.dmaAddr);
    dma_pool_free(pool, b.cpuAddr, b.dmaAddr); // nr_active: 1, 0, then SIZE_MAX
    const before = areas();
    dma_pool_destroy(pool);
    expect(s.dmesg()).toContain("dma-pl330 ff6e0000.dma-controller: dma_pool_destroy wrap busy");
    expect(areas()).toBe(before); // the page's coherent memory is leaked, not freed
  });

  it("the pools file prints a wrapped nr_active unsigned, as pools_show's %zu (4.9: %u) does", async () => {
    // 2^64 - 1 and 2^32 - 1, the size_t of arm64 and arm and 4.9's unsigned int.
    const cases = [
      { board: "arm64-ref", kernel: "modern", dev: DMAC, active: "18446744073709551615" },
      { board: "zynq-7000", kernel: "modern", dev: "f8003000.dma-controller", active: "4294967295" },
      { board: "arm64-ref", kernel: "v4.9", dev: DMAC, active: "4294967295" },
    ] as const;
    for (const c of cases) {
      const s = await createSystem({ board: c.board, kernel: c.kernel });
      const dev = s.device(c.dev);
      const pool = dma_pool_create("wrap", dev, 64, 64, 0)!;
      const b = dma_pool_alloc(pool, GFP_KERNEL)!;
      dma_pool_free(pool, b.cpuAddr, b.dmaAddr);
      dma_pool_free(pool, b.cpuAddr, b.dmaAddr);
      // 4.9 counts the blocks of the pages (64 of 4096 bytes), modern the blocks made (64 too).
      expect(dma_pools_show(dev)).toBe(["poolinfo - 0.1", `wrap             ${c.active}   64   64  1`].join("\n"));
    }
  });

  it("lists the device's pools in its sysfs pools file", async () => {
    const s = await sys("modern");
    const dev = s.device(DMAC);
    const pool = dma_pool_create("desc", dev, 64, 64, 0)!;
    dma_pool_alloc(pool, GFP_KERNEL);
    expect(dma_pools_show(dev)).toBe(["poolinfo - 0.1", "desc                1   64   64  1"].join("\n"));
  });
});
