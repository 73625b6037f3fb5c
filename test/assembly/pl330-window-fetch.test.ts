// A PL330 behind a bus whose dma-ranges window ends mid-way through an instruction
// (assembly/dma-windows.ts): the fetch of its bytes past the window's end decodes nowhere
// (DECERR), so the channel faults with instr_fetch_err at that instruction (spec pl330 §6: CPC
// holds the faulting instruction's address) and executes none of it. The window maps bus
// [0x100000, 0x101000) to CPU [0x200000, 0x201000); the RAM goes on past it, so only the
// window's length stops the straddling fetch.

import { describe, expect, it } from "vitest";
import { pl330Rig, ST } from "../helpers/pl330-rig.js";

const BUS = 0x100000;
const CPU = 0x200000;
const WINDOW = 0x1000;

async function windowed() {
  const g = await pl330Rig();
  expect(g.m.x.addPl330DmaWindow(0, BUS, CPU, WINDOW)).toBeTruthy();
  return g;
}

describe("an instruction fetch at a dma-ranges window's end", () => {
  it("control: a DMAMOV (6 bytes) ending at the window's last byte executes", async () => {
    const g = await windowed();
    g.program(CPU + WINDOW - 7, "DMAMOV SAR, 0x12345678\nDMAEND");
    expect(g.run(0, BUS + WINDOW - 7).state).toBe(ST.stopped);
    expect(g.sar(0)).toBe(0x12345678);
  });

  it("a DMAMOV whose last 2 bytes lie past the window's end faults with instr_fetch_err, SAR untouched", async () => {
    const g = await windowed();
    g.program(CPU + WINDOW - 4, "DMAMOV SAR, 0x12345678\nDMAEND");
    expect(g.run(0, BUS + WINDOW - 4).state).toBe(ST.faulting);
    expect(g.ftr(0)).toBe(1 << 16);
    expect(g.cpc(0)).toBe(BUS + WINDOW - 4);
    expect(g.sar(0)).toBe(0);
  });
});
