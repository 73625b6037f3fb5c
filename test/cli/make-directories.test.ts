// `fuzz --save DIR`'s mkdir -p: the levels made top down, each refusal in the kernel's own errno —
// not Node's recursive mkdir, which says ENOENT for EROFS and loops for ever under /proc.

import { describe, expect, it } from "vitest";
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeDirectories } from "../../src/cli/make-directories.js";
import { thrown } from "../helpers/thrown.js";
import { tempDir } from "../helpers/temp-dir.js";

describe("makeDirectories", () => {
  it("makes every missing level, and is content with a directory that is there", () => {
    const dir = tempDir("dmasim-mkdir-");
    makeDirectories(join(dir, "a", "b", "c"));
    expect(statSync(join(dir, "a", "b", "c")).isDirectory()).toBe(true);
    makeDirectories(join(dir, "a", "b"));
    makeDirectories(dir);
  });

  it("under /proc fails at once with mkdir's ENOENT for the first level, instead of looping", () => {
    const e = thrown<NodeJS.ErrnoException>(() => makeDirectories("/proc/dmasim-mkdir-test/sub"));
    expect([e.code, e.syscall, e.path]).toEqual(["ENOENT", "mkdir", "/proc/dmasim-mkdir-test"]);
  });

  it("says ENOTDIR where a file stands in the path", () => {
    const dir = tempDir("dmasim-mkdir-");
    const file = join(dir, "f");
    writeFileSync(file, "");
    expect(thrown<NodeJS.ErrnoException>(() => makeDirectories(file)).code).toBe("ENOTDIR");
    expect(thrown<NodeJS.ErrnoException>(() => makeDirectories(join(file, "sub"))).code).toBe("ENOTDIR");
  });
});
