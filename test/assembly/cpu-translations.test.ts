// One architectural access, one translation: a single load or store looks up the TLB once
// (a page-crossing one once per page) whatever its memory type, walks the tables at most once
// when the lookup misses, and pays for at most one walk. The uncached paths (Normal-NC,
// write-through and no-write-allocate stores, Device memory on RAM, line-crossing accesses)
// used to translate the VA a second time.

import { describe, expect, it } from "vitest";
import { memoryTypesMachine, P } from "../helpers/memory-types-machine.js";
import { zynq, arm64, ZYNQ_DMAC, ARM64_DMAC } from "../helpers/system.js";
import type { Machine } from "../../src/hw/machine.js";
import type { MachineProfile } from "../../src/hw/profile.js";
import type { System } from "../../src/system.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { dma_alloc_coherent } from "../../src/dma/mapping.js";

const TYPES = [
  { name: "Normal write-back", va: P(0) },
  { name: "Normal non-cacheable", va: P(1) },
  { name: "Normal write-through", va: P(2) },
  { name: "Normal write-back, no write-allocate", va: P(3) },
  { name: "Device-nGnRnE on RAM", va: P(4) },
];

const machine = (tweak?: (p: MachineProfile) => MachineProfile): Promise<Machine> => memoryTypesMachine({ tweak });

/** TLB lookups (hits + misses) and walks made by `access`. */
function lookups(m: Machine, access: () => unknown): { lookups: number; walks: number } {
  const a = m.backdoor.stats().tlb;
  access();
  const b = m.backdoor.stats().tlb;
  return { lookups: b.hits + b.misses - a.hits - a.misses, walks: b.walks - a.walks };
}

const ACCESSES: { name: string; run: (m: Machine, va: number) => unknown }[] = [
  { name: "load(1)", run: (m, va) => m.cpu.load(va + 3, 1) },
  { name: "load(4)", run: (m, va) => m.cpu.load(va + 8, 4) },
  { name: "load64", run: (m, va) => m.cpu.load64(va + 16) },
  { name: "load64n", run: (m, va) => m.cpu.load64n(va + 24) },
  { name: "store(2)", run: (m, va) => m.cpu.store(va + 34, 2, 0xbeef) },
  { name: "store(4)", run: (m, va) => m.cpu.store(va + 40, 4, 0x12345678) },
  { name: "store64", run: (m, va) => m.cpu.store64(va + 48, 0x1122334455667788n) },
  { name: "store64n", run: (m, va) => m.cpu.store64n(va + 56, 0x1_2345_6789) },
];

describe("one TLB lookup per single access", () => {
  for (const t of TYPES) {
    it(`${t.name}: every load and store size looks up the TLB once and hits`, async () => {
      const m = await machine();
      m.mmu.translate(t.va);
      for (const a of ACCESSES) expect({ access: a.name, ...lookups(m, () => a.run(m, t.va)) }).toEqual({ access: a.name, lookups: 1, walks: 0 });
    });
  }

  it("a cold access misses once and walks once, on a non-cacheable page as on a cacheable one", async () => {
    for (const va of [P(0), P(1)]) {
      const m = await machine();
      expect(lookups(m, () => m.cpu.load(va, 4))).toEqual({ lookups: 1, walks: 1 });
      expect(m.backdoor.stats().tlb.misses).toBe(1);
    }
  });

  it("a load or store that crosses a cache line in write-back memory looks up the TLB once", async () => {
    const m = await machine();
    m.mmu.translate(P(0));
    expect(lookups(m, () => m.cpu.load(P(0) + 62, 4))).toEqual({ lookups: 1, walks: 0 });
    expect(lookups(m, () => m.cpu.store64(P(0) + 60, 0x0102030405060708n))).toEqual({ lookups: 1, walks: 0 });
    expect(m.cpu.load64(P(0) + 60)).toBe(0x0102030405060708n);
  });

  it("a load that crosses into the next page looks up the TLB once per page, and reads both", async () => {
    const m = await machine();
    m.cpu.store(P(0) + 4094, 2, 0x2211);
    m.cpu.store(P(1), 2, 0x4433);
    expect(lookups(m, () => expect(m.cpu.load(P(0) + 4094, 4)).toBe(0x44332211))).toEqual({ lookups: 2, walks: 0 });
    expect(lookups(m, () => m.cpu.store(P(0) + 4095, 2, 0x6655))).toEqual({ lookups: 2, walks: 0 });
    expect(m.backdoor.read(0x40501000, 1)).toEqual(Uint8Array.of(0x66));
  });

  it("single accesses count as loads and stores, never as bulk bytes", async () => {
    for (const t of TYPES) {
      const m = await machine();
      const before = m.backdoor.stats().cpu;
      for (const a of ACCESSES) a.run(m, t.va);
      const after = m.backdoor.stats().cpu;
      expect({ type: t.name, loads: after.loads - before.loads, stores: after.stores - before.stores, bulkBytes: after.bulkBytes - before.bulkBytes })
        .toEqual({ type: t.name, loads: 4, stores: 4, bulkBytes: 0 });
    }
  });
});

