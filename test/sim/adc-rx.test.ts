// The adc-rx scenario: period callbacks of a cyclic capture at the converter's rate, the latency
// from a period's last sample to its callback, and the position from the residue.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { createSystem } from "../../src/create.js";
import { runScenario, SCENARIO_SYSTEMS } from "../../src/sim/scenarios.js";
import type { AdcRxResult } from "../../src/sim/scenarios/adc-rx.js";

const root = new URL("../..", import.meta.url).pathname;

async function adcRx(params: Record<string, number>) {
  const s = await createSystem({ ...SCENARIO_SYSTEMS["adc-rx"](params), worker: false });
  return runScenario(s, "adc-rx", params) as AdcRxResult;
}

describe("adc-rx", () => {
  it("calls back at the converter's period rate with every sample in order", async () => {
    // 48 kS/s of 16-bit samples, 512-byte periods: 256 samples = 5.333 ms, 187.5 periods/s.
    const r = await adcRx({ rate: 48000, period: 512, count: 12 });
    expect(r.ok).toBe(true);
    expect(r.callbacks).toBe(12);
    expect(r.expectedPeriodsPerSec).toBe(187.5);
    expect(Math.abs(r.periodsPerSec - 187.5)).toBeLessThan(0.05);
    expect(r.latencyMinPs).toBeGreaterThan(0);
    expect(r.latencyMaxPs).toBeLessThan(10e6); // a last burst, an interrupt and a tasklet: µs, not a period
    expect(r.overruns).toBe(0);
    expect(r.irqs).toBe(12);
  });

  it("reads the position mid-period from the residue, within a burst of the converter", async () => {
    // Half a period after the 6th callback of a 3 × 256-byte ring: 6.5 × 256 = 1664 → 128 bytes in.
    const r = await adcRx({ rate: 1_000_000, period: 256, periods: 3, count: 6, burst: 8 });
    expect(r.midPeriodExpected).toBe(128);
    expect(r.midPeriodPointer).toBeLessThanOrEqual(128);
    expect(r.midPeriodPointer).toBeGreaterThanOrEqual(128 - 32);
    expect(r.ok).toBe(true);
  });

  it("refuses a burst longer than the FIFO can request, instead of stalling or reading ahead", async () => {
    // A 1-sample FIFO raises single requests: DMAWFPB for 4 samples would never be satisfied.
    await expect(adcRx({ depth: 1, burst: 4, count: 4 })).rejects.toThrow(
      "burst=4 samples is more than the peripheral model of /axi/serial@e0001000 requests at a time (1, its FIFO holds 1)",
    );
    // A 4-sample FIFO requests 4 at a time: bursts of 16 would read 12 samples not yet produced —
    // by the UART: adc-rx shapes the stream's samples, but it is serial@e0001000's receive side.
    await expect(adcRx({ depth: 4, burst: 16, count: 4 })).rejects.toThrow(
      "requests at a time (4, its FIFO holds 4): the transfer would stall or read samples the UART has not yet produced;",
    );
    // Each refusal ends with the bug kind that lets the mistake run: a single-request FIFO and a
    // burst channel stall (burst-on-single-requests, a TX UART); a FIFO asking for fewer samples
    // than the burst gets the rest read as zeros (rx-burst-larger-than-fifo-level).
    await expect(adcRx({ depth: 1, burst: 4, count: 4 })).rejects.toThrow(
      "give burst ≤ 1 (dmasim run bug --param kind=burst-on-single-requests shows what that mistake does, for TX: " +
        "a channel waiting for a burst request that never comes)",
    );
    await expect(adcRx({ depth: 4, burst: 16, count: 4 })).rejects.toThrow(
      "give burst ≤ 4 (dmasim run bug --param kind=rx-burst-larger-than-fifo-level shows what that mistake does: zeros read from an empty FIFO)",
    );
    // As long as the FIFO can request, the capture is whole.
    const r = await adcRx({ depth: 4, burst: 4, count: 4 });
    expect(r.ok).toBe(true);
    expect(r.callbacks).toBe(4);
  });

  it("refuses a burst longer than a PL330 burst (16 beats) instead of trailing the converter", async () => {
    // Spec pl330 §3: CCR src_burst_len is 4 bits, 1..16 beats; §12.3: Linux clamps maxburst to
    // 16, so a 32-sample request would be answered 16 samples at a time.
    await expect(adcRx({ burst: 32, count: 4 })).rejects.toThrow(
      "burst=32 samples is more than the DMA controller of /axi/serial@e0001000 moves in one burst (max_burst 16: a PL330 CCR burst is 1..16 beats); give burst ≤ 16",
    );
    await expect(adcRx({ burst: 17, count: 4 })).rejects.toThrow("max_burst 16");
    // 16 is one whole CCR burst: half a period after the 4th callback of 4 × 512-byte periods
    // the capture is at 4.5 × 512 mod 2048 = 256 bytes, less at most one 32-byte burst.
    const r = await adcRx({ burst: 16, count: 4 });
    expect(r.ok).toBe(true);
    expect(r.midPeriodExpected).toBe(256);
    expect(r.midPeriodPointer).toBeGreaterThanOrEqual(256 - 32);
    expect(r.midPeriodPointer).toBeLessThanOrEqual(256);
  });

  it("dmasim run adc-rx --board zynq-7000 --param burst=16: refused on stderr, pointing at the stall's bug kind", () => {
    // The board's own RX model raises single requests (1 sample) from its 64-sample FIFO; it is
    // the UART's receive side, and the text says so.
    const r = spawnSync(process.execPath, [join(root, "dist/src/cli.js"), "run", "adc-rx", "--board", "zynq-7000", "--param", "burst=16"], {
      cwd: root,
      encoding: "utf8",
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "dmasim: error: burst=16 samples is more than the peripheral model of /axi/serial@e0001000 requests at a time (1, its FIFO holds 64): " +
        "the transfer would stall or read samples the UART has not yet produced; give burst ≤ 1 (dmasim run bug --param kind=burst-on-single-requests " +
        "shows what that mistake does, for TX: a channel waiting for a burst request that never comes)\n",
    );
  });

  // rate, sample and depth go into the default board's UART RX stream model (adcRxSystem); burst is
  // also the slave maxburst, which run reads on any board.
  it("dmasim run adc-rx --board arm64-ref --param rate=8000 --param sample=4: refused on stderr; burst alone runs", () => {
    const cli = (args: string[]) => spawnSync(process.execPath, [join(root, "dist/src/cli.js"), "run", "adc-rx", "--board", "arm64-ref", ...args], { cwd: root, encoding: "utf8" });
    const r = cli(["--param", "rate=8000", "--param", "sample=4", "--param", "burst=1"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "dmasim: error: adc-rx: rate=8000 sample=4 cannot apply on a board given with --board/--dtb: rate, sample and depth shape only the UART's RX stream model of " +
        'the board adc-rx boots when given none (zynq-7000, serial@e0001000); a board given by name or tree has its "rx" DMA peripheral ' +
        "modelled as its tree describes it (a UART's current-speed sets its rate, one byte per character time, arm,pl330-periph-burst on its PL330 its request size; " +
        "the rest are the model's defaults; burst still applies, as the slave maxburst). Leave out rate and sample, or the board\n",
    );
    const ok = cli(["--param", "burst=1", "--param", "count=2"]);
    expect(ok.status).toBe(0);
    expect(ok.stdout.split("\n").slice(0, 3)).toEqual(["dmasim run: adc-rx (burst=1 count=2) on dmasim arm64 reference board (modern kernel)", "", "peripheral             /soc/serial@ff1a0000"]);
  });

  it("is registered with the CLI: dmasim run adc-rx --json", () => {
    const r = spawnSync(process.execPath, [join(root, "dist/src/cli.js"), "run", "adc-rx", "--param", "count=4", "--json"], { cwd: root, encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ callbacks: 4, sampleRateHz: 48000, ok: true });
  });
});
