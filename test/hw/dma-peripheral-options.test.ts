// The DMA peripherals' options are checked before the silicon sees them: a line rate that is not a
// positive number, or a FIFO or request of no bytes, would give a peripheral that never moves data
// (`dmasim run uart-tx --param baud=abc` used to spin for ever). Each is a PeripheralError naming
// the option and the value.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { pl330Rig } from "../helpers/pl330-rig.js";
import { addRxStream, addTxFifo, PeripheralError, type RxStreamOptions, type TxFifoOptions } from "../../src/hw/dma-peripherals.js";

const root = new URL("../..", import.meta.url).pathname;
const BASE = 0xe0001000;

describe("DMA peripheral options", () => {
  it.each([
    [{ baud: 0 }, "baud must be a positive number (a period of at least 1 ps), not 0"],
    [{ baud: NaN }, "baud must be a positive number (a period of at least 1 ps), not NaN"],
    [{ baud: -9600 }, "baud must be a positive number (a period of at least 1 ps), not -9600"],
    [{ baud: 1e14 }, "baud must be a positive number (a period of at least 1 ps), not 100000000000000"],
    [{ depth: 0 }, "depth must be a whole number ≥ 1, not 0"],
    [{ burstBytes: 2.5 }, "burstBytes must be a whole number ≥ 1, not 2.5"],
    [{ bitsPerChar: 0 }, "bitsPerChar must be a whole number ≥ 1, not 0"],
    [{ logBytes: -1 }, "logBytes must be a whole number ≥ 0, not -1"],
  ] as [Partial<TxFifoOptions>, string][])("a TX FIFO refuses %j", async (bad, message) => {
    const g = await pl330Rig();
    expect(() => addTxFifo(g.m, { base: BASE, request: 0, ...bad })).toThrow(PeripheralError);
    expect(() => addTxFifo(g.m, { base: BASE, request: 0, ...bad })).toThrow(`TX FIFO at 0xe0001000: ${message}`);
    // Nothing was added: the same window and request line still take a good FIFO.
    expect(addTxFifo(g.m, { base: BASE, request: 0, baud: 9600 }).config.baud).toBe(9600);
  });

  it.each([
    [{ sampleRateHz: 0 }, "sampleRateHz must be a positive number (a period of at least 1 ps), not 0"],
    [{ sampleRateHz: 3e12 }, "sampleRateHz must be a positive number (a period of at least 1 ps), not 3000000000000"],
    [{ sampleBytes: 3 }, "sampleBytes must be 1, 2 or 4, not 3"],
    [{ depth: 0 }, "depth must be a whole number ≥ 1, not 0"],
    [{ burstBytes: 0 }, "burstBytes must be a whole number ≥ 1, not 0"],
    [{ total: 1.5 }, "total must be a whole number ≥ 0, not 1.5"],
  ] as [Partial<RxStreamOptions>, string][])("an RX stream refuses %j", async (bad, message) => {
    const g = await pl330Rig();
    expect(() => addRxStream(g.m, { base: BASE, request: 1, ...bad })).toThrow(`RX stream at 0xe0001000: ${message}`);
    expect(addRxStream(g.m, { base: BASE, request: 1, sampleRateHz: 48000 }).config.sampleRateHz).toBe(48000);
  });

  it("dmasim run uart-tx with a baud rate that is not a number stops with one line", () => {
    const r = spawnSync(process.execPath, [join(root, "dist/src/cli.js"), "run", "uart-tx", "--param", "baud=fast"], {
      cwd: root, encoding: "utf8", timeout: 20_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("dmasim: error: /axi/serial@e0001000: TX FIFO at 0xe0001000: baud must be a positive number (a period of at least 1 ps), not NaN\n");
  });
});
