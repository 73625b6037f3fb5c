// `dmasim soak`: transfers on one System, then what grew or leaked, and the exit code says so.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
const cli = join(root, "dist/src/cli.js");
const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: root });

describe("dmasim soak", () => {
  it("reports the heap, the wasm memory, the pages and DMA-API debug before and after, and exits 0 when clean", () => {
    const r = run(["soak", "--transfers", "3000", "--board", "zynq-7000"]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^soak zynq-7000: 3000 transfers \([\d.]+ MiB copied, [\d.]+ s simulated\) in [\d.]+ s$/);
    expect(lines[2]).toMatch(/^ {2}wasm memory +([\d.]+) MiB after warm-up, \1 MiB at the end$/);
    expect(lines).toContain("  DMA-API debug     1 entries before, 1 after, 0 reports");
    expect(lines).toContain("  bad copies        0");
    expect(lines.at(-1)).toBe("ok: nothing grew, nothing leaked");
  });

  it("refuses a bad count", () => {
    const r = run(["soak", "--transfers", "many"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('dmasim: --transfers must be a whole number ≥ 1, not "many"\n');
  });

  it("refuses a largest copy of no bytes, as the dma-mix scenario does", () => {
    const r = run(["soak", "--transfers", "10", "--max-size", "0"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe('dmasim: --max-size must be at least 1 byte, not "0"\n');
  });

  it("refuses copies larger than kmalloc or the board's DMA mapping can take, before any transfer", () => {
    // Linux's largest kmalloc is one order-10 buddy block: 4 KiB << 10.
    const big = run(["soak", "--transfers", "10", "--max-size", "64M"]);
    expect(big.stderr).toBe('dmasim: --max-size must be at most 4 MiB, the largest kmalloc (KMALLOC_MAX_SIZE), not "64M"\n');
    expect(big.stdout).toBe("");
    expect(big.status).toBe(1);
    // arm64-highmem's DMA controller reaches below 4 GiB only: buffers above bounce, and swiotlb
    // maps 128 slots of 2 KiB at most.
    const bounced = run(["soak", "--transfers", "10", "--max-size", "4M", "--board", "arm64-highmem"]);
    expect(bounced.stderr).toBe(
      "dmasim: error: copies of up to 4 MiB cannot be made: ff6e0000.dma-controller maps at most 256 KiB on this board (dma_max_mapping_size: buffers bounce through swiotlb)\n",
    );
    expect(bounced.stdout).toBe("");
    expect(bounced.status).toBe(1);
  });
});
