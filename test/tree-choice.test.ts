// SystemOptions.treeChosenBy's values, each with the advice it gives: the CLI option the user
// typed ("--board", "--dtb", "--dts", set by the CLI), or "scenario" (the scenario's own System,
// set by systemFor); unset, createSystem's option that chose the tree, or "default" for none.

import { describe, expect, it } from "vitest";
import { createSystem } from "../src/create.js";
import { systemFor } from "../src/worker/job.js";
import { leaveTreeText, treeChoiceOf, TREE_CHOSEN_BY, type TreeChoice } from "../src/tree-choice.js";
import type { BugResult } from "../src/sim/scenarios/bug-kinds.js";

/** The advice each choice gives, as a user should read it. */
const ADVICE: [TreeChoice, string][] = [
  ["--board", "run it without --board"],
  ["--dtb", "run it without --dtb"],
  ["--dts", "run it without --dts"],
  ["scenario", "run it without other System options"],
  // Unset: createSystem's own option names the choice.
  ["board", "run it without the board option"],
  ["dtb", "run it without the dtb option"],
  ["dts", "run it without the dts option"],
  ["variant", "run it without the variant option"],
  ["default", "run it on the System systemFor gives it"],
];
const adviceFor = (choice: TreeChoice) => ADVICE.find(([c]) => c === choice)![1];

describe("treeChosenBy", () => {
  it("has the four documented values, and no other", () => {
    expect([...TREE_CHOSEN_BY]).toEqual(["--board", "--dtb", "--dts", "scenario"]);
  });

  it("each value's advice reads as what it says was chosen", () => {
    for (const [treeChoice, text] of ADVICE) expect(leaveTreeText({ treeChoice }), treeChoice).toBe(text);
  });

  it("a value given wins over createSystem's options; unset, the option that named the tree does", () => {
    for (const value of TREE_CHOSEN_BY) expect(treeChoiceOf({ board: "arm64-ref", treeChosenBy: value })).toBe(value);
    expect(treeChoiceOf({ board: "arm64-ref" })).toBe("board");
    expect(treeChoiceOf({ dtb: new Uint8Array(0) })).toBe("dtb");
    expect(treeChoiceOf({})).toBe("default");
  });

  it("systemFor sets \"scenario\" only where the scenario chose the tree, and keeps the caller's value where the caller did", () => {
    expect(systemFor("bug", { kind: "mask-overflow" }, {}).treeChosenBy).toBe("scenario");
    expect(systemFor("bug", { kind: "mask-overflow" }, { board: "arm64-ref", treeChosenBy: "--board" }).treeChosenBy).toBe("--board");
    expect(systemFor("bug", { kind: "mask-overflow" }, { board: "arm64-ref" }).treeChosenBy).toBeUndefined();
    // memcpy asks for no System of its own: nothing was chosen for it.
    expect(systemFor("memcpy", {}, {}).treeChosenBy).toBeUndefined();
  });

  it("reaches the bug's symptom for each value: mask-overflow on arm64-ref (RAM up to PA 0x7fffffff, all within a 32-bit mask)", async () => {
    for (const value of TREE_CHOSEN_BY) {
      const s = await createSystem({ board: "arm64-ref", treeChosenBy: value, worker: false });
      try {
        const { symptom } = s.run("bug", { kind: "mask-overflow" }) as BugResult;
        expect(symptom, value).toBe(
          `this board cannot show the bug: all of its RAM (up to PA 0x7fffffff) is within the device's mask 0xffffffff; ${adviceFor(value)} (arm64-highmem, RAM above 4 GiB, no swiotlb)`,
        );
      } finally {
        s.dispose();
      }
    }
  });
});
