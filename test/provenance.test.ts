import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DMASIM_VERSION, ranOnText } from "../src/provenance.js";
import { runSweep } from "../src/sim/sweep.js";
import { systemParams } from "../src/sim/sweep-systems.js";
import { tempDir } from "./helpers/temp-dir.js";

const root = new URL("..", import.meta.url).pathname;
const cli = join(root, "dist/src/cli.js");
const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: root });
const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version as string;

// What the tests ask for, written out by hand: arm64-ref's model is its .dts's `model`, its
// profile is BOARDS' (README's board table), --swiotlb force is swiotlb=force.
const ARM64_V49_FORCE = {
  board: "arm64-ref",
  model: "dmasim arm64 reference board",
  profile: "arm64",
  kernel: "v4.9",
  options: { swiotlb: { force: true } },
  dmasim: version,
};
const ASKED = ["--board", "arm64-ref", "--kernel", "v4.9", "--swiotlb", "force"];

describe("provenance", () => {
  it("names package.json's version", () => {
    expect(DMASIM_VERSION).toBe(version);
  });

  it("run --json adds it after the result's own fields; its report and trace carry it too", () => {
    const dir = tempDir("dmasim-prov-");
    const report = join(dir, "run.html");
    const trace = join(dir, "run.json");
    const r = run(["run", "memcpy", "--param", "size=4K", ...ASKED, "--json", "--report", report, "--trace", trace]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    const keys = Object.keys(out);
    expect(keys.at(-1)).toBe("provenance");
    expect(keys.slice(0, 3)).toEqual(["size", "burst", "channels"]);
    expect(out.provenance).toEqual(ARM64_V49_FORCE);
    const html = readFileSync(report, "utf8");
    expect(html).toContain(`<h1>dmasim run memcpy</h1>\n<p class="provenance">Ran on arm64-ref ("dmasim arm64 reference board"), profile arm64, v4.9 kernel, swiotlb=force, dmasim ${version}.</p>`);
    expect(JSON.parse(readFileSync(trace, "utf8")).otherData.provenance).toEqual(ARM64_V49_FORCE);
  });

  it("is the same every run", () => {
    const a = run(["run", "memcpy", "--param", "size=4K", ...ASKED, "--json"]);
    const b = run(["run", "memcpy", "--param", "size=4K", ...ASKED, "--json"]);
    expect(a.status).toBe(0);
    expect(b.stdout).toBe(a.stdout);
  });

  it("names the file a tree came from, and what was assumed about it (the notes run prints)", () => {
    const r = run(["run", "memcpy", "--param", "size=4K", "--dts", "examples/boards/rk3288-like.dts", "--json"]);
    expect(r.status).toBe(0);
    const p = JSON.parse(r.stdout).provenance;
    const notes = r.stderr.split("\n").filter((l) => l.startsWith("dmasim: note: ")).map((l) => l.slice("dmasim: note: ".length));
    expect(notes.length).toBeGreaterThan(0);
    expect(p).toEqual({ file: "examples/boards/rk3288-like.dts", model: "dmasim RK3288-like board", profile: "cortex-a17", kernel: "modern", options: {}, assumed: notes, dmasim: version });
  });

  it("sweep --json has it once, beside the rows, and its report names the board under the title", () => {
    const dir = tempDir("dmasim-prov-");
    const report = join(dir, "sweep.html");
    const r = run(["sweep", "memcpy", "--param", "size=4K,8K", ...ASKED, "--workers", "1", "--json", "--report", report]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(["scenario", "rows", "workers", "elapsedMs", "provenance"]);
    expect(out.provenance).toEqual(ARM64_V49_FORCE);
    expect(out.rows).toHaveLength(2);
    for (const row of out.rows) expect(Object.keys(row)).toEqual(["params", "result"]);
    expect(r.stdout.match(/"provenance"/g)).toHaveLength(1);
    const html = readFileSync(report, "utf8");
    expect(html).toContain(`<h1>dmasim sweep: memcpy</h1>\n<p class="provenance">Ran on arm64-ref ("dmasim arm64 reference board"), profile arm64, v4.9 kernel`);
    expect(html).not.toContain("ran on</th>");
  });

  it("a sweep whose scenario chooses the board by parameter names each other board on its row", async () => {
    const s = await runSweep({ scenario: "bug", grid: { kind: ["invalidate-only-before", "dma-ranges", "invalidate-only-before"] }, workers: 0 });
    // bug's kinds run where they show: invalidate-only-before on arm64-ref under 4.9,
    // dma-ranges on the board whose bus offsets DMA addresses (bugs.ts's comments, README).
    expect(s.provenance).toMatchObject({ board: "arm64-ref", kernel: "v4.9", options: {} });
    expect(s.rows[0].provenance).toBeUndefined();
    expect(s.rows[1].provenance).toMatchObject({ board: "arm64-dma-offset", profile: "arm64", kernel: "modern", options: {} });
    expect(s.rows[2].provenance).toBeUndefined();
  });

  it("a swiotlb option the kernel parameter cannot say stays JSON: bytes that are not whole 2 KiB slabs, force false alone", () => {
    const on = (swiotlb: object) => ranOnText({ ...ARM64_V49_FORCE, options: { swiotlb } });
    expect(on({ size: 4096, force: true })).toBe("dmasim arm64 reference board (v4.9 kernel, swiotlb=2,force)");
    expect(on({ size: 3000 })).toBe('dmasim arm64 reference board (v4.9 kernel, swiotlb={"size":3000})');
    expect(on({ force: false })).toBe('dmasim arm64 reference board (v4.9 kernel, swiotlb={"force":false})');
  });

  it("a pool of no slabs (size 0: the kernel boots without swiotlb) reads swiotlb=0, in a heading and as a sweep row's System value", () => {
    expect(ranOnText({ ...ARM64_V49_FORCE, options: { swiotlb: { size: 0 } } })).toBe("dmasim arm64 reference board (v4.9 kernel, swiotlb=0)");
    // 2 MiB is 1024 slabs of 2 KiB (IO_TLB_SIZE).
    expect(systemParams({ board: "arm64-highmem", swiotlb: { size: 0 } })).toEqual({ board: "arm64-highmem", swiotlb: "0" });
    expect(systemParams({ swiotlb: { size: 2 << 20, force: true } })).toEqual({ swiotlb: "1024,force" });
    expect(systemParams({ swiotlb: { size: 3000 } })).toEqual({ swiotlb: '{"size":3000}' });
  });
});
