// One scenario result as `dmasim run` and the browser page print it.

import { describe, expect, it } from "vitest";
import { formatResult } from "../../src/sim/result-text.js";

describe("a result's figures", () => {
  it("keep three significant digits below 10 and one decimal above, integers whole", () => {
    expect(formatResult({ maintenanceShare: 0.5912, uncachedCopySlowdown: 4.3215, slowdown: 7.7, mbPerSec: 1593.74, bytes: 65536 }).split("\n")).toEqual([
      "maintenanceShare      0.591",
      "uncachedCopySlowdown  4.32",
      "slowdown              7.7",
      "mbPerSec              1593.7",
      "bytes                 65536",
    ]);
  });
});

describe("a result's fields", () => {
  it("puts a nested object's figures on lines of their own under its dotted path, and a lone value alone", () => {
    expect(formatResult({ kind: "x", details: { bytes: 4096, note: "a b" }, ok: true }).split("\n")).toEqual([
      "kind           x",
      "details.bytes  4096",
      "details.note   a b",
      "ok             true",
    ]);
    expect(formatResult(2.5)).toBe("2.5");
  });
});
