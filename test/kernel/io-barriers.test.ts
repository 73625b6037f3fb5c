// What readl and writel wait for, per architecture and kernel (arch/io-barriers.ts): on 32-bit
// ARM writel is `dsb st`, a PL310 CACHE_SYNC write (outer_cache.sync) and the store, readl the
// load and a `dsb`; on arm64 6.x both use a DMB, which waits for nothing; on arm64 4.9 writel's
// `dsb st` waits. Times come from the profiles' figures: Zynq's PL310 register access 24 ns and
// PL330 register access (cpu.mmioNs) 60 ns, a Normal-NC store's 2-cycle issue at 666.667 MHz (3 ns) and
// DDR3's 80 ns latency plus the 4 bytes' transfer; arm64-ref's PL330 register access (cpu.mmioNs) 50 ns.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { readl, readl_relaxed, writel, writel_relaxed } from "../../src/kernel/io.js";
import { dma_alloc_coherent } from "../../src/dma/coherent.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { DC_CLEAN } from "../../src/hw/machine.js";
import { ZYNQ_7000, dramTransferPs } from "../helpers/profile-machine.js";
import type { System } from "../../src/system.js";

const ZYNQ_DMAC = { name: "f8003000.dma-controller", pa: 0xf8003000 };
const ARM64_DMAC = { name: "ff6e0000.dma-controller", pa: 0xff6e0000 };
const INTEN = 0x020; // PL330 interrupt enable: written back with the value it holds
const DS = 0x000; // PL330 manager status: reading it changes nothing

const ZYNQ_DEVICE_PS = 60_000; // profile.cpu.mmioNs
const ZYNQ_PL310_PS = 24_000; // profile.l2.registerNs
const ZYNQ_NC_ISSUE_PS = 3_000; // 2 cycles at 666.667 MHz
const ZYNQ_POSTED_PS = ZYNQ_NC_ISSUE_PS + 80_000 + dramTransferPs(ZYNQ_7000, 4); // issue, DRAM latency, 4 bytes
const ARM64_DEVICE_PS = 50_000; // profile.cpu.mmioNs

interface Rig {
  s: System;
  regs: number;
  /** A Normal-NC word (a coherent buffer on 32-bit ARM). */
  nc: number;
  /** The PL310's CACHE_SYNC writes so far. */
  syncs(): number;
}

/** A booted system with the DMAC's registers mapped, every TLB entry the accesses need loaded
 *  and every write drained: each access below costs only what the test counts. */
async function rig(board: string, kernel: "modern" | "v4.9", dmac: { name: string; pa: number }): Promise<Rig> {
  const s = await createSystem({ board, kernel });
  const regs = s.kernel.mm.ioremap(dmac.pa, 0x1000)!;
  const nc = dma_alloc_coherent(s.device(dmac.name), 4096, GFP_KERNEL)!.cpuAddr;
  writel(s.machine, readl(s.machine, regs + INTEN), regs + INTEN); // warms the PL310's mapping too
  s.machine.cpu.store(nc, 4, 0);
  s.machine.idleUntil(s.machine.now() + 10_000_000);
  const syncs = () => (s.machine.profile.l2?.outer ? s.machine.x.pl310Syncs(0) : 0);
  return { s, regs, nc, syncs };
}

function elapsed(s: System, body: () => void): number {
  const t0 = s.machine.now();
  body();
  return s.machine.now() - t0;
}

