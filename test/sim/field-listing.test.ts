// The fields a refused column's message lists (src/sim/field-listing.ts): grouped by top-level
// name, wrapped at 100 characters.

import { describe, expect, it } from "vitest";
import { fieldListing } from "../../src/sim/field-listing.js";

describe("a listing of a sweep's fields", () => {
  it("puts the top-level figures first, then each object's on lines of their own, in the order given", () => {
    expect(fieldListing(["h.x", "a", "g.y", "b", "h.z.w"])).toBe("  a, b\n  h.x, h.z.w\n  g.y");
    expect(fieldListing(["cached.totalPs"])).toBe("  cached.totalPs");
    expect(fieldListing([])).toBe("");
  });

  it("wraps a group before a line, its comma included, would pass 100 characters", () => {
    // Twenty 9-character paths. The first line, "  " and k paths with ", " between, is 11k
    // characters: nine make 99, 100 with the comma. A continued line ("    ") is 11m + 2: eight
    // make 90 (a ninth would be 101 with its comma), leaving three for the last line.
    const paths = Array.from({ length: 20 }, (_, i) => `g.field${String(i).padStart(2, "0")}`);
    const lines = fieldListing(paths).split("\n");
    expect(lines.map((l) => l.length)).toEqual([100, 91, 35]);
    expect(lines).toEqual([
      `  ${paths.slice(0, 9).join(", ")},`,
      `    ${paths.slice(9, 17).join(", ")},`,
      `    ${paths.slice(17).join(", ")}`,
    ]);
  });
});
