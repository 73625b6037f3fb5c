// The request lines the board builder wires DMA peripheral models to: a node's
// `dmasim,request-lines` (the SoC's wiring) when it has one, its `dmas` cells otherwise. Checked
// as a bare-metal program sees the silicon: the Zynq board built from its device tree (MMU off,
// registers by physical address), one channel per request line running `DMAWFP Pn, single;
// DMAEND`, and the channel's CSR/CPC read back (spec pl330 §4: CSRn[3:0] the channel status, 7
// Waiting for peripheral; [8:4] the peripheral it waits for; CPCn the waiting instruction).

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { instantiateSilicon } from "../../src/hw/wasm.js";
import { buildBoard, BoardError } from "../../src/hw/board.js";
import { profileForTree } from "../../src/hw/profile.js";
import { compileDts } from "../../src/of/dts.js";
import type { Machine } from "../../src/hw/machine.js";
import { assemble } from "../../src/tools/pl330/assembler.js";

const ZYNQ_DTS = fileURLToPath(new URL("../../examples/boards/zynq-7000.dts", import.meta.url));
const DMAC = 0xf8003000;
const PROG = 0x100000;
const WAITING_FOR_PERIPHERAL = 7;
const STOPPED = 0;

async function zynqBoard(extra: string) {
  const tree = compileDts(readFileSync(ZYNQ_DTS, "utf8") + "\n" + extra + "\n", { name: ZYNQ_DTS });
  return buildBoard(await instantiateSilicon(), tree, profileForTree(tree.root.compatible));
}

/** The UART's TX entry on line 2 and RX on 3 in `dmas`; the SoC wires them to 0 and 1. */
const WIRED = `&uart1 { dmas = <&dmac_s 2>, <&dmac_s 3>; dmasim,request-lines = <0 1>; };`;
/** The same `dmas`, and no wiring given: the models follow the cells. */
const DMAS_ONLY = `&uart1 { dmas = <&dmac_s 2>, <&dmac_s 3>; };`;

/** Starts `DMAWFP Pline, single; DMAEND` on channel `line` through the debug interface (DMAGO
 *  from the manager), lets 1 µs pass, and reads the channel's CSR and CPC. */
function waitOn(m: Machine, line: number): { csr: number; cpc: number; pc: number } {
  const pc = PROG + 0x100 * line;
  m.backdoor.write(pc, assemble(`DMAWFP P${line}, single\nDMAEND`, { base: pc }).bytes);
  for (let i = 0; m.cpu.load(DMAC + 0xd00, 4) & 1; i++) if (i > 1e4) throw new Error("DBGSTATUS stuck busy");
  m.cpu.store(DMAC + 0xd08, 4, ((line << 24) | (0xa0 << 16)) >>> 0); // DMAGO channel `line`
  m.cpu.store(DMAC + 0xd0c, 4, pc);
  m.cpu.store(DMAC + 0xd04, 4, 0);
  m.idleUntil(m.now() + 1e6);
  return { csr: m.cpu.load(DMAC + 0x100 + 8 * line, 4), cpc: m.cpu.load(DMAC + 0x104 + 8 * line, 4), pc };
}

describe("dmasim,request-lines", () => {
  it("wires each model to its entry's line, whatever the dmas cell says", async () => {
    const { machine, board } = await zynqBoard(WIRED);
    const uart = board.peripherals.filter((p) => p.node.name === "serial@e0001000");
    expect(uart.map((p) => [p.dmaName, p.device.dataAddr, p.device.request])).toEqual([
      ["tx", 0xe0001000, 0],
      ["rx", 0xe0001100, 1],
    ]);
    // What the silicon holds, line by line: the two models on 0 and 1, nothing on 2 and 3.
    const on = [0, 1, 2, 3].map((l) => machine.backdoor.pl330RequestPeripheral(0, l));
    expect(on).toEqual([uart[0].device.index, uart[1].device.index, -1, -1]);
  });

  it("a DMAWFP on the wired line proceeds; on the line dmas names it waits for ever", async () => {
    const { machine } = await zynqBoard(WIRED);
    // Line 0: the TX FIFO is empty, so it requests at once; the channel runs to DMAEND.
    expect(waitOn(machine, 0).csr & 0xf).toBe(STOPPED);
    // Lines 2 and 3: no peripheral, tied low on a board that gives its wiring. CSR = 7 | line << 4.
    for (const line of [2, 3]) {
      const r = waitOn(machine, line);
      expect(r.csr).toBe(WAITING_FOR_PERIPHERAL | (line << 4));
      expect(r.cpc).toBe(r.pc);
    }
    machine.idleUntil(machine.now() + 1e9);
    expect(machine.cpu.load(DMAC + 0x100 + 8 * 2, 4)).toBe(0x27);
  });

  it("without it, the models follow dmas and an unwired line still never stalls (as before)", async () => {
    const { machine, board } = await zynqBoard(DMAS_ONLY);
    const uart = board.peripherals.filter((p) => p.node.name === "serial@e0001000");
    expect(uart.map((p) => p.device.request)).toEqual([2, 3]);
    expect([0, 1, 2, 3].map((l) => machine.backdoor.pl330RequestPeripheral(0, l))).toEqual([-1, -1, uart[0].device.index, uart[1].device.index]);
    // Line 0 has no peripheral: tied off as always requesting, the channel runs through.
    expect(waitOn(machine, 0).csr & 0xf).toBe(STOPPED);
    expect(waitOn(machine, 2).csr & 0xf).toBe(STOPPED); // the TX FIFO's request
  });

  it("refuses a wiring with a cell count other than dmas's, or a line the PL330 does not have", async () => {
    await expect(zynqBoard(`&uart1 { dmasim,request-lines = <0>; };`)).rejects.toThrow(BoardError);
    await expect(zynqBoard(`&uart1 { dmasim,request-lines = <0>; };`)).rejects.toThrow(
      "/axi/serial@e0001000: dmasim,request-lines has 1 cell(s), but the node has 2 dmas entries (one line each, in dmas order)",
    );
    // Zynq's PL330 has #dma-requests = <4>: lines 0-3.
    await expect(zynqBoard(`&uart1 { dmasim,request-lines = <0 4>; };`)).rejects.toThrow(
      "/axi/serial@e0001000: dmasim,request-lines entry 1 wires request line 4, but /axi/dma-controller@f8003000 has 4 (0-3)",
    );
    // Two models on one line: the silicon has one request interface per line.
    await expect(zynqBoard(`&uart1 { dmasim,request-lines = <1 1>; };`)).rejects.toThrow("has no free request line 1");
  });

  it("the silicon answers -1 for a line or DMAC that does not exist", async () => {
    const { machine } = await zynqBoard(WIRED);
    expect(machine.backdoor.pl330RequestPeripheral(0, 4)).toBe(-1);
    expect(machine.backdoor.pl330RequestPeripheral(0, -1)).toBe(-1);
    expect(machine.backdoor.pl330RequestPeripheral(1, 0)).toBe(-1);
  });
});
