// The doc-block checker itself (test/helpers/doc-blocks.ts): which lines of a doc it takes for
// commands and which for their output, how a quoted output matches a printed one, and how a
// command runs. If it matched too much, every doc check would pass whatever the docs said.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { alignOutput, commandsOf, normalize, parseDocBlocks, root, runDocCommand } from "../helpers/doc-blocks.js";

/** Whether `expected` (a doc's lines) matches `actual` (printed lines), as the doc check decides. */
const matches = (expected: string[], actual: string[]) => alignOutput(expected, actual) === expected.join("\n");

describe("parsing a doc", () => {
  const doc = [
    "Text.",                                         // 1
    "<!-- not checked: needs a board file -->",      // 2
    "```",                                           // 3
    "$ dmasim probe board.dtb",                      // 4
    "board.dtb: A board",                            // 5
    "```",                                           // 6
    "",                                              // 7
    "```",                                           // 8
    "$ dmasim probe x.dts",                          // 9
    "x.dts: X",                                      // 10
    "$ ls /sys/class/dma",                           // 11
    "dma0chan0",                                     // 12
    "$ dmasim run memcpy 2>/dev/null | head -1",     // 13
    "dmasim run: memcpy on …",                       // 14
    "```",                                           // 15
    "- An item:",                                    // 16
    "",                                              // 17
    "  ```",                                         // 18
    "  $ dmasim pl330 disasm 3228",                  // 19
    "  0x0000  32 28              DMAWFP P5, burst", // 20
    "  ```",                                         // 21
    "<!-- output of: dmasim -->",                    // 22
    "```",                                           // 23
    "dmasim demo: 1 MiB",                            // 24
    "```",                                           // 25
    "```js",                                         // 26
    "$ dmasim is not the first word here",           // 27 (a session: a js block is a block)
    "```",                                           // 28
    "```",                                           // 29
    "dmasim run: not a command",                     // 30
    "$ dmasim help",                                 // 31 (not first: this block is no session)
    "```",                                           // 32
  ].join("\n");

  it("takes a `$ dmasim`/`$ node` line for a command and the lines under it, up to the next, for its output", () => {
    expect(commandsOf(parseDocBlocks("doc.md", doc))).toEqual([
      { file: "doc.md", line: 9, command: "dmasim probe x.dts", expected: ["x.dts: X", "$ ls /sys/class/dma", "dma0chan0"] },
      { file: "doc.md", line: 13, command: "dmasim run memcpy 2>/dev/null | head -1", expected: ["dmasim run: memcpy on …"] },
      { file: "doc.md", line: 19, command: "dmasim pl330 disasm 3228", expected: ["0x0000  32 28              DMAWFP P5, burst"] },
      { file: "doc.md", line: 24, command: "dmasim", expected: ["dmasim demo: 1 MiB"] },
      { file: "doc.md", line: 27, command: "dmasim is not the first word here", expected: [] },
    ]);
  });

  it("refuses a fence that is never closed, naming its line", () => {
    expect(() => parseDocBlocks("doc.md", "a\n```\n$ dmasim help\n")).toThrow("doc.md:2: a fence that is never closed");
  });
});

