// `dmasim run`'s text output opens with a heading naming the scenario, the parameters given and
// what it ran on, in the demo's voice. The expected lines are written out by hand: each model is
// its tree's `model` (examples/boards/*.dts), rk3288-like.dts's CPUs are the cortex-a17 profile's
// (its header says so), and a built-in board's own profile is BOARDS' (README's board table).

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
const cli = join(root, "dist/src/cli.js");
const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: root });

/** The first two lines of `dmasim run …`'s stdout, and the exit status. */
function heading(args: string[]): { lines: string[]; status: number | null; stderr: string } {
  const r = run(["run", ...args]);
  return { lines: r.stdout.split("\n").slice(0, 3), status: r.status, stderr: r.stderr };
}

describe("dmasim run: the heading line", () => {
  it("names the scenario, the parameters as given, the built-in board's model and the kernel, then a blank line and the fields", () => {
    const r = heading(["memcpy", "--param", "size=64K", "--param", "burst=4"]);
    expect(r.status).toBe(0);
    expect(r.lines).toEqual(["dmasim run: memcpy (size=64K burst=4) on Zynq-7000 test board (modern kernel)", "", "size       65536"]);
  });

  it("says the kernel asked for with --kernel v4.9", () => {
    const r = heading(["memcpy", "--param", "size=4K", "--kernel", "v4.9"]);
    expect(r.status).toBe(0);
    expect(r.lines[0]).toBe("dmasim run: memcpy (size=4K) on Zynq-7000 test board (v4.9 kernel)");
  });

  it("names a --dts board by its model and its file, with the profile chosen for the tree", () => {
    const r = heading(["memcpy", "--param", "size=4K", "--dts", "examples/boards/rk3288-like.dts"]);
    expect(r.status).toBe(0);
    expect(r.lines[0]).toBe("dmasim run: memcpy (size=4K) on dmasim RK3288-like board (examples/boards/rk3288-like.dts, profile cortex-a17, modern kernel)");
    // What was assumed about the board stays on stderr, as before.
    expect(r.stderr).toMatch(/^dmasim: note: L2 from \/cpus\/l2-cache/);
  });

  it("names a profile that is not the board's own, and the options that change results", () => {
    expect(heading(["memcpy", "--param", "size=4K", "--profile", "arm64"]).lines[0]).toBe(
      "dmasim run: memcpy (size=4K) on Zynq-7000 test board (profile arm64, modern kernel)");
    expect(heading(["memcpy", "--param", "size=4K", "--board", "arm64-ref", "--swiotlb", "force"]).lines[0]).toBe(
      'dmasim run: memcpy (size=4K) on dmasim arm64 reference board (modern kernel, swiotlb=force)');
    // swiotlb= as the kernel reads it: 100 slabs round up to one 128-slab segment.
    expect(heading(["memcpy", "--param", "size=4K", "--board", "arm64-ref", "--swiotlb", "100,force"]).lines[0]).toBe(
      'dmasim run: memcpy (size=4K) on dmasim arm64 reference board (modern kernel, swiotlb=128,force)');
    // swiotlb=0 (no pool, as mask-overflow's heading prints it) and noforce are taken and printed
    // as given; arm64-ref's RAM is all below 4 GiB, so memcpy's buffers need no bounce.
    expect(heading(["memcpy", "--param", "size=4K", "--board", "arm64-ref", "--swiotlb", "0"]).lines[0]).toBe(
      "dmasim run: memcpy (size=4K) on dmasim arm64 reference board (modern kernel, swiotlb=0)");
    expect(heading(["memcpy", "--param", "size=4K", "--board", "arm64-ref", "--swiotlb", "noforce"]).lines[0]).toBe(
      "dmasim run: memcpy (size=4K) on dmasim arm64 reference board (modern kernel, swiotlb=noforce)");
  });

  it("fails a streaming copy beyond the mask under --swiotlb noforce with -ENOMEM and why", () => {
    const r = run(["run", "memcpy", "--param", "size=4K", "--param", "buffers=streaming", "--board", "arm64-highmem", "--swiotlb", "noforce"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp("^dmasim: error: -ENOMEM: dma_map_single of 4096 bytes for ff6e0000\\.dma-controller failed \\(DMA_MAPPING_ERROR\\): " +
      "DMA address 0x8[0-9a-f]{8}\\+4096 is beyond the device's DMA mask 0xffffffff, and swiotlb=noforce disabled swiotlb: there is no bounce pool to copy it through \\(dmasim\\)\n$"));
  });

  it("has no parameter list for a run given none, and the bug kind's own board for a bug", () => {
    expect(heading(["dma-mix"]).lines[0]).toBe("dmasim run: dma-mix on Zynq-7000 test board (modern kernel)");
    // The UART model uart-tx wires from its parameters is in its fields (baud …), not the heading.
    expect(heading(["uart-tx", "--param", "size=64"]).lines).toEqual(["dmasim run: uart-tx (size=64) on Zynq-7000 test board (modern kernel)", "", "peripheral           /axi/serial@e0001000"]);
    // mask-overflow runs on arm64-highmem with no swiotlb (bugSystem; README's bug list): a pool
    // of 0 slabs, as swiotlb-exhaustion's 2 MiB pool reads swiotlb=1024 (1024 slabs of 2 KiB).
    expect(heading(["bug", "--param", "kind=mask-overflow"]).lines[0]).toBe(
      "dmasim run: bug (kind=mask-overflow) on dmasim arm64 board with RAM above 4 GB (modern kernel, swiotlb=0)");
    // On 4.9 it keeps the pool 4.9's mem_init always builds on a board with RAM above 4 GB.
    expect(heading(["bug", "--param", "kind=mask-overflow", "--kernel", "v4.9"]).lines[0]).toBe(
      "dmasim run: bug (kind=mask-overflow) on dmasim arm64 board with RAM above 4 GB (v4.9 kernel)");
    expect(heading(["bug", "--param", "kind=swiotlb-exhaustion"]).lines[0]).toBe(
      "dmasim run: bug (kind=swiotlb-exhaustion) on dmasim arm64 board with RAM above 4 GB (modern kernel, swiotlb=1024)");
  });

  it("names a bug kind's variant of a built-in board by the variant's model and .dtb name, with the profile its tree gives", () => {
    // dma-coherent-on-noncoherent-port boots arm64-ref's blob with its edits (a model of its own
    // among them), named arm64-ref-dma-coherent-on-noncoherent-port.dtb: no built-in board, so
    // the heading reads as for a tree of one's own.
    expect(heading(["bug", "--param", "kind=dma-coherent-on-noncoherent-port"]).lines[0]).toBe(
      "dmasim run: bug (kind=dma-coherent-on-noncoherent-port) on dmasim arm64 reference board, its PL330 dma-coherent in the tree on a port " +
        "that does not snoop (arm64-ref-dma-coherent-on-noncoherent-port.dtb, profile arm64, modern kernel)");
  });

  it("is not in --json, nor printed twice for the demo, whose table has its own", () => {
    const json = run(["run", "memcpy", "--param", "size=4K", "--json"]);
    expect(json.stdout.startsWith("{\n")).toBe(true);
    const demo = run(["run", "demo", "--param", "size=4K"]);
    expect(demo.stdout.split("\n")[0]).toBe("dmasim demo: 4 KiB PL330 memcpy on Zynq-7000 test board (modern kernel)");
    expect(demo.stdout).not.toContain("dmasim run:");
  });
});

describe("dmasim sweep: the heading line", () => {
  /** `dmasim sweep …`'s stdout as lines, and the exit status. */
  const sweep = (args: string[]) => {
    const r = run(["sweep", ...args, "--workers", "0"]);
    return { lines: r.stdout.trimEnd().split("\n"), status: r.status };
  };

  it("names the scenario, every swept value as given and what the jobs ran on, above the table", () => {
    const r = sweep(["memcpy", "--param", "size=4K,64K", "--param", "burst=1,16", "--kernel", "v4.9"]);
    expect(r.status).toBe(0);
    expect(r.lines.slice(0, 2)).toEqual(["dmasim sweep: memcpy (size=4K,64K burst=1,16) on Zynq-7000 test board (v4.9 kernel)", ""]);
    expect(r.lines[2]).toMatch(/^size +burst +channels +buffers +dmaTimePs +mbPerSec +ok$/);
  });

  it("tells two boards' tables apart: the tree file, the options that change results", () => {
    expect(sweep(["memcpy", "--param", "size=4K", "--board", "arm64-ref", "--swiotlb", "force"]).lines[0]).toBe(
      "dmasim sweep: memcpy (size=4K) on dmasim arm64 reference board (modern kernel, swiotlb=force)");
    expect(sweep(["memcpy", "--param", "size=4K", "--dts", "examples/boards/rk3288-like.dts"]).lines[0]).toBe(
      "dmasim sweep: memcpy (size=4K) on dmasim RK3288-like board (examples/boards/rk3288-like.dts, profile cortex-a17, modern kernel)");
  });

  it("sends the reader to a ran on column when the jobs ran on different boards (bug kinds choose theirs)", () => {
    const r = sweep(["bug", "--param", "kind=missing-sync,mask-overflow"]);
    expect(r.status).toBe(0);
    expect(r.lines[0]).toBe("dmasim sweep: bug (kind=missing-sync,mask-overflow) on the Systems in the ran on column");
    expect(r.lines[2]).toMatch(/ ran on$/);
    // missing-sync runs on the default board, mask-overflow on arm64-highmem without swiotlb.
    expect(r.lines[4]).toMatch(/^missing-sync .* Zynq-7000 test board \(modern kernel\)$/);
    expect(r.lines[5]).toMatch(/^mask-overflow .* dmasim arm64 board with RAM above 4 GB \(modern kernel, swiotlb=0\)$/);
  });

  it("names as shared only the options every System had: mask-overflow has no swiotlb on modern, 4.9's pool on 4.9", () => {
    const r = sweep(["bug", "--param", "kind=mask-overflow", "--kernel", "modern,v4.9"]);
    expect(r.status).toBe(0);
    expect(r.lines[0]).toBe("dmasim sweep: bug (kind=mask-overflow) comparing kernel=modern,v4.9");
  });
});
