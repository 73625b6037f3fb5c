// A DMA master beside the CPU's caches, on a bare Zynq machine: the PL330 runs the memcpy of spec
// pl330 §2.3 (4 KB from PA 0x100000 to 0x200000; its microcode placed in DRAM by the loader)
// while the CPU holds the source dirty and the destination clean in its caches. Wired
// non-coherent, the DMAC reads and writes DRAM beneath them; wired coherent (an ACP-style port,
// `dma-coherent`), it snoops.

import { describe, expect, it } from "vitest";
import { zynqPl330Machine, lowmem as va, DMAC } from "../helpers/zynq-pl330-mmu.js";
import type { Machine } from "../../src/hw/machine.js";

const MEMCPY_4K = "BC0000001000 BC0200002000 BC01F7C03D00 201F 04 08 3802 3400 00";
const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, "").match(/../g)!, (h) => parseInt(h, 16));

async function machine(coherent: boolean): Promise<Machine> {
  const m = await zynqPl330Machine(coherent);
  m.backdoor.write(0x300000, hex(MEMCPY_4K));
  return m;
}

/** DMAGO on channel 0 through the debug interface, then idle until the channel stops. */
function run(m: Machine): void {
  const r = (off: number) => m.cpu.load(DMAC + off, 4);
  const w = (off: number, v: number) => m.cpu.store(DMAC + off, 4, v);
  w(0xd08, 0xa0 << 16);
  w(0xd0c, 0x300000);
  w(0xd04, 0);
  for (let i = 0; i < 10000 && (r(0x100) & 0xf) !== 0; i++) {
    const next = m.x.nextDeviceEvent();
    if (next < 0) break;
    if (next > m.now()) m.idleUntil(next);
  }
  expect(r(0x100) & 0xf).toBe(0);
}

const src = Uint8Array.from({ length: 4096 }, (_, i) => (i * 13 + 5) & 0xff);
const zeros = new Uint8Array(4096);

describe("DMA masters and the CPU's caches", () => {
  it("non-coherent: the DMAC reads DRAM under the CPU's dirty source and writes DRAM under its clean copy", async () => {
    const m = await machine(false);
    m.cpu.write(va(0x100000), src);
    m.cpu.read(va(0x200000), 4096);
    run(m);
    expect(m.backdoor.read(0x200000, 4096)).toEqual(zeros); // the device copied DRAM's zeros
    expect(m.cpu.read(va(0x200000), 4096)).toEqual(zeros); // and the CPU sees its own old lines
  });

  it("coherent: the DMAC reads the dirty lines and updates the CPU's cached copies", async () => {
    const m = await machine(true);
    m.cpu.write(va(0x100000), src);
    m.cpu.read(va(0x200000), 4096);
    run(m);
    expect(m.cpu.read(va(0x200000), 4096)).toEqual(src);
    expect(m.backdoor.read(0x200000, 4096)).toEqual(src);
    // The source is still dirty in the caches (a snoop does not clean): DRAM has zeros there.
    expect(m.backdoor.read(0x100000, 64)).toEqual(zeros.subarray(0, 64));
    expect(m.backdoor.cacheLineSummary(va(0x200000), 4096).differFromDram).toBe(0);
  });
});
