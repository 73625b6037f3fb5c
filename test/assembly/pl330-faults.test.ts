// PL330 security checks, data and fetch faults, the lock-up watchdog (spec pl330 §6) and forever
// loops, seen through FTR/CPC/FSRC, the abort line and memory. Expected values from the spec.

import { describe, expect, it } from "vitest";
import { pl330Rig, ST } from "../helpers/pl330-rig.js";
import { assemble } from "../../src/tools/pl330/assembler.js";

const PROG = 0x100000;
const SRC = 0x200000;
const DST = 0x300000;

describe("PL330 security (CR3/CR4 tie-offs secure, manager secure)", () => {
  it.each([
    ["DMASEV on a secure event", "DMASEV E1", 1 << 5],
    ["DMAWFE on a secure event", "DMAWFE E1", 1 << 5],
    ["DMAFLUSHP on a secure peripheral", "DMAFLUSHP P0", 1 << 6],
    ["DMAWFP on a secure peripheral", "DMAWFP P0, single", 1 << 6],
  ])("a non-secure channel faults on %s", async (_, insn, ftr) => {
    const g = await pl330Rig();
    g.program(PROG, `${insn}\nDMAEND`);
    g.go(2, PROG, 1);
    expect(g.settle(2).state).toBe(ST.faulting);
    expect(g.ftr(2)).toBe(ftr);
    expect(g.csr(2) & (1 << 21)).toBe(1 << 21); // CNS
  });

  it("lets a non-secure channel use the events CR3 marks non-secure", async () => {
    const g = await pl330Rig({ irqNs: 1 << 1 });
    g.program(PROG, "DMASEV E1\nDMAEND");
    g.go(2, PROG, 1);
    expect(g.settle(2).state).toBe(ST.stopped);
    expect(g.r(0x024)).toBe(1 << 1);
  });

  it("faults a non-secure manager's DMAGO of a secure channel with dmago_err", async () => {
    const g = await pl330Rig({ mgrNs: true });
    expect(g.r(0x000) & (1 << 9)).toBe(1 << 9); // DSR.DNS
    g.program(PROG, "DMAEND");
    g.go(0, PROG, 0);
    g.settle(0);
    expect(g.r(0x000) & 0xf).toBe(15);
    expect(g.r(0x038)).toBe((1 << 4) | (1 << 30)); // dmago_err | dbg_instr
    expect(g.r(0x030)).toBe(1); // FSRD
  });

  it("with checkChannelProt, faults a non-secure channel asking CCR for secure accesses", async () => {
    const g = await pl330Rig();
    g.x.setPl330Option(0, 2, 1);
    g.program(PROG, "DMAMOV CCR, SB1 SS8 SAI DB1 DS8 DAI\nDMAEND");
    g.go(1, PROG, 1);
    expect(g.settle(1).state).toBe(ST.faulting);
    expect(g.ftr(1)).toBe(1 << 7); // ch_rdwr_err
  });
});

