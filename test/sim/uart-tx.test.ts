// The uart-tx scenario: bytes per second and CPU time of a UART send by DMA. The line rate
// bounds the throughput: 10 bits per character.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { createSystem } from "../../src/create.js";
import { runScenario, SCENARIO_SYSTEMS } from "../../src/sim/scenarios.js";
import type { UartTxResult } from "../../src/sim/scenarios/uart-tx.js";
import { systemFor } from "../../src/worker/job.js";
import { runSweep } from "../../src/sim/sweep.js";

const root = new URL("../..", import.meta.url).pathname;

describe("uart-tx", () => {
  it("sends at the line rate on the default board, with a little CPU time and an interrupt per segment", async () => {
    const params = { size: 2048, baud: 1_000_000, segment: 1000 };
    const s = await createSystem({ ...SCENARIO_SYSTEMS["uart-tx"](params), worker: false });
    const r = runScenario(s, "uart-tx", params) as UartTxResult;
    expect(r.ok).toBe(true);
    expect([r.peripheral, r.bytes, r.segments, r.burstBytes]).toEqual(["/axi/serial@e0001000", 2048, 3, 1]);
    expect(r.lineRateBytesPerSec).toBe(100_000);
    // 2048 characters of 10 µs: the last stop bit 20.48 ms after the send, give or take a character.
    expect(r.lineTimePs).toBeGreaterThanOrEqual(2048 * 10e6);
    expect(r.lineTimePs).toBeLessThan(2050 * 10e6);
    expect(r.bytesPerSec).toBeGreaterThan(99_900);
    expect(r.bytesPerSec).toBeLessThanOrEqual(100_000);
    // The DMA finishes as the FIFO (64) and shifter take the last 65 bytes.
    expect(r.dmaTimePs).toBeGreaterThan((2048 - 66) * 10e6);
    expect(r.irqs).toBe(3); // one program per sg entry, each ending in DMASEV (spec pl330 §12.2)
    expect(r.cpuTimePs).toBeGreaterThan(0);
    expect(r.cpuTimePs).toBeLessThan(100e6); // mapping, three descriptors, three interrupts: well under 100 µs
  });

  it("runs on a user's board (Cyclone V: serial0's TX FIFO on request 28)", async () => {
    const dtb = readFileSync(join(root, "../shared/devicetree/socfpga_cyclone5_socdk.dtb"));
    const s = await createSystem({ dtb, worker: false });
    const r = runScenario(s, "uart-tx", { size: 100 }) as UartTxResult;
    expect([r.ok, r.peripheral, r.baud]).toEqual([true, "/soc/serial0@ffc02000", 115200]);
  });

  // baud, depth and burst go into the default board's UART model (uartTxSystem); a board given
  // by name or tree has its own model, so the heading would show burst=16 over a run of the
  // board's single requests (burstBytes 1).
  it("dmasim run uart-tx --board arm64-ref --param burst=16: refused on stderr, naming the parameters that shape only the default board", () => {
    const r = spawnSync(process.execPath, [join(root, "dist/src/cli.js"), "run", "uart-tx", "--board", "arm64-ref", "--param", "size=64", "--param", "burst=16"], { cwd: root, encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "dmasim: error: uart-tx: burst=16 cannot apply on a board given with --board/--dtb: baud, depth and burst shape only the UART model of " +
        'the board uart-tx boots when given none (zynq-7000, serial@e0001000); a board given by name or tree has its "tx" DMA peripheral ' +
        "modelled as its tree describes it (a UART's current-speed sets its line rate, arm,pl330-periph-burst on its PL330 its request size; " +
        "the rest are the model's defaults). Leave out burst, or the board\n",
    );
  });

  it("refuses them for a tree and in a sweep too, naming every one given, and leaves size and segment to any board", async () => {
    expect(() => systemFor("uart-tx", { baud: 9600, depth: 16 }, { dts: "examples/boards/rk3288-like.dts" })).toThrow(
      "uart-tx: baud=9600 depth=16 cannot apply on a board given with --board/--dtb: baud, depth and burst shape only",
    );
    expect(systemFor("uart-tx", { size: 64, segment: 32 }, { board: "arm64-ref" })).toEqual({ board: "arm64-ref" });
    await expect(runSweep({ scenario: "uart-tx", grid: { burst: [1, 16] }, fixed: { size: 64 }, system: { board: "arm64-ref" }, workers: 0 })).rejects.toThrow(
      "uart-tx: burst=1,16 cannot apply on a board given with --board/--dtb",
    );
  });

  it("is registered with the CLI: dmasim run uart-tx --json", () => {
    const r = spawnSync(process.execPath, [join(root, "dist/src/cli.js"), "run", "uart-tx", "--param", "size=64", "--param", "baud=1000000", "--json"], { cwd: root, encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ bytes: 64, baud: 1_000_000, ok: true });
  });

  it("streams on RK3399, whose arm,pl330-periph-burst peripherals raise burst requests", async () => {
    const dtb = readFileSync(join(root, "../shared/devicetree/rk3399-rockpro64.dtb"));
    const s = await createSystem({ dtb, memory: "1G", worker: false });
    const r = runScenario(s, "uart-tx", { size: 256 }) as { ok: boolean; bytesPerSec: number; lineRateBytesPerSec: number };
    expect(r.ok).toBe(true);
    expect(r.bytesPerSec).toBeGreaterThan(0.99 * r.lineRateBytesPerSec); // the line is kept busy
    expect(r.bytesPerSec).toBeLessThanOrEqual(r.lineRateBytesPerSec);
  });

  it("reads the wire back on a board whose RAM puts the emulator's memory past 2 GiB (RK3399, --memory 2G)", async () => {
    // A wasm pointer past 2 GiB is a negative i32 in JavaScript: the wire's bytes must still read back.
    const dtb = readFileSync(join(root, "../shared/devicetree/rk3399-rockpro64.dtb"));
    const s = await createSystem({ dtb, memory: "2G", worker: false });
    try {
      expect(s.machine.x.memory.buffer.byteLength).toBeGreaterThan(2 ** 31);
      const r = runScenario(s, "uart-tx", { size: 256 }) as UartTxResult;
      expect([r.ok, r.bytes, r.peripheral]).toEqual([true, 256, "/spi@ff1d0000"]);
    } finally {
      s.dispose();
    }
  });

  it("refuses a peripheral raising single requests behind a DMAC with arm,pl330-periph-burst", async () => {
    const dtb = readFileSync(join(root, "../shared/devicetree/rk3399-rockpro64.dtb"));
    const s = await createSystem({ dtb, memory: "1G", worker: false, dmaPeripherals: { "/spi@ff1d0000": { tx: { burstBytes: 1 } } } });
    expect(() => runScenario(s, "uart-tx", { size: 64 })).toThrow(
      /^\/dma-controller@ff6e0000 has arm,pl330-periph-burst .* of \/spi@ff1d0000 raises single requests/,
    );
  });
});
