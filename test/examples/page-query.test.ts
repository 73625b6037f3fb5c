// The page's address as all of its views' forms (examples/web/page-query.js), in Node: the shown
// view's fields by their own names as its links have always had them, the other views' under
// their view's name, and what each view reads back from it.

import { describe, expect, it } from "vitest";
// @ts-expect-error — the page's own script, plain JavaScript without declarations.
import { ignoredKeys, pageQuery, viewQuery } from "../../examples/web/page-query.js";

const KEYS_OF = {
  demo: ["board", "kernel", "size"],
  bugs: ["kind", "board", "kernel"],
  sweep: ["board", "kernel", "swiotlb", "sizes", "bursts", "channels", "buffers", "block", "workers"],
};

const fields = (q: URLSearchParams) => Object.fromEntries(q);

describe("browser page: the address holds every view's form", () => {
  const queries = {
    demo: new URLSearchParams({ board: "arm64-ref", size: "64K" }),
    bugs: new URLSearchParams({ kind: "dma-ranges", kernel: "v4.9" }),
    sweep: new URLSearchParams({ sizes: "8K,16K" }),
  };

  it("writes the view shown first, its fields by their names, then the other views' under theirs", () => {
    expect(String(pageQuery("bugs", queries))).toBe("view=bugs&kind=dma-ranges&kernel=v4.9&demo.board=arm64-ref&demo.size=64K&sweep.sizes=8K%2C16K");
    // Demo and Bugs both have a board and a kernel: each keeps its own.
    expect(String(pageQuery("sweep", queries))).toBe("view=sweep&sizes=8K%2C16K&demo.board=arm64-ref&demo.size=64K&bugs.kind=dma-ranges&bugs.kernel=v4.9");
  });

  it("gives each view back its own fields, whichever view the address shows", () => {
    for (const shown of ["demo", "bugs", "sweep"]) {
      const address = pageQuery(shown, queries);
      for (const view of ["demo", "bugs", "sweep"] as const) {
        const read = fields(viewQuery(address, view, shown));
        // The shown view also sees the page's view= (its applyQuery reads only its own keys).
        if (view === shown) expect(read).toEqual({ view: shown, ...fields(queries[view]) });
        else expect(read).toEqual(fields(queries[view]));
      }
    }
  });

  it("reads a link from before the prefixes as the shown view's, and its own names over a prefixed copy", () => {
    const old = new URLSearchParams("view=bugs&kind=missing-sync&kernel=v4.9&auto=1");
    expect(fields(viewQuery(old, "bugs", "bugs"))).toEqual({ view: "bugs", kind: "missing-sync", kernel: "v4.9", auto: "1" });
    expect(fields(viewQuery(old, "demo", "bugs"))).toEqual({});
    const both = new URLSearchParams("view=demo&demo.size=4K&size=64K");
    expect(fields(viewQuery(both, "demo", "demo"))).toEqual({ view: "demo", size: "64K" });
  });

  it("names the keys no view reads, by the view they were meant for", () => {
    const q = new URLSearchParams("view=bugs&kinds=a&bugs.kinds=b&demo.size=4K&demo.buffers=c&foo.bar=1&auto=1&sweep.sizes=4K");
    expect(ignoredKeys(q, "bugs", KEYS_OF)).toEqual([
      { view: "bugs", prefix: "", keys: ["kinds", "foo.bar"] },
      { view: "bugs", prefix: "bugs.", keys: ["bugs.kinds"] },
      { view: "demo", prefix: "demo.", keys: ["demo.buffers"] },
    ]);
    // Another view's own names are not the shown view's: the Sweep's sizes on a Demo link.
    expect(ignoredKeys(new URLSearchParams("view=demo&size=4K&sizes=4K"), "demo", KEYS_OF)).toEqual([{ view: "demo", prefix: "", keys: ["sizes"] }]);
  });
});