describe("zynq-7000 (32-bit ARM, PL310): writel = dsb st + CACHE_SYNC + store; readl = load + dsb", () => {
  for (const kernel of ["modern", "v4.9"] as const) {
    it(`${kernel}: with nothing in flight, writel costs the CACHE_SYNC write and the store; readl the load`, async () => {
      const { s, regs, syncs } = await rig("zynq-7000", kernel, ZYNQ_DMAC);
      const inten = readl_relaxed(s.machine, regs + INTEN);
      const before = syncs();
      expect(elapsed(s, () => writel(s.machine, inten, regs + INTEN))).toBe(ZYNQ_PL310_PS + ZYNQ_DEVICE_PS);
      expect(syncs() - before).toBe(1);
      expect(elapsed(s, () => writel_relaxed(s.machine, inten, regs + INTEN))).toBe(ZYNQ_DEVICE_PS);
      expect(syncs() - before).toBe(1);
      expect(elapsed(s, () => readl(s.machine, regs + DS))).toBe(ZYNQ_DEVICE_PS);
      s.dispose();
    });
  }

  it("writel after a posted Normal-NC store waits for it to reach DRAM, then syncs and stores", async () => {
    const { s, regs, nc } = await rig("zynq-7000", "modern", ZYNQ_DMAC);
    const inten = readl_relaxed(s.machine, regs + INTEN);
    const t = elapsed(s, () => {
      s.machine.cpu.store(nc, 4, 0x1234);
      writel(s.machine, inten, regs + INTEN);
    });
    expect(t).toBe(ZYNQ_POSTED_PS + ZYNQ_PL310_PS + ZYNQ_DEVICE_PS);
    s.dispose();
  });

  it("readl's dsb after the load waits for a posted store; readl_relaxed does not", async () => {
    const { s, regs, nc } = await rig("zynq-7000", "modern", ZYNQ_DMAC);
    const relaxed = elapsed(s, () => {
      s.machine.cpu.store(nc, 4, 1);
      readl_relaxed(s.machine, regs + DS);
    });
    expect(relaxed).toBe(ZYNQ_NC_ISSUE_PS + ZYNQ_DEVICE_PS);
    s.machine.idleUntil(s.machine.now() + 10_000_000);
    const full = elapsed(s, () => {
      s.machine.cpu.store(nc, 4, 2);
      readl(s.machine, regs + DS);
    });
    // The load (3 + 60 ns) ends before the store reaches DRAM (3 + 80 ns + transfer): the DSB waits.
    expect(full).toBe(ZYNQ_POSTED_PS);
    s.dispose();
  });
});

describe("arm64-ref (Cortex-A53): the barriers around readl/writel by kernel generation", () => {
  /** A dirty line cleaned by DC CVAC with no DSB after it: its write-back is still in flight. */
  function cleanPending(s: System): void {
    const va = s.kernel.kmalloc(64, GFP_KERNEL);
    s.machine.cpu.write(va, new Uint8Array(64).fill(0x5a));
    s.machine.cpu.dcache(DC_CLEAN, va, 64);
  }

  it("6.x: writel (dmb oshst) and readl (dmb oshld) do not wait for a pending DC clean", async () => {
    const { s, regs } = await rig("arm64-ref", "modern", ARM64_DMAC);
    const inten = readl_relaxed(s.machine, regs + INTEN);
    cleanPending(s);
    expect(elapsed(s, () => writel(s.machine, inten, regs + INTEN))).toBe(ARM64_DEVICE_PS);
    // The write-back is still in flight: a DSB now has something to wait for.
    expect(elapsed(s, () => s.machine.cpu.barrier())).toBeGreaterThan(0);
    cleanPending(s);
    expect(elapsed(s, () => readl(s.machine, regs + DS))).toBe(ARM64_DEVICE_PS);
    expect(elapsed(s, () => s.machine.cpu.barrier())).toBeGreaterThan(0);
    s.dispose();
  });

  it("4.9: writel's dsb st waits for the pending clean (what a DSB alone waits, then the store); readl's dsb ld does not", async () => {
    const a = await rig("arm64-ref", "v4.9", ARM64_DMAC);
    const b = await rig("arm64-ref", "v4.9", ARM64_DMAC);
    const inten = readl_relaxed(a.s.machine, a.regs + INTEN);
    readl_relaxed(b.s.machine, b.regs + INTEN); // the same accesses on both systems
    cleanPending(a.s);
    cleanPending(b.s);
    const dsbWait = elapsed(b.s, () => b.s.machine.cpu.barrier());
    expect(dsbWait).toBeGreaterThan(0);
    expect(elapsed(a.s, () => writel(a.s.machine, inten, a.regs + INTEN))).toBe(dsbWait + ARM64_DEVICE_PS);
    cleanPending(a.s);
    expect(elapsed(a.s, () => readl(a.s.machine, a.regs + DS))).toBe(ARM64_DEVICE_PS);
    expect(elapsed(a.s, () => a.s.machine.cpu.barrier())).toBeGreaterThan(0);
    a.s.dispose();
    b.s.dispose();
  });
});
