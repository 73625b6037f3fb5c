// A failed host file access in words: libuv's description and the code (as Node's own messages
// word them), the code alone where libuv has no words, and an error without a code as it is.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { hostErrorText } from "../../src/cli/host-error.js";
import { thrown } from "../helpers/thrown.js";

describe("hostErrorText", () => {
  it("words a missing file as ENOENT's description and code", () => {
    const e = thrown(() => readFileSync("/nonexistent/dmasim-host-error-test"));
    expect(hostErrorText(e)).toBe("no such file or directory (ENOENT)");
  });

  it("gives an error without a code its message, and a code libuv has no words for alone", () => {
    expect(hostErrorText(new Error("the tree is empty"))).toBe("the tree is empty");
    expect(hostErrorText(Object.assign(new Error("x"), { code: "EDMASIM" }))).toBe("EDMASIM");
  });
});