describe("matching a quoted output", () => {
  it("matches line for line, and no more", () => {
    expect(matches(["a", "b"], ["a", "b"])).toBe(true);
    expect(matches(["a", "b"], ["a", "b", "c"])).toBe(false);
    expect(matches(["a", "b"], ["a"])).toBe(false);
    expect(matches(["a", "b"], ["b", "a"])).toBe(false);
  });

  it("takes a line that is only … for any lines, none among them", () => {
    expect(matches(["a", "…", "b"], ["a", "b"])).toBe(true);
    expect(matches(["a", "…", "b"], ["a", "x", "y", "b"])).toBe(true);
    expect(matches(["a", "…"], ["a", "x"])).toBe(true);
    // a trailing "…" takes the two lines after a match, rather than the quote being read as a
    // changed figure ("total 2") followed by one line
    expect(matches(["…", "total 1", "…"], ["total 1", "total 2", "x"])).toBe(true);
    expect(matches(["…", "b"], ["x", "b"])).toBe(true);
    expect(matches(["a", "…", "b"], ["a", "x", "y"])).toBe(false);
    expect(matches(["a", "…", "b", "…", "c"], ["a", "c", "b"])).toBe(false);
  });

  it("takes … inside a line for any text, and the rest of the line literally", () => {
    const quoted = "dmatest: dma1chan19-copy0: summary 10 tests, 0 failures … iops … KB/s (0)";
    expect(matches([quoted], ["dmatest: dma1chan19-copy0: summary 10 tests, 0 failures 1303.60 iops 11862 KB/s (0)"])).toBe(true);
    expect(matches([quoted], ["dmatest: dma1chan19-copy0: summary 10 tests, 1 failures 1303.60 iops 11862 KB/s (0)"])).toBe(false);
    expect(matches(["dmasim: error: …"], ["dmasim: error: no such file"])).toBe(true);
    expect(matches(["[    0.000251] x (y)"], ["[    0.000251] x (y)"])).toBe(true);
    expect(matches(["a.c"], ["abc"])).toBe(false); // no regular expression in a quote
    expect(matches(["total 19"], ["total 193"])).toBe(false); // the whole line, not a prefix of it
    expect(matches(["copied (…)"], ["copied ()"])).toBe(true); // any text, none too
  });

  it("writes a changed line as printed and leaves a missing one out, so that a diff shows just them", () => {
    expect(alignOutput(["a", "b", "c"], ["a", "B", "c"])).toBe("a\nB\nc");
    expect(alignOutput(["a", "b", "c"], ["a", "c"])).toBe("a\nc");
    expect(alignOutput(["a", "…", "b 1"], ["a", "x", "y", "b 2"])).toBe("a\n…\nb 2");
    // a figure changed between two "…": the printed line in the doc's place, not taken by a "…"
    expect(alignOutput(["a", "…", "total 193", "…", "end"], ["a", "x", "total 192", "y", "end"])).toBe("a\n…\ntotal 192\n…\nend");
    // a line printed after the last quoted one is extra, not taken by the "…" before it (which
    // would show the quoted line as missing instead)
    expect(alignOutput(["…", "a"], ["a", "x"])).toBe("…\na\nx");
  });

  it("ignores trailing blanks and the host's time in a progress line, nothing else", () => {
    expect(normalize("coherent   4K    auto   ")).toBe("coherent   4K    auto");
    expect(normalize("sweep memcpy: 6/6 done in 0.7s")).toBe(normalize("sweep memcpy: 6/6 done in 12.3s"));
    expect(normalize("sweep memcpy: 3/4 done, 1 failed in 2.0s")).toBe(normalize("sweep memcpy: 3/4 done, 1 failed in 0.4s"));
    expect(normalize("sweep memcpy: 6/6 done in 0.7s")).not.toBe(normalize("sweep memcpy: 5/6 done in 0.7s"));
    // dmatest's iops and KB/s are simulated time: they must match as they are
    const summary = "dmatest: dma0chan3-copy0: summary 10 tests, 0 failures 1483.67 iops 9792 KB/s (0)";
    expect(normalize(summary)).toBe(summary);
  });
});

describe("running a command", () => {
  it("shows both streams in one, runs dmasim from the repository's root, and honours the shell's redirections", async () => {
    const missing = "dmasim: error: cannot read no-such.dtb: no such file or directory (ENOENT)";
    expect(await runDocCommand("dmasim dt no-such.dtb; echo after")).toBe(`${missing}\nafter\n`);
    expect(await runDocCommand("dmasim dt no-such.dtb 2>/dev/null; echo after")).toBe("after\n");
    expect(await runDocCommand("dmasim pl330 disasm 32281818 | head -1")).toBe("0x0000  32 28              DMAWFP P5, burst\n");
  }, 30_000);

  it("reaches ../shared as from the root, and keeps the files a command writes out of the repository", async () => {
    expect(await runDocCommand("ls ../shared/devicetree/rk3399-rockpro64.dtb")).toBe("../shared/devicetree/rk3399-rockpro64.dtb\n");
    expect(await runDocCommand("echo x > doc-blocks-written.txt && cat doc-blocks-written.txt")).toBe("x\n");
    expect(existsSync(join(root, "doc-blocks-written.txt"))).toBe(false);
  });
});