describe("PL330 data faults and the watchdog", () => {
  it("faults a DMALD from unmapped memory with data_read_err (imprecise: CPC past it)", async () => {
    const g = await pl330Rig();
    g.program(PROG, `DMAMOV SAR, 0x40000000
      DMAMOV CCR, SB1 SS32 SAI DB1 DS32 DAI
      DMALD
      DMAEND`);
    expect(g.run(0, PROG).state).toBe(ST.faulting);
    expect(g.ftr(0)).toBe(1 << 18);
    expect(g.cpc(0)).toBe(PROG + 13);
  });

  it("faults a DMAST to unmapped memory with data_write_err", async () => {
    const g = await pl330Rig();
    g.program(PROG, `DMAMOV SAR, ${SRC}
      DMAMOV DAR, 0x40000000
      DMAMOV CCR, SB1 SS32 SAI DB1 DS32 DAI
      DMALD
      DMAST
      DMAEND`);
    expect(g.run(0, PROG).state).toBe(ST.faulting);
    expect(g.ftr(0)).toBe(1 << 17);
  });

  it("faults a fetch from unmapped memory with instr_fetch_err (CPC at the fetch)", async () => {
    const g = await pl330Rig();
    expect(g.run(0, 0x40000000).state).toBe(ST.faulting);
    expect(g.ftr(0)).toBe(1 << 16);
    expect(g.cpc(0)).toBe(0x40000000);
  });

  it("writes the beats it has and faults when a DMAST finds too little data", async () => {
    const g = await pl330Rig();
    g.m.backdoor.write(SRC, Uint8Array.of(9, 8, 7, 6, 5));
    g.m.backdoor.write(DST, new Uint8Array(8).fill(0xee));
    g.program(PROG, `DMAMOV SAR, ${SRC}
      DMAMOV DAR, ${DST}
      DMAMOV CCR, SB1 SS32 SAI DB2 DS32 DAI
      DMALD
      DMAST
      DMAEND`);
    expect(g.run(0, PROG).state).toBe(ST.faulting);
    expect(g.ftr(0)).toBe(1 << 13); // st_data_unavailable
    expect(g.cpc(0)).toBe(PROG + 20); // past the DMAST
    expect(Array.from(g.m.backdoor.read(DST, 8))).toEqual([9, 8, 7, 6, 0xee, 0xee, 0xee, 0xee]);
  });

  // Spec §6: data faults are imprecise, CPC past the instruction, as for DMALD/DMAST above; a
  // DMALDP/DMASTP is two bytes (§2.1), so CPC moves past both, never onto its peripheral byte.
  it.each([
    ["DMALDPS from unmapped memory", "DMAMOV SAR, 0x40000000", "DMALDPS P0", 1 << 18],
    ["DMASTPS to unmapped memory", `DMAMOV SAR, ${SRC}\nDMAMOV DAR, 0x40000000\nDMALD`, "DMASTPS P0", 1 << 17],
    ["DMASTPS with no data loaded", `DMAMOV DAR, ${DST}\nDMANOP`, "DMASTPS P0", 1 << 13],
  ])("a %s faults with CPC past its two bytes", async (_, setup, insn, ftr) => {
    const g = await pl330Rig();
    const head = `DMAMOV CCR, SB1 SS32 SAI DB1 DS32 DAI\n${setup}`;
    const at = PROG + assemble(head, { base: PROG }).bytes.length;
    g.program(PROG, `${head}\n${insn}\nDMAEND`);
    expect(g.run(0, PROG).state).toBe(ST.faulting);
    expect(g.ftr(0)).toBe(ftr);
    expect(g.cpc(0)).toBe(at + 2);
  });

  it("faults a DMALD larger than the whole MFIFO with mfifo_err", async () => {
    const g = await pl330Rig({ preset: { bufferDepth: 16 } }); // 16 lines × 8 B = 128 bytes
    g.program(PROG, `DMAMOV SAR, ${SRC}
      DMAMOV CCR, SB16 SS128 SAI DB16 DS128 DAI
      DMALD
      DMAEND`);
    expect(g.run(0, PROG).state).toBe(ST.faulting);
    expect(g.ftr(0)).toBe(1 << 12);
    expect(g.cpc(0)).toBe(PROG + 13);
  });

  it("declares a lock-up when loads fill the MFIFO and nothing will drain it", async () => {
    const g = await pl330Rig();
    g.program(PROG, `DMAMOV SAR, ${SRC}
      DMAMOV CCR, SB16 SS64 SAI DB16 DS64 DAI
      DMALPFE
        DMALD
      DMALPEND`);
    const { state, ps } = g.run(0, PROG, 1e9);
    expect(state).toBe(ST.faulting);
    expect(g.ftr(0)).toBe(0x80000000); // lockup_err
    expect(g.cpc(0)).toBe(PROG + 12); // at the DMALD that could not issue
    expect(g.x.pl330Stat(0, 6)).toBe(1024); // MFIFO peak: 128 lines × 8 B
    expect(ps).toBeGreaterThanOrEqual(1024 * 4500); // the watchdog waited 1024 AXI cycles
  });

  it("with WD.wd_irq_only, signals a lock-up on irq_abort without faulting the channel", async () => {
    const g = await pl330Rig();
    g.w(0xe80, 1);
    g.program(PROG, `DMAMOV SAR, ${SRC}
      DMAMOV CCR, SB16 SS64 SAI DB16 DS64 DAI
      DMALPFE
        DMALD
      DMALPEND`);
    g.go(0, PROG);
    expect(g.settle(0, 1e8).state).toBe(ST.executing);
    expect(g.m.pendingIrq()).toBe(45);
    expect(g.r(0x034)).toBe(0);
    g.kill(0);
    g.settle(0);
    expect(g.m.pendingIrq()).toBe(-1);
  });

  it("never completes a DMAEND with loaded data left over: lock-up at the DMAEND", async () => {
    const g = await pl330Rig();
    g.program(PROG, `DMAMOV SAR, ${SRC}
      DMAMOV CCR, SB1 SS32 SAI DB1 DS32 DAI
      DMALD
      DMAEND`);
    expect(g.run(0, PROG).state).toBe(ST.faulting);
    expect(g.ftr(0)).toBe(0x80000000);
    expect(g.cpc(0)).toBe(PROG + 13);
  });
});

describe("PL330 forever loops", () => {
  it("end at the caller's time bound: the channel is still executing, the host returns", async () => {
    const g = await pl330Rig();
    g.program(PROG, "DMALPFE\nDMANOP\nDMALPEND\nDMAEND");
    g.go(0, PROG);
    const t0 = g.m.now();
    expect(g.m.waitForInterrupt(t0 + 1e9)).toBe(t0 + 1e9); // 1 ms passes, no interrupt
    expect(g.state(0)).toBe(ST.executing);
    // About one instruction per AXI cycle ran in that millisecond.
    expect(g.x.pl330Stat(0, 0)).toBeGreaterThan(1e9 / 4500 / 2);
    g.kill(0);
    expect(g.settle(0).state).toBe(ST.stopped);
  });
});
