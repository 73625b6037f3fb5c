// `dmasim probe` on the device trees in ../shared/devicetree and the built-in boards: every
// channel found and tested, "N passed, 0 failed", exit 0. Channel counts follow from spec pl330
// §10/§12.1: a PL330 offers max(peripheral requests, channel threads) dmaengine channels.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zynq } from "../helpers/system.js";
import { probeDma } from "../../src/cli/probe.js";
import { dma_request_chan_by_mask, dma_release_channel } from "../../src/dmaengine/dmaengine.js";
import { DMA_MEMCPY } from "../../src/dmaengine/types.js";
import { tempDir } from "../helpers/temp-dir.js";

const root = new URL("../..", import.meta.url).pathname;
const cli = join(root, "dist/src/cli.js");
const shared = join(root, "../shared/devicetree");

const probe = (...args: string[]) => spawnSync(process.execPath, [cli, "probe", ...args, "--iterations", "2"], { cwd: root, encoding: "utf8" });

function summary(stdout: string): string {
  return stdout.trimEnd().split("\n").at(-1)!;
}

describe("dmasim probe", () => {
  it.each([
    ["socfpga_cyclone5_socdk.dtb", [], ["ffe01000.pdma"], 32],
    ["rk3399-rockpro64.dtb", ["--memory", "1G"], ["ff6d0000.dma-controller", "ff6e0000.dma-controller"], 12 + 20],
    ["zynq-7000-board.dts", [], ["f8003000.dma-controller"], 8],
  ])("passes on %s, testing every channel", (file, extra, dmacs, channels) => {
    const r = probe(join(shared, file), ...extra);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    for (const d of dmacs) expect(r.stdout).toMatch(new RegExp(`dma-pl330 ${d.replace(".", "\\.")}: Loaded driver for PL330 DMAC-[23]41330`));
    expect(r.stdout.match(/^dmatest: dma\d+chan\d+-copy0: summary 2 tests, 0 failures/gm)).toHaveLength(channels);
    expect(summary(r.stdout)).toBe(`${channels} passed, 0 failed`);
  });

  it.each([
    ["zynq-7000", 8],
    ["arm64-ref", 20],
    ["arm64-highmem", 20],
    ["arm64-dma-offset", 20],
  ])("passes on the built-in board %s", (board, channels) => {
    const r = probe(board);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\$ ls \/sys\/class\/dma\ndma0chan0 +dma0chan1/m);
    expect(summary(r.stdout)).toBe(`${channels} passed, 0 failed`);
  });

  it("fails, exit 1, when a PL330 node cannot be probed", () => {
    const dir = tempDir("probe-");
    const dts = join(dir, "board.dts");
    writeFileSync(dts, `/dts-v1/;\n/include/ "${join(shared, "zynq-7000-board.dts")}"\n&amba {\n\tdma-controller@f8004000 {\n\t\tcompatible = "arm,pl330", "arm,primecell";\n\t\t#dma-cells = <1>;\n\t};\n};\n`);
    const r = probe(dts);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('dma-pl330 axi:dma-controller@f8004000: error -ENXIO: no register window: the node has no usable "reg"\n');
    // The reason is printed above, so the summary line gives the errno only.
    expect(r.stdout).toContain("\naxi:dma-controller@f8004000: no driver bound (probe failed with -ENXIO)\n");
    expect(summary(r.stdout)).toBe("8 passed, 1 failed");
  });

  it("names a PL330 whose registers the memory node covers: no device, Linux's line, the note, exit 1", () => {
    const dir = tempDir("probe-");
    const dts = join(dir, "board.dts");
    // RAM is 0x0 + 0x20000000; a second PL330 at 0x1ffff000 lies in its last page.
    writeFileSync(dts, `/dts-v1/;\n/include/ "${join(shared, "zynq-7000-board.dts")}"\n&amba {\n\tdma-controller@1ffff000 {\n\t\tcompatible = "arm,pl330", "arm,primecell";\n\t\treg = <0x1ffff000 0x1000>;\n\t\t#dma-cells = <1>;\n\t};\n};\n`);
    const r = probe(dts);
    expect(r.status).toBe(1);
    // The note before the controllers: the window [0x1ffff000, 0x1fffffff], RAM [0, 0x1fffffff],
    // and RAM ending at 0x1ffff000 is 0x1ffff000 bytes, 511.996 MiB: --memory 511M.
    expect(r.stdout).toContain(
      "\nnote: /axi/dma-controller@1ffff000: reg [mem 0x1ffff000-0x1fffffff] overlaps System RAM [mem 0x00000000-0x1fffffff] (dmasim): ",
    );
    expect(r.stdout).toContain("end RAM at or below 0x1ffff000 (a memory node of at most 0x1ffff000 bytes from 0x0, or --memory 511M)\n\nDMA controllers: 2\n");
    expect(r.stdout).toContain("\n1ffff000.dma-controller: no device (OF: amba_device_add() failed (-16) for /axi/dma-controller@1ffff000)\n");
    expect(summary(r.stdout)).toBe("8 passed, 1 failed");
  });

  it("counts and shows a PL330 whose node has no #dma-cells, which probes as in Linux", () => {
    const dir = tempDir("probe-");
    const dts = join(dir, "board.dts");
    writeFileSync(dts, `/dts-v1/;\n/include/ "${join(shared, "zynq-7000-board.dts")}"\n&dmac_s {\n\t/delete-property/ #dma-cells;\n};\n`);
    const r = probe(dts);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^DMA controllers: 1\n.*dma-pl330 f8003000\.dma-controller: Loaded driver/m);
    expect(r.stdout).not.toMatch(/no DMA controllers on this board/);
    expect(summary(r.stdout)).toBe("8 passed, 0 failed");
  });

  it("gives one-line errors for a missing memory size, an unknown board and a bad count", () => {
    const a = probe(join(shared, "rk3399-rockpro64.dtb"));
    expect(a.status).toBe(1);
    expect(a.stderr).toMatch(/^dmasim: error: .*rk3399-rockpro64\.dtb: .*give the DRAM size with --memory SIZE\n$/);
    const b = probe("no-such-board");
    expect(b.status).toBe(1);
    expect(b.stderr).toBe('dmasim: no built-in board or file "no-such-board" (built in: zynq-7000, arm64-ref, arm64-highmem, arm64-dma-offset)\n');
    const c = spawnSync(process.execPath, [cli, "probe", "zynq-7000", "--iterations", "0"], { cwd: root, encoding: "utf8" });
    expect(c.stderr).toBe('dmasim: --iterations must be a whole number ≥ 1, not "0"\n');
  });

  it("names in its usage line every option it takes, and takes every option named there", () => {
    const u = spawnSync(process.execPath, [cli, "probe"], { cwd: root, encoding: "utf8" });
    expect(u.status).toBe(1);
    expect(u.stderr).toBe(
      "dmasim: usage: dmasim probe BOARD [-i DIR] [--memory SIZE] [--iterations N] [--seed N] [--kernel modern|v4.9] [--dma-debug] [--profile NAME]\n",
    );
    const all = probe(join(root, "examples/boards/zynq-7000.dts"), "-i", tmpdir(), "--memory", "512M", "--seed", "3", "--kernel", "v4.9", "--dma-debug", "--profile", "zynq-7000");
    expect(all.stderr).toBe("");
    expect(summary(all.stdout)).toBe("8 passed, 0 failed");
  });
});

describe("probeDma", () => {
  it("counts a channel whose copies go wrong as failed", async () => {
    const s = await zynq();
    const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
    const ops = chan.device.ops;
    dma_release_channel(chan);
    const prep = ops.device_prep_dma_memcpy!;
    ops.device_prep_dma_memcpy = (c, d, src, len, f) => prep(c, d, src, c.chan_id === 3 ? Math.max(1, len - 1) : len, f);
    const r = probeDma(s, { iterations: 2 });
    expect(r.passed).toBe(7);
    expect(r.failed).toBe(1);
    expect(r.threads.filter((t) => t.failures).map((t) => t.thread)).toEqual(["dma0chan3-copy0"]);
  });
});
