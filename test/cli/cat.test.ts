// `dmasim cat` and `dmasim ls` boot a board (here from .dts, also handed to --dtb) and show its
// /proc and /sys files.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
const cli = join(root, "dist/src/cli.js");
const zynqDts = join(root, "../shared/devicetree/zynq-7000-board.dts");

const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: "utf8" });

describe("dmasim cat / ls", () => {
  it("prints /proc/iomem of a board given as .dts (by --dts, or detected behind --dtb)", () => {
    for (const opt of ["--dts", "--dtb"]) {
      const r = run(["cat", "/proc/iomem", opt, zynqDts]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(
        "00000000-1fffffff : System RAM\n" +
        "  00008000-005fffff : Kernel code\n" +
        "  00900000-009fffff : Kernel data\n" +
        // The PL330 is the one primecell: amba_device_add claims its registers. The serial,
        // slcr, L2 cache and SRAM nodes are platform devices, which claim none, and no dmasim
        // driver requests theirs (l2x0_of_init and the slcr's early init only ioremap).
        "f8003000-f8003fff : dma-controller@f8003000\n" +
        // pl330_probe's devm_ioremap_resource: "<device> <resource>" since 5.9.
        "  f8003000-f8003fff : f8003000.dma-controller dma-controller@f8003000\n",
      );
    }
  });

  it("lists /sys/class/dma of the RK3399 board with --memory", () => {
    const r = run(["ls", "/sys/class/dma", "--dtb", join(root, "../shared/devicetree/rk3399-rockpro64.dtb"), "--memory", "1G"]);
    expect(r.status).toBe(0);
    const names = r.stdout.trim().split("\n");
    expect(names[0]).toBe("dma0chan0");
    expect(names).toContain("dma1chan0");
  });

  it("gives one line for a path dmasim does not have", () => {
    const r = run(["cat", "/proc/cpuinfo"]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(
      "dmasim: error: -ENOENT: /proc/cpuinfo: no such file or directory (dmasim provides /proc/iomem, /proc/interrupts, " +
        "/sys/class/dma/<channel>/<attribute>, /sys/bus/{platform,amba}/devices/<device>/<file>, /sys/kernel/debug/dma-api/<file> with DMA-API debug on)",
    );
  });

  it("says a dma-api file is missing because DMA-API debug is off, and names the option", () => {
    for (const cmd of [["cat", "/sys/kernel/debug/dma-api/error_count"], ["ls", "/sys/kernel/debug/dma-api"]]) {
      const r = run(cmd);
      expect(r.status, cmd[0]).toBe(1);
      expect(r.stderr).toBe(`dmasim: error: -ENOENT: ${cmd[1]}: no such file or directory (DMA-API debug is off on this System: turn it on with the dmaDebug option, the CLI's --dma-debug)\n`);
    }
    expect(run(["cat", "--dma-debug", "/sys/kernel/debug/dma-api/error_count"]).stdout).toBe("0\n");
  });

  it("ls prints nothing for an empty directory, and a blank line between directories, as ls does", () => {
    // dmasim registers no platform driver, and DMA-API debug is off: both directories are empty.
    const empty = run(["ls", "/sys/bus/platform/drivers"]);
    expect([empty.status, empty.stdout, empty.stderr]).toEqual([0, "", ""]);
    const three = run(["ls", "/sys/bus/amba", "/sys/kernel/debug", "/sys/bus/amba/drivers"]);
    expect(three.stdout).toBe("/sys/bus/amba:\ndevices\ndrivers\n\n/sys/kernel/debug:\n\n/sys/bus/amba/drivers:\ndma-pl330\n");
  });

  it("refuses a board file given as a path (as probe takes it) before booting anything, saying how to boot it", () => {
    const rk = "../shared/devicetree/rk3399-rockpro64.dtb";
    const cat = run(["cat", "/proc/iomem", rk, "--memory", "1G"]);
    expect(cat.stderr).toBe(
      `dmasim: cat: ${rk} is a file here, not one of the board's /proc or /sys paths; to boot it as the board: dmasim cat /proc/iomem --dtb ${rk}\n`,
    );
    expect(cat.stdout).toBe(""); // not the default board's /proc/iomem first
    expect(cat.status).toBe(1);
    // The paths given beside the file are the ones the advice keeps, not the example.
    const two = run(["cat", zynqDts, "/proc/interrupts", "/proc/cmdline"]);
    expect(two.stderr).toBe(
      `dmasim: cat: ${zynqDts} is a file here, not one of the board's /proc or /sys paths; to boot it as the board: dmasim cat /proc/interrupts /proc/cmdline --dtb ${zynqDts}\n`,
    );
    const ls = run(["ls", zynqDts]);
    expect(ls.stderr).toBe(
      `dmasim: ls: ${zynqDts} is a file here, not one of the board's /proc or /sys paths; to boot it as the board: dmasim ls /sys/class/dma --dtb ${zynqDts}\n`,
    );
    expect(ls.status).toBe(1);
  });

  it("names --memory, as typed, when its value is not a size", () => {
    for (const memory of ["abc", "0", "-1G"]) {
      const r = run(["cat", "/proc/iomem", "--memory", memory]);
      expect(r.stderr, memory).toBe(`dmasim: --memory must be a size in bytes (try 64M, 1G), not "${memory}"\n`);
      expect(r.stdout).toBe("");
      expect(r.status).toBe(1);
    }
  });

  it("says an empty path names no file (-ENOENT, as Linux), for cat and ls", () => {
    for (const cmd of ["cat", "ls"]) {
      const r = run([cmd, ""]);
      expect(r.stderr, cmd).toBe("dmasim: error: -ENOENT: '': no such file or directory (an empty path names no file)\n");
      expect(r.stdout).toBe("");
      expect(r.status).toBe(1);
    }
  });
});
