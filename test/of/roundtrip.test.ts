// `dmasim dt` writes what dtc writes: for every board tree the project knows (the shared test
// boards, the built-in ones, the feature fixtures, and the older FDT layouts dtc can produce),
// dmasim's blob is byte-identical to dtc's, its .dts compiles (with dtc) to the blob dtc makes
// from its own .dts, and its JSON reads back to the same blob.

import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dtc } from "../helpers/dtc.js";
import { readDeviceTree, hostFileReader } from "../../src/of/load.js";
import { checkTree } from "../../src/of/checks.js";
import { writeFdt } from "../../src/of/fdt-write.js";
import { writeDts } from "../../src/of/dts-write.js";
import { parseJsonTree, writeJson } from "../../src/of/json.js";
import { tempDir } from "../helpers/temp-dir.js";

const here = (p: string) => new URL(p, import.meta.url).pathname;
const shared = here("../../../shared/devicetree/");
const boards = here("../../examples/boards/");
const fixtures = here("./fixtures/");

const files = [
  ...readdirSync(shared).filter((f) => /\.dtb?s?$/.test(f) && !f.endsWith(".md")).map((f) => join(shared, f)),
  ...readdirSync(boards).map((f) => join(boards, f)),
  ...["features.dts", "overlay.dts"].map((f) => join(fixtures, f)),
];

function variants(): string[] {
  const dir = tempDir("dmasim-dt-");
  const out: string[] = [];
  for (const v of [1, 2, 3, 16]) {
    for (const [name, src, fmt] of [["features", join(fixtures, "features.dts"), "dts"], ["rk3399", join(shared, "rk3399-rockpro64.dtb"), "dtb"]]) {
      const f = join(dir, `${name}-v${v}.dtb`);
      writeFileSync(f, dtc(["-I", fmt, "-O", "dtb", "-V", String(v), src]));
      out.push(f);
    }
  }
  // dtc's own decompilation of the real boards, as a user's .dts would look.
  for (const f of readdirSync(shared).filter((n) => n.endsWith(".dtb"))) {
    const d = join(dir, f.replace(/\.dtb$/, ".decompiled.dts"));
    writeFileSync(d, dtc(["-I", "dtb", "-O", "dts", join(shared, f)]));
    out.push(d);
  }
  return out;
}

function read(path: string) {
  const r = readDeviceTree(new Uint8Array(readFileSync(path)), { name: path, readFile: hostFileReader() });
  if (r.format !== "dts") checkTree(r.tree);
  return r;
}

describe("dmasim dt against dtc", () => {
  it("knows the shared boards", () => {
    expect(files.map((f) => f.split("/").pop())).toEqual(expect.arrayContaining(["rk3399-rockpro64.dtb", "socfpga_cyclone5_socdk.dtb", "zynq-7000-board.dts"]));
  });

  for (const path of [...files, ...variants()]) {
    const name = path.includes("dmasim-dt-") ? `generated/${path.split("/").pop()}` : path.split("/").slice(-2).join("/");
    it(`${name}: blob, .dts and JSON are equivalent to dtc's`, () => {
      const { tree, format } = read(path);
      const reference = dtc(["-I", format, "-O", "dtb", path]);
      expect(Buffer.from(writeFdt(tree)).equals(Buffer.from(reference))).toBe(true);

      const viaDtcSource = dtc(["-I", "dts", "-O", "dtb"], dtc(["-I", format, "-O", "dts", path]));
      const viaOurSource = dtc(["-I", "dts", "-O", "dtb"], writeDts(tree));
      expect(Buffer.from(viaOurSource).equals(Buffer.from(viaDtcSource))).toBe(true);

      const back = parseJsonTree(writeJson(tree), "json");
      expect(Buffer.from(writeFdt(back)).equals(Buffer.from(reference))).toBe(true);
    });
  }

  it("writes every FDT version byte for byte as dtc does", () => {
    for (const path of [join(shared, "rk3399-rockpro64.dtb"), join(fixtures, "features.dts")]) {
      const { tree, format } = read(path);
      for (const v of [1, 2, 3, 16, 17]) {
        const reference = dtc(["-I", format, "-O", "dtb", "-V", String(v), path]);
        expect(Buffer.from(writeFdt(tree, { version: v })).equals(Buffer.from(reference)), `${path} v${v}`).toBe(true);
      }
    }
  });
});
