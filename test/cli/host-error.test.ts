// A failed host file access in words: plain words where libuv's are not a user's (EISDIR), else
// libuv's description, with the code; the code alone where libuv has no words, and an error
// without a code as it is. A write's ENOENT says which is missing: the directory, or nothing.

import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cannotReadError, cannotWriteError, hostErrorText } from "../../src/cli/host-error.js";
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

  it("says a directory read as a file is a directory, not libuv's 'illegal operation on a directory'", () => {
    const dir = mkdtempSync(join(tmpdir(), "dmasim-host-error-"));
    expect(cannotReadError(dir, thrown(() => readFileSync(dir))).message).toBe(`cannot read ${dir}: is a directory (EISDIR)`);
    expect(hostErrorText(Object.assign(new Error("EISDIR"), { code: "EISDIR" }))).toBe("is a directory (EISDIR)");
  });

  it("says a write into a missing directory is 'no such directory', and keeps ENOENT's words where the directory is there", () => {
    const dir = mkdtempSync(join(tmpdir(), "dmasim-host-error-"));
    const inMissing = join(dir, "no", "r.html");
    const e = thrown(() => writeFileSync(inMissing, ""));
    expect(cannotWriteError("--report", inMissing, e).message).toBe(`--report ${inMissing}: cannot write there: no such directory (ENOENT)`);
    // The directory exists (as /proc does, which takes no new files): the kernel's ENOENT stands.
    const inPresent = join(dir, "r.html");
    expect(cannotWriteError("-o", inPresent, e).message).toBe(`-o ${inPresent}: cannot write there: no such file or directory (ENOENT)`);
  });

  it("keeps libuv's words where they are plain already", () => {
    expect(hostErrorText(Object.assign(new Error("x"), { code: "EACCES" }))).toBe("permission denied (EACCES)");
    expect(hostErrorText(Object.assign(new Error("x"), { code: "ENOTDIR" }))).toBe("not a directory (ENOTDIR)");
  });
});
