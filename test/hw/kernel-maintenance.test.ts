// Linux's cache range routines (src/arch) running on the silicon, at aligned and unaligned edges
// (spec mmu-cache §4.3): clean and flush touch every line the range touches; invalidate cleans and
// invalidates a partially covered line at either end (never discarding a neighbour's bytes) and
// discards whole lines inside. Each line's fate shows in DRAM: the CPU's new bytes (written back)
// or DRAM's old ones (discarded, or still cached).

import { describe, expect, it } from "vitest";
import { zynq, arm64 } from "../helpers/system.js";
import type { System } from "../../src/system.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import type { Arm64Cache } from "../../src/arch/arm64-cache.js";
import type { ArmCache } from "../../src/arch/arm-cache.js";

const OLD = 0x11, NEW = 0xee;

/** A page whose DRAM holds OLD while the CPU's caches hold NEW in every line, dirty. */
function dirtyPage(s: System): { va: number; pa: number } {
  const va = s.kernel.kmalloc(4096, GFP_KERNEL);
  const pa = s.kernel.mm.virt_to_phys(va);
  s.machine.backdoor.write(pa, new Uint8Array(4096).fill(OLD));
  s.cpu.write(va, new Uint8Array(4096).fill(NEW));
  return { va, pa };
}

/** What DRAM holds per line over the first `lines` lines: "N" new, "o" old. */
function dram(s: System, pa: number, lines: number, L: number): string {
  const b = s.machine.backdoor.read(pa, lines * L);
  return Array.from({ length: lines }, (_, i) => (b[i * L] === NEW ? "N" : "o")).join("");
}

describe("arm64 (64-byte lines, maintenance by VA to the point of coherency)", () => {
  it("dcache_inval_poc with unaligned ends writes back both edge lines and discards the inside", async () => {
    const s = await arm64();
    const { va, pa } = dirtyPage(s);
    (s.kernel.archDma as Arm64Cache).dcache_inval_poc(va + 5, va + 300);
    expect(dram(s, pa, 6, 64)).toBe("NoooNo");
    expect(s.cpu.read(va + 64, 4)).toEqual(new Uint8Array(4).fill(OLD)); // the discarded lines
    expect(s.cpu.read(va + 320, 4)).toEqual(new Uint8Array(4).fill(NEW)); // untouched, still cached
  });

  it("dcache_inval_poc with aligned ends discards every line of the range", async () => {
    const s = await arm64();
    const { va, pa } = dirtyPage(s);
    (s.kernel.archDma as Arm64Cache).dcache_inval_poc(va + 64, va + 256);
    s.machine.cpu.dcache(0, va, 4096); // then clean the rest, to see every line's fate in DRAM
    expect(dram(s, pa, 6, 64)).toBe("NoooNN");
  });

  it("dcache_clean_poc and dcache_clean_inval_poc act on every line the range touches", async () => {
    const s = await arm64();
    const { va, pa } = dirtyPage(s);
    const c = s.kernel.archDma as Arm64Cache;
    c.dcache_clean_poc(va + 63, va + 65);
    expect(dram(s, pa, 4, 64)).toBe("NNoo");
    c.dcache_clean_inval_poc(va + 128, va + 192);
    expect(dram(s, pa, 4, 64)).toBe("NNNo");
    expect(s.machine.backdoor.cacheLines(va, 256).map((l) => l.l1)).toEqual(["clean", "clean", "invalid", "dirty"]);
  });
});

describe("zynq-7000 (32-byte lines: L1 by VA, the PL310 by physical address)", () => {
  it("v7_dma_inv_range then the PL310's inv_range: edge lines cleaned at both levels, the inside discarded", async () => {
    const s = await zynq();
    const { va, pa } = dirtyPage(s);
    const arm = s.kernel.archDma as ArmCache;
    arm.v7_dma_clean_range(va, va + 4096); // NEW now dirty in the PL310, not yet in DRAM
    expect(dram(s, pa, 12, 32)).toBe("oooooooooooo");
    s.cpu.write(va, new Uint8Array(4096).fill(NEW)); // and dirty in L1 again
    arm.v7_dma_inv_range(va + 5, va + 300);
    arm.outer!.inv_range(pa + 5, pa + 300);
    // Line 0 and line 9 (bytes 288..319) are partial: cleaned through L1 into L2 and from L2 to
    // DRAM. Lines 1..8 are discarded at both levels. Lines 10 and up are still dirty in L1.
    expect(dram(s, pa, 12, 32)).toBe("Noooooooo" + "Noo");
    expect(s.cpu.read(va + 32, 4)).toEqual(new Uint8Array(4).fill(OLD));
  });

  it("the PL310's clean_range and flush_range round the start down and cover a partial end", async () => {
    const s = await zynq();
    const { va, pa } = dirtyPage(s);
    const arm = s.kernel.archDma as ArmCache;
    arm.v7_dma_clean_range(va, va + 4096);
    arm.outer!.clean_range(pa + 31, pa + 33);
    expect(dram(s, pa, 4, 32)).toBe("NNoo");
    arm.outer!.flush_range(pa + 64, pa + 96);
    expect(dram(s, pa, 4, 32)).toBe("NNNo");
    expect(s.machine.backdoor.lineState(2, pa + 64)).toBe(0);
    expect(s.machine.backdoor.lineState(2, pa + 96)).toBe(2 + 4);
  });
});
