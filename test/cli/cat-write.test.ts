// `dmasim cat --write PATH=VALUE … PATH…`: each write is `echo VALUE > PATH` on the booted board,
// in order, before the files are read; the kernel lines a write logs go to stderr, those a
// console shows (below console_loglevel 7: no KERN_DEBUG).

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { readFileSync, writeFileSync } from "node:fs";
import { createSystem } from "../../src/create.js";
import { KERN_DEBUG, KERN_ERR } from "../../src/kernel/printk.js";
import { tempFile } from "../helpers/temp-dir.js";

const root = new URL("../..", import.meta.url).pathname;
const cli = join(root, "dist/src/cli.js");
const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: "utf8" });

const DMAC = "f8003000.dma-controller";
const UNBIND = `/sys/bus/amba/drivers/dma-pl330/unbind=${DMAC}`;

describe("dmasim cat --write", () => {
  for (const worker of [[], ["--worker"]]) {
    it(`unbinds the pl330 before reading: its microcode's entry is back in the pool, its IRQs gone${worker.length ? " (worker)" : ""}`, () => {
      const r = run(["cat", "--dma-debug", ...worker, "--write", UNBIND, "/sys/kernel/debug/dma-api/num_free_entries", "/proc/interrupts"]);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      const [free, ...interrupts] = r.stdout.split("\n");
      expect(free).toBe("65536"); // every preallocated entry free again
      expect(interrupts.join("\n")).not.toContain(DMAC);
    });
  }

  it("prints what the write logs to stderr, as a console would, and then the file", () => {
    const r = run(["cat", "--dma-debug", "--write=/sys/kernel/debug/dma-api/driver_filter=dma-pl330", "/sys/kernel/debug/dma-api/driver_filter"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^\[ *\d+\.\d{6}\] DMA-API: enable driver filter for driver \[dma-pl330\]\n$/);
    expect(r.stdout).toBe("dma-pl330\n");
  });

  it("shows what a console at loglevel 7 prints: KERN_INFO and KERN_ERR lines, not KERN_DEBUG ones", async () => {
    // arm64-ref with the pl330's reg larger than the address space: its probe fails at boot, and
    // again when bound, with dev_err_probe's KERN_ERR line and call_driver_probe's KERN_DEBUG
    // "rejects match" (-ENXIO is "not my device"). dmesg has both; the console only the first.
    const dts = tempFile("cat-write__", "big-pl330.dts");
    writeFileSync(dts, readFileSync(join(root, "examples/boards/arm64-ref.dts"), "utf8").replace("reg = <0x0 0xff6e0000 0x0 0x4000>;", "reg = <0x0 0xff6e0000 0xffffffff 0xffffffff>;"));
    const ADMAC = "ff6e0000.dma-controller";
    const bind = `/sys/bus/amba/drivers/dma-pl330/bind=${ADMAC}`;
    const s = await createSystem({ dts: readFileSync(dts, "utf8") });
    const before = s.kernel.printk.dmesg().length;
    expect(() => s.writeFile("/sys/bus/amba/drivers/dma-pl330/bind", `${ADMAC}\n`)).toThrow(/-ENXIO/);
    expect(s.kernel.printk.dmesg().slice(before).map((l) => [l.level, l.text])).toEqual([
      [KERN_ERR, `dma-pl330 ${ADMAC}: error -ENXIO: no register window: the node has no usable "reg"`],
      [KERN_DEBUG, `dma-pl330: probe of ${ADMAC} rejects match -6`],
    ]);

    const r = run(["cat", "--dts", dts, "--dma-debug", "--write", "/sys/kernel/debug/dma-api/driver_filter=dma-pl330", "--write", bind]);
    expect(r.status).toBe(1);
    const stamp = String.raw`\[ *\d+\.\d{6}\] `;
    expect(r.stderr).toMatch(new RegExp(
      `^${stamp}DMA-API: enable driver filter for driver \\[dma-pl330\\]\n` +
        `${stamp}dma-pl330 ${ADMAC}: error -ENXIO: no register window: the node has no usable "reg"\n` +
        `dmasim: error: -ENXIO: /sys/bus/amba/drivers/dma-pl330/bind: write error: dma-pl330's probe of ${ADMAC} returned -ENXIO\n$`,
    ));
    expect(r.stderr).not.toContain("rejects match");
  });

  it("a refused write is the kernel's error, exit 1", () => {
    const r = run(["cat", "--write", `/sys/bus/amba/drivers/dma-pl330/bind=${DMAC}`]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`dmasim: error: -EBUSY: /sys/bus/amba/drivers/dma-pl330/bind: write error: ${DMAC} is already bound to dma-pl330\n`);
  });

  it("runs with a --write and no path to print; with neither, says what it needs", () => {
    const done = run(["cat", "--write", UNBIND]);
    expect(done.status).toBe(0);
    expect(done.stdout).toBe("");
    const neither = run(["cat"]);
    expect(neither.status).toBe(1);
    expect(neither.stderr).toMatch(/^dmasim: cat needs a path to print or a --write to do \(e\.g\. dmasim cat \/proc\/iomem\)/);
  });

  it("--write without PATH=VALUE is a usage error", () => {
    const r = run(["cat", "--write", "/sys/bus/amba/drivers/dma-pl330/unbind", "/proc/iomem"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^dmasim: --write takes PATH=VALUE/);
  });
});
