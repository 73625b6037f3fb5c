// dmasim's own device trees (examples/boards/, and the bug kinds' variants of them) as Debian's
// dtc 1.6.1 sees them: no warning at all, not even the "Missing #address-cells in interrupt
// provider" 1.6 gives a GIC node without `#address-cells = <0>` (Linux's own trees give their
// GICs one). And each shipped .dtb is the blob dtc makes from its .dts, so a user who edits the
// source and recompiles it starts from the board dmasim boots.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { dtc } from "../helpers/dtc.js";
import { DMA_COHERENT_ON_NONCOHERENT_PORT_VARIANT } from "../../src/sim/scenarios/dma-coherent-on-noncoherent-port.js";
import { wrongRequestLineVariant } from "../../src/sim/scenarios/wrong-request-line.js";
import { boardVariantBlob } from "../../src/board-variant.js";

const boards = new URL("../../examples/boards/", import.meta.url).pathname;

/** What dtc prints on stderr compiling `input` (format `from`) to a blob. */
function dtcStderr(from: "dts" | "dtb", input: string | Uint8Array): string {
  dtc(["--version"]); // fails with the install hint when dtc is missing
  const r = spawnSync("dtc", ["-I", from, "-O", "dtb", "-o", "/dev/null"], { input, encoding: "utf8" });
  expect(r.status).toBe(0);
  return r.stderr;
}

describe("dmasim's own board trees", () => {
  const sources = readdirSync(boards).filter((f) => f.endsWith(".dts"));

  it("are all here: five sources, four of them shipped as blobs", () => {
    expect(sources.sort()).toEqual(["arm64-dma-offset.dts", "arm64-highmem.dts", "arm64-ref.dts", "rk3288-like.dts", "zynq-7000.dts"]);
    expect(readdirSync(boards).filter((f) => f.endsWith(".dtb")).sort()).toEqual([
      "arm64-dma-offset.dtb", "arm64-highmem.dtb", "arm64-ref.dtb", "zynq-7000.dtb",
    ]);
  });

  it("compile with dtc 1.6 without a warning, sources and blobs", () => {
    for (const f of sources) expect(dtcStderr("dts", readFileSync(join(boards, f), "utf8")), f).toBe("");
    for (const f of readdirSync(boards).filter((n) => n.endsWith(".dtb"))) expect(dtcStderr("dtb", readFileSync(join(boards, f))), f).toBe("");
  });

  it("the bug kinds' variants of them compile without a warning too", async () => {
    const variants = { "dma-coherent-on-noncoherent-port": DMA_COHERENT_ON_NONCOHERENT_PORT_VARIANT, "wrong-request-line": wrongRequestLineVariant("none"),
      "wrong-request-line onto=adc": wrongRequestLineVariant("adc") };
    for (const [name, v] of Object.entries(variants)) expect(dtcStderr("dtb", await boardVariantBlob(v)), name).toBe("");
  });

  it("ship each .dtb as dtc's blob of its .dts", () => {
    for (const f of readdirSync(boards).filter((n) => n.endsWith(".dtb"))) {
      const fromSource = dtc(["-I", "dts", "-O", "dtb", join(boards, f.replace(/\.dtb$/, ".dts"))]);
      expect(Buffer.from(readFileSync(join(boards, f))).equals(Buffer.from(fromSource)), f).toBe(true);
    }
  });
});
