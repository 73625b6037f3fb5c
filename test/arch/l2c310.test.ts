// l2x0_of_init (arch/arm/mm/cache-l2x0.c): the device tree's arm,tag-latency and
// arm,data-latency (<read write setup> cycles) reach the PL310 only when the kernel finds it
// disabled; it then enables it. A controller the boot loader left enabled keeps its reset
// latencies (0x777). Register words are computed by hand: (cycles − 1) at [6:4] read,
// [10:8] write, [2:0] setup.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { instantiateSilicon } from "../../src/hw/wasm.js";
import { buildBoard } from "../../src/hw/board.js";
import { ZYNQ_7000 } from "../../src/hw/profile.js";
import { compileDts } from "../../src/of/dts.js";
import { Kernel } from "../../src/kernel/kernel.js";

const ZYNQ = fileURLToPath(new URL("../../examples/boards/zynq-7000.dts", import.meta.url));
const source = readFileSync(ZYNQ, "utf8");
const L2C = 0xf8f02000;
const CTRL = 0x100, TAG_LAT = 0x108, DATA_LAT = 0x10c;

/** Boots the Zynq board's kernel; `bootLoaderDisablesL2` writes CTRL = 0 first, as a boot
 *  loader that hands over with the L2 off does (MMU still off: the window at its PA). */
async function boot(dts: string, bootLoaderDisablesL2: boolean): Promise<(off: number) => number> {
  const x = await instantiateSilicon();
  const { machine, board } = buildBoard(x, compileDts(dts, { name: ZYNQ }), ZYNQ_7000);
  if (bootLoaderDisablesL2) machine.cpu.store(L2C + CTRL, 4, 0);
  const kernel = new Kernel(machine, board);
  const regs = kernel.mm.ioremap(L2C, 0x1000)!;
  return (off) => machine.cpu.load(regs + off, 4) >>> 0;
}

describe("l2x0_of_init", () => {
  it("programs a disabled controller from arm,tag-latency <2 2 2> and arm,data-latency <3 2 2>, then enables it", async () => {
    const r = await boot(source, true);
    expect(r(TAG_LAT)).toBe((1 << 4) | (1 << 8) | 1); // 0x111
    expect(r(DATA_LAT)).toBe((2 << 4) | (1 << 8) | 1); // 0x121
    expect(r(CTRL)).toBe(1);
  });

  it("leaves an enabled controller's latencies as they are", async () => {
    const r = await boot(source, false);
    expect([r(TAG_LAT), r(DATA_LAT), r(CTRL)]).toEqual([0x777, 0x777, 1]);
  });

  it("keeps the hardware's value when a property is absent or has a zero cell", async () => {
    const dts = source + '\n&L2 { /delete-property/ arm,tag-latency; arm,data-latency = <3 0 2>; };\n';
    const r = await boot(dts, true);
    expect([r(TAG_LAT), r(DATA_LAT), r(CTRL)]).toEqual([0x777, 0x777, 1]);
  });
});
