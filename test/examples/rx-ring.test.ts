// examples/rx-ring, run as a user runs it (`dmasim run examples/rx-ring/rx-ring.js --json`): the
// bytes the stack receives, and the stale bytes of the wrong drivers from the ring's geometry.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
const cli = join(root, "dist/src/cli.js");
const RING = 64, PACKETS = 128; // two laps of the ring

interface RxResult { bytesReceived: number; receivedSum: number; wrongBytes: number; staleBytes: number; badPackets: number; driverNsPerPacket: number }

function rx(board: string, variant: string, len: number): RxResult {
  const args = ["run", "examples/rx-ring/rx-ring.js", "--board", board, "--json",
    "--param", `variant=${variant}`, "--param", `len=${len}`, "--param", `packets=${PACKETS}`];
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: root });
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout) as RxResult;
}

/** Sum of the bytes the MAC sent, packet n byte i = (37·lap + slot + i) mod 256, or, with
 *  `firstLapOnly`, of what a CPU that kept the first lap's lines cached reads. */
function sentSum(len: number, firstLapOnly = false): number {
  let sum = 0;
  for (let n = 0; n < PACKETS; n++) {
    const lap = firstLapOnly ? 0 : Math.floor(n / RING);
    for (let i = 0; i < len; i++) sum += (37 * lap + (n % RING) + i) & 0xff;
  }
  return sum;
}

describe("examples/rx-ring: an RX ring of 64 × 2 KiB kmalloc buffers filled by a PL330", () => {
  it("delivers every byte of every packet with the syncs, copybreak, and unmap-and-refill", () => {
    for (const [board, variant, len] of [["arm64-ref", "sync", 1500], ["zynq-7000", "sync", 64], ["arm64-ref", "copybreak", 256], ["zynq-7000", "unmap-refill", 64]] as const) {
      const r = rx(board, variant, len);
      expect(r, `${board} ${variant}`).toMatchObject({ bytesReceived: PACKETS * len, receivedSum: sentSum(len), wrongBytes: 0, staleBytes: 0 });
    }
  });

  it("shows the second lap's packets stale on arm64 without sync_for_cpu, or with sync_for_device first", () => {
    // modern arm64's sync_for_device is a clean (spec dma-api): the lines the CPU read on the
    // first lap stay cached, so every later packet reads as the first lap's bytes
    for (const [variant, len] of [["no-sync-for-cpu", 64], ["sync-for-device-first", 256]] as const) {
      const r = rx("arm64-ref", variant, len);
      expect(r, variant).toMatchObject({ wrongBytes: (PACKETS - RING) * len, staleBytes: (PACKETS - RING) * len,
        badPackets: PACKETS - RING, receivedSum: sentSum(len, true) });
    }
  });

  it("hides the missing sync_for_cpu on Zynq, where sync_for_device(DMA_FROM_DEVICE) invalidates", () => {
    expect(rx("zynq-7000", "no-sync-for-cpu", 256)).toMatchObject({ wrongBytes: 0, receivedSum: sentSum(256) });
  });

  it("makes copybreak of a small packet cheaper than unmapping and refilling its buffer on Zynq", () => {
    expect(rx("zynq-7000", "copybreak", 64).driverNsPerPacket).toBeLessThan(rx("zynq-7000", "unmap-refill", 64).driverNsPerPacket);
  });
});
