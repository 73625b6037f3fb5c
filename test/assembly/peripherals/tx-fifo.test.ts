// The UART-like TX FIFO (assembly/peripherals/tx-fifo.ts): draining at the character rate, its
// registers, and fed by PL330 programs through the request interface (DMAWFP, DMASTP,
// DMAFLUSHP). Times follow from the line rate: 10 bits per character.

import { describe, expect, it } from "vitest";
import { pl330Rig, pattern, ST } from "../../helpers/pl330-rig.js";
import { addTxFifo } from "../../../src/hw/dma-peripherals.js";

const UART = 0xe0001000;
const PROG = 0x100000;
const SRC = 0x200000;
const BAUD = 1_000_000; // 10 µs per character
const CHAR_PS = 10e6;

describe("TX FIFO", () => {
  it("sends what the CPU writes at the character rate and counts overruns", async () => {
    const g = await pl330Rig();
    const tx = addTxFifo(g.m, { base: UART, baud: BAUD, depth: 8, request: 0 });
    const t0 = g.m.now();
    for (let i = 0; i < 12; i++) g.m.cpu.store(UART, 4, 0x41 + i); // 9 fit: 8 in the FIFO, 1 shifting
    const level = (g.m.cpu.load(UART + 4, 4) >>> 16) & 0xffff;
    expect(level).toBe(8);
    expect(g.m.cpu.load(UART + 0x10, 4)).toBe(3); // OVERRUN
    g.m.idleUntil(t0 + 4.5 * CHAR_PS);
    expect(g.m.cpu.load(UART + 0x0c, 4)).toBe(4); // SENT: four characters shifted out
    g.m.idleUntil(t0 + 20 * CHAR_PS);
    expect(new TextDecoder().decode(tx.transmitted())).toBe("ABCDEFGHI");
    expect(g.m.cpu.load(UART + 4, 4) & 1).toBe(1); // FIFO empty
  });

  it("receives a single-request DMA transfer byte for byte, paced by the line", async () => {
    const g = await pl330Rig();
    const tx = addTxFifo(g.m, { base: UART, baud: BAUD, depth: 16, request: 0 });
    const data = pattern(100);
    g.m.backdoor.write(SRC, data);
    // Linux's MEM→DEV body for 1-byte singles: DMAFLUSHP; n × { DMAWFPS; DMALDS; DMASTPS }.
    g.program(PROG, `DMAMOV SAR, ${SRC}
      DMAMOV DAR, ${UART}
      DMAMOV CCR, SB1 SS8 SAI DB1 DS8 DAF
      DMAFLUSHP P0
      DMALP 100
        DMAWFP P0, single
        DMALDS
        DMASTPS P0
      DMALPEND
      DMASEV E0
      DMAEND`);
    const ps = g.timeToIrq(0, PROG, 1e10);
    expect(g.settle(0).state).toBe(ST.stopped);
    // The FIFO takes 16 bytes and the shifter one at once; then one byte per character time.
    expect(ps).toBeGreaterThan((100 - 17 - 1) * CHAR_PS);
    expect(ps).toBeLessThan((100 - 17 + 1) * CHAR_PS);
    g.m.idleUntil(g.m.now() + 20 * CHAR_PS);
    expect(tx.transmitted()).toEqual(data);
    const s = tx.stats();
    expect(s.overruns).toBe(0);
    expect(s.acks).toBe(100);
  });

  it("leaves a DMAWFPB waiting on a peripheral that only raises singles, without retrying each cycle", async () => {
    const g = await pl330Rig();
    const tx = addTxFifo(g.m, { base: UART, baud: BAUD, depth: 16, burstBytes: 1, request: 0 });
    g.program(PROG, `DMAWFP P0, burst
      DMAEND`);
    g.go(0, PROG);
    g.m.idleUntil(g.m.now() + 1e9); // 1 ms: 222,222 AXI cycles
    expect(g.state(0)).toBe(ST.wfp);
    // The single at the head was dropped once (spec §2.2), not once per cycle.
    expect(tx.stats().flushes).toBe(1);
    expect(tx.stats().requests).toBe(0);
    g.kill(0);
    expect(g.settle(0).state).toBe(ST.stopped);
  });

  it("serves burst requests with DMAWFPB / DMASTPB", async () => {
    const g = await pl330Rig();
    const tx = addTxFifo(g.m, { base: UART, baud: BAUD, depth: 32, burstBytes: 16, request: 2 });
    const data = pattern(256, 3);
    g.m.backdoor.write(SRC, data);
    g.program(PROG, `DMAMOV SAR, ${SRC}
      DMAMOV DAR, ${UART}
      DMAMOV CCR, SB16 SS8 SAI DB16 DS8 DAF
      DMALP 16
        DMAFLUSHP P2
        DMAWFP P2, burst
        DMALDB
        DMASTPB P2
      DMALPEND
      DMAEND`);
    expect(g.run(0, PROG, 1e10).state).toBe(ST.stopped);
    g.m.idleUntil(g.m.now() + 40 * CHAR_PS);
    expect(tx.transmitted()).toEqual(data);
    expect(tx.stats().overruns).toBe(0);
    expect(g.csr(0) & (1 << 14)).toBe(1 << 14);
  });

  it("makes DMAWFP wait (Waiting for peripheral) while the FIFO is full", async () => {
    const g = await pl330Rig();
    addTxFifo(g.m, { base: UART, baud: BAUD, depth: 4, request: 1 });
    for (let i = 0; i < 5; i++) g.m.cpu.store(UART, 4, i);
    g.program(PROG, "DMAWFP P1, single\nDMAEND");
    g.go(0, PROG);
    g.m.idleUntil(g.m.now() + CHAR_PS / 2);
    expect(g.csr(0) & 0x1ff).toBe(ST.wfp | (1 << 4)); // waiting for peripheral 1
    expect(g.cpc(0)).toBe(PROG);
    expect(g.settle(0, 10 * CHAR_PS).state).toBe(ST.stopped);
  });
});