describe("one walk per single access without a TLB", () => {
  const noTlb = (p: MachineProfile): MachineProfile => ({ ...p, tlb: { entries: 0, ways: 1 } });

  it("an uncached load or store walks once and costs one walk plus the bus access", async () => {
    // The bus access alone, from a machine whose TLB already holds the page (a hit costs no
    // time); the walk alone, from an AT-style translation once the descriptors are cached.
    const withTlb = await machine();
    const off = await machine(noTlb);
    const cost = (m: Machine, f: () => unknown) => {
      const t0 = m.now();
      f();
      return m.now() - t0;
    };
    for (const m of [withTlb, off]) {
      m.cpu.load(P(1), 4);
      m.cpu.store(P(1) + 8, 4, 1);
      m.cpu.barrier();
    }
    const walk = cost(off, () => off.mmu.translate(P(1)));
    expect(walk).toBeGreaterThan(0);
    expect(cost(off, () => off.mmu.translate(P(1)))).toBe(walk);
    const load = cost(withTlb, () => withTlb.cpu.load(P(1) + 64, 4));
    expect(lookups(off, () => expect(cost(off, () => off.cpu.load(P(1) + 64, 4))).toBe(walk + load))).toEqual({ lookups: 1, walks: 1 });
    withTlb.cpu.barrier();
    off.cpu.barrier();
    const store = cost(withTlb, () => withTlb.cpu.store(P(1) + 128, 4, 2));
    expect(lookups(off, () => expect(cost(off, () => off.cpu.store(P(1) + 128, 4, 2))).toBe(walk + store))).toEqual({ lookups: 1, walks: 1 });
  });
});

describe("through a booted System's CPU port", () => {
  async function compare(s: System, dmac: string) {
    const nc = dma_alloc_coherent(s.device(dmac), 4096, GFP_KERNEL)!;
    const wb = s.kernel.kmalloc(4096, GFP_KERNEL);
    const m = s.machine;
    m.cpu.load(nc.cpuAddr, 4);
    m.cpu.load(wb, 4);
    return {
      uncachedLoad: lookups(m, () => m.cpu.load(nc.cpuAddr + 4, 4)).lookups,
      uncachedStore: lookups(m, () => m.cpu.store(nc.cpuAddr + 8, 4, 1)).lookups,
      cachedLoad: lookups(m, () => m.cpu.load(wb + 4, 4)).lookups,
      cachedStore: lookups(m, () => m.cpu.store(wb + 8, 4, 1)).lookups,
    };
  }
  const one = { uncachedLoad: 1, uncachedStore: 1, cachedLoad: 1, cachedStore: 1 };

  it("zynq-7000: a 4-byte access to a coherent buffer counts one TLB lookup, as one to kmalloc memory", async () => {
    expect(await compare(await zynq(), ZYNQ_DMAC)).toEqual(one);
  });

  it("arm64: a 4-byte access to a coherent buffer counts one TLB lookup, as one to kmalloc memory", async () => {
    expect(await compare(await arm64(), ARM64_DMAC)).toEqual(one);
  });
});

describe("the trace of a single uncached access", () => {
  it("arm64: one 'CPU load' slice spanning the whole load, and no 'CPU read' beside it", async () => {
    const s = await arm64();
    const nc = dma_alloc_coherent(s.device(ARM64_DMAC), 4096, GFP_KERNEL)!;
    s.machine.mmu.tlbiAll(); // a miss: the walk is part of the load
    s.kernel.tracer.start(1 << 10);
    const t0 = s.now();
    s.machine.cpu.load(nc.cpuAddr + 4, 4);
    const t1 = s.now();
    const cpu = s.kernel.tracer.stop().records.filter((r) => r.kind === "slice" && r.track === 0x0100);
    expect(cpu.map((r) => ({ name: r.name, start: r.start, end: r.end }))).toEqual([{ name: "CPU load", start: t0, end: t1 }]);
  });
});
