// Which form a device tree's bytes are in (src/of/load.ts detectFormat), as dtc's
// guess_input_format tells them: a blob by its magic, JSON (dmasim's own form) by its opening
// brace after any whitespace, .dts source otherwise; and a format given (dt -I) over the guess.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { readDeviceTree } from "../../src/of/load.js";
import { writeJson } from "../../src/of/json.js";
import { writeFdt } from "../../src/of/fdt-write.js";

const blob = new Uint8Array(readFileSync(new URL("../../examples/boards/zynq-7000.dtb", import.meta.url)));
const json = writeJson(readDeviceTree(blob).tree);

describe("readDeviceTree's format", () => {
  it("reads JSON that opens after blank lines and indentation as JSON, the same tree as the blob's", () => {
    const { tree, format } = readDeviceTree(new TextEncoder().encode(`\n\n  \t${json}`));
    expect(format).toBe("json");
    expect(Buffer.from(writeFdt(tree)).equals(Buffer.from(blob))).toBe(true);
  });

  it("takes a format given over the guess: JSON read as a blob is no blob", () => {
    expect(readDeviceTree(new TextEncoder().encode(json)).format).toBe("json");
    expect(() => readDeviceTree(new TextEncoder().encode(json), { format: "dtb", name: "board.json" })).toThrow(/^board\.json: /);
  });
});
