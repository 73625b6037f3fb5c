// The PL330 model through its registers, as a bare-metal driver sees it (MMU off: the CPU
// reaches DRAM and the register window by physical address). Expected values come from the
// DMA-330 register tables and the worked example of spec pl330 §2.3.

import { describe, expect, it } from "vitest";
import { bareMachine } from "../helpers/bare-machine.js";
import type { Machine } from "../../src/hw/machine.js";

const BASE = 0xf8003000;
const r = (m: Machine, off: number) => m.cpu.load(BASE + off, 4);
const w = (m: Machine, off: number, v: number) => m.cpu.store(BASE + off, 4, v);
const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, "").match(/../g)!, (h) => parseInt(h, 16));

function dmago(m: Machine, ch: number, pc: number, ns = 0) {
  while (r(m, 0xd00) & 1);
  w(m, 0xd08, (ch << 24) | ((0xa0 | (ns << 1)) << 16));
  w(m, 0xd0c, pc);
  w(m, 0xd04, 0);
}

function waitStopped(m: Machine, ch: number) {
  for (let i = 0; i < 100000; i++) {
    const s = r(m, 0x100 + 8 * ch) & 0xf;
    if (s === 0 || s === 15) return s;
    const next = m.x.nextDeviceEvent();
    if (next < 0) return s;
    if (next > m.now()) m.idleUntil(next);
  }
  throw new Error("channel never stopped");
}

// spec §2.3: 4096-byte memcpy 0x00100000 → 0x00200000 in 32 bursts of 16 × 8 B.
const MEMCPY_4K = "BC0000001000 BC0200002000 BC01F7C03D00 201F 04 08 3802 3400 00";

describe("PL330 register file (Zynq configuration)", () => {
  it("reports its configuration and identity", async () => {
    const m = await bareMachine({ pl330: BASE });
    expect(r(m, 0xe00)).toBe(0x001e3071); // CR0: 8 channels, 4 requests, 16 events
    expect(r(m, 0xe14)).toBe(0x07ff7f73); // CRD: 64-bit, 128-line MFIFO, caps 8/8, queues 16/16
    expect([0xfe0, 0xfe4, 0xfe8, 0xfec].map((o) => r(m, o))).toEqual([0x30, 0x13, 0x24, 0x00]);
    expect([0xff0, 0xff4, 0xff8, 0xffc].map((o) => r(m, o))).toEqual([0x0d, 0xf0, 0x05, 0xb1]);
    expect(r(m, 0x100)).toBe(0); // CSR0: Stopped
    expect(r(m, 0x408)).toBe(0); // CCR reset value (as the reference model records)
  });

  it("runs the worked memcpy example started through the debug interface", async () => {
    const m = await bareMachine({ pl330: BASE });
    const src = Uint8Array.from({ length: 4096 }, (_, i) => (i * 13 + 5) & 0xff);
    m.backdoor.write(0x100000, src);
    m.backdoor.write(0x300000, hex(MEMCPY_4K));
    dmago(m, 0, 0x300000);
    expect(waitStopped(m, 0)).toBe(0);
    expect(m.backdoor.read(0x200000, 4096)).toEqual(src);
    expect(r(m, 0x400)).toBe(0x00101000); // SAR
    expect(r(m, 0x404)).toBe(0x00201000); // DAR
    expect(r(m, 0x408)).toBe(0x003dc0f7); // CCR
    expect(r(m, 0x40c)).toBe(0); // LC0
    expect(r(m, 0x104)).toBe(0x30001b); // CPC: after DMAEND
    expect(r(m, 0x024)).toBe(1); // event 0 pending (INTEN[0] = 0)
  });

  it("raises irq[0] for DMASEV 0 when INTEN[0] is set, and INTCLR lowers it", async () => {
    const m = await bareMachine({ pl330: BASE });
    m.backdoor.write(0x300000, hex(MEMCPY_4K));
    w(m, 0x020, 1);
    dmago(m, 0, 0x300000);
    const woke = m.waitForInterrupt(m.now() + 1e9);
    expect(woke).not.toBeNull();
    expect(m.pendingIrq()).toBe(46);
    expect(r(m, 0x028)).toBe(1); // INTMIS
    w(m, 0x02c, 1);
    expect(r(m, 0x028)).toBe(0);
    expect(r(m, 0x024)).toBe(0);
    expect(m.pendingIrq()).toBe(-1);
  });

  it("faults on an undefined instruction and recovers with DMAKILL", async () => {
    const m = await bareMachine({ pl330: BASE });
    m.backdoor.write(0x300000, Uint8Array.of(0x18, 0xff, 0x00)); // DMANOP; undefined 0xFF
    dmago(m, 2, 0x300000);
    expect(waitStopped(m, 2)).toBe(15);
    expect(r(m, 0x040 + 2 * 4)).toBe(1); // FTR2: undef_instr
    expect(r(m, 0x034)).toBe(1 << 2); // FSRC
    expect(r(m, 0x104 + 2 * 8)).toBe(0x300001); // CPC at the culprit (precise)
    expect(m.pendingIrq()).toBe(45); // irq_abort
    // DMAKILL on channel 2: DBGINST0 = 0x00010201
    w(m, 0xd08, 0x00010201);
    w(m, 0xd0c, 0);
    w(m, 0xd04, 0);
    expect(r(m, 0x100 + 2 * 8) & 0xf).toBe(0);
    expect(r(m, 0x034)).toBe(0);
    expect(r(m, 0x040 + 2 * 4)).toBe(0);
    expect(m.pendingIrq()).toBe(-1);
  });

  it("takes simulated time in proportion to the bytes moved", async () => {
    const timeFor = async (bursts: number) => {
      const m = await bareMachine({ pl330: BASE });
      // DMAMOV SAR/DAR/CCR; DMALP LC0 bursts; LD; ST; LPEND; DMAEND
      const prog = hex(`BC0000001000 BC0200008000 BC01F7C03D00 20${(bursts - 1).toString(16).padStart(2, "0")} 04 08 3802 00`);
      m.backdoor.write(0x300000, prog);
      const t0 = m.now();
      dmago(m, 0, 0x300000);
      waitStopped(m, 0);
      return m.now() - t0;
    };
    const t64 = await timeFor(64);
    const t128 = await timeFor(128);
    const t256 = await timeFor(256);
    expect(t128 / t64).toBeGreaterThan(1.6);
    expect(t128 / t64).toBeLessThan(2.2);
    expect(t256 / t128).toBeGreaterThan(1.8);
    // 32 KB at no more than 8 bytes per 222 MHz AXI cycle (4.5 ns) takes at least 18.4 µs.
    expect(t256).toBeGreaterThan((256 * 128 / 8) * 4500);
  });
});
