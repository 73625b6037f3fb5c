// `dmasim cat --write PATH=VALUE … PATH…`: each write is `echo VALUE > PATH` on the booted board,
// in order, before the files are read; the kernel lines a write logs go to stderr.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

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

  it("a refused write is the kernel's error, exit 1", () => {
    const r = run(["cat", "--write", `/sys/bus/amba/drivers/dma-pl330/bind=${DMAC}`]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`dmasim: error: -EBUSY: /sys/bus/amba/drivers/dma-pl330/bind: write error: ${DMAC} is already bound to dma-pl330\n`);
  });

  it("--write without PATH=VALUE is a usage error", () => {
    const r = run(["cat", "--write", "/sys/bus/amba/drivers/dma-pl330/unbind", "/proc/iomem"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^dmasim: --write takes PATH=VALUE/);
  });
});
