// The CPU's speculative fills: a tagged next-line prefetcher and speculative touches near recent
// accesses, deterministic and confined to the page of the access that caused them. The expected
// speculative target follows by hand from the documented LFSR (16-bit Galois, 0xB400, reset to
// 0xB400): its first step gives 0x5A00, so recent line 0 (0x5A00 & 3) and offset
// (0x5A00 >> 2) % (2 × window) − window = −window.

import { describe, expect, it } from "vitest";
import { profileMachine, put64, ARM64_A53 } from "../helpers/profile-machine.js";
import { MMU_V8_4K, type Machine } from "../../src/hw/machine.js";
import type { PrefetchSpec } from "../../src/hw/profile.js";
import { toVirt } from "../../src/hw/address.js";

const PAGE = 0x40100000; // a page-aligned PA
const V = (pa: number) => toVirt(0xffffffc000000000n + BigInt(pa));

async function machine(prefetch: PrefetchSpec): Promise<Machine> {
  const m = await profileMachine(ARM64_A53, { ram: [{ base: 0x40000000, size: 64 << 20 }] });
  put64(m, 0x40000000 + 257 * 8, 0x40000000n | 0x00e8000000000711n);
  m.mmu.setMair(0x0000bbff440c0400n);
  m.mmu.setTtbr(1, 0x40000000);
  m.mmu.setFormat(MMU_V8_4K, 39);
  m.setPrefetch(prefetch);
  m.mmu.translate(V(PAGE)); // the TLB entry, so walks play no part below
  m.mmu.translate(V(PAGE - 4096));
  return m;
}

const inL1 = (m: Machine, pa: number) => (m.backdoor.lineState(1, pa) & 3) !== 0;
const NEXT_LINE: PrefetchSpec = { nextLine: true, speculativeEvery: 0, speculativeWindow: 0 };

describe("next-line prefetch", () => {
  it("fetches the next line on a miss, and one further on the first use of a prefetched line", async () => {
    const m = await machine(NEXT_LINE);
    m.cpu.load(V(PAGE + 128), 4);
    expect([inL1(m, PAGE + 192), inL1(m, PAGE + 256)]).toEqual([true, false]);
    const before = m.backdoor.stats().l1;
    m.cpu.load(V(PAGE + 192), 4);
    const after = m.backdoor.stats().l1;
    expect([after.hits - before.hits, after.misses - before.misses]).toEqual([1, 0]);
    expect(inL1(m, PAGE + 256)).toBe(true);
    expect(m.backdoor.stats().prefetch.nextLine).toBe(2);
  });

  it("a hit on a line the CPU itself fetched and used triggers nothing", async () => {
    const m = await machine({ nextLine: false, speculativeEvery: 0, speculativeWindow: 0 });
    m.cpu.load(V(PAGE + 128), 4); // a demand fill, with the prefetcher off
    m.setPrefetch(NEXT_LINE);
    m.cpu.load(V(PAGE + 132), 4); // an L1 hit: not a miss, not a prefetched line's first use
    expect(inL1(m, PAGE + 192)).toBe(false);
    expect(m.backdoor.stats().prefetch.nextLine).toBe(0);
  });

  it("does not cross into the next 4 KB page", async () => {
    const m = await machine(NEXT_LINE);
    m.cpu.load(V(PAGE - 64), 4);
    expect(inL1(m, PAGE)).toBe(false);
    expect(m.backdoor.stats().prefetch.nextLine).toBe(0);
  });

  it("a load that finds a prefetched line still in flight waits for its data", async () => {
    const m = await machine(NEXT_LINE);
    m.cpu.load(V(PAGE), 4);
    const t = m.now();
    m.cpu.load(V(PAGE + 64), 4);
    const l1HitPs = Math.round(ARM64_A53.cpu.l1HitCycles * 1e6 / ARM64_A53.cpu.clockMHz);
    expect(m.now() - t).toBeGreaterThan(l1HitPs);
    const t2 = m.now();
    m.cpu.load(V(PAGE + 68), 4);
    expect(m.now() - t2).toBe(l1HitPs);
  });

  it("the prefetched copy keeps the bytes DRAM had when it was fetched", async () => {
    const m = await machine(NEXT_LINE);
    m.cpu.load(V(PAGE), 4);
    m.backdoor.write(PAGE + 64, Uint8Array.of(1, 2, 3, 4)); // a non-coherent device writes
    expect(m.cpu.load(V(PAGE + 64), 4)).toBe(0);
  });
});

describe("speculative touches", () => {
  const SPEC: PrefetchSpec = { nextLine: false, speculativeEvery: 4, speculativeWindow: 2 };

  it("every 4th line access fills a line near a recent one: here 2 lines before the first", async () => {
    const m = await machine(SPEC);
    for (let i = 0; i < 4; i++) m.cpu.load(V(PAGE + 512 + i * 64), 4);
    expect(inL1(m, PAGE + 384)).toBe(true);
    expect(m.backdoor.stats().prefetch.speculative).toBe(1);
    expect(m.backdoor.stats().l1.misses).toBe(4);
  });

  it("stays in the page: the same touch from the page's second line fills nothing", async () => {
    const m = await machine(SPEC);
    for (let i = 0; i < 4; i++) m.cpu.load(V(PAGE + 64 + i * 64), 4);
    expect(m.backdoor.stats().prefetch.speculative).toBe(0);
    expect(inL1(m, PAGE - 64)).toBe(false);
  });

  it("is deterministic: the same accesses leave the same lines", async () => {
    const run = async () => {
      const m = await machine({ nextLine: true, speculativeEvery: 3, speculativeWindow: 4 });
      for (let i = 0; i < 300; i++) m.cpu.load(V(PAGE + ((i * 2654435761) % 4096)), 1);
      return m.backdoor.cacheLines(V(PAGE), 4096).map((l) => l.l1);
    };
    expect(await run()).toEqual(await run());
  });
});
