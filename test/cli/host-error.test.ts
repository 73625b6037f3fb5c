// A failed host file access in words: plain words where libuv's are not a user's (EISDIR), else
// libuv's description, with the code; the code alone where libuv has no words, and an error
// without a code as it is. A write's ENOENT says which is missing: the directory, or nothing (a
// directory that takes no new files); a refusal by a directory that is there says why.

import { describe, expect, it } from "vitest";
import { readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cannotReadError, cannotWriteError, hostErrorText } from "../../src/cli/host-error.js";
import { thrown } from "../helpers/thrown.js";
import { tempDir } from "../helpers/temp-dir.js";

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
    const dir = tempDir("dmasim-host-error-");
    expect(cannotReadError(dir, thrown(() => readFileSync(dir))).message).toBe(`cannot read ${dir}: is a directory (EISDIR)`);
    expect(hostErrorText(Object.assign(new Error("EISDIR"), { code: "EISDIR" }))).toBe("is a directory (EISDIR)");
  });

  it("says a write into a missing directory is 'no such directory', and one into a directory that is there takes no new files", () => {
    const dir = tempDir("dmasim-host-error-");
    const inMissing = join(dir, "no", "r.html");
    const e = thrown(() => writeFileSync(inMissing, ""));
    expect(cannotWriteError("--report", inMissing, e).message).toBe(`--report ${inMissing}: cannot write there: no such directory (ENOENT)`);
    // The directory exists (as /proc does, which answers ENOENT to creating a file, even for root).
    const inPresent = join(dir, "r.html");
    expect(cannotWriteError("-o", inPresent, e).message).toBe(`-o ${inPresent}: cannot write there: ${dir} takes no new files (ENOENT)`);
    // The real one: procfs refuses the file with ENOENT, whoever asks.
    const inProc = "/proc/dmasim-host-error-test";
    expect(cannotWriteError("-o", inProc, thrown(() => writeFileSync(inProc, ""))).message).toBe(`-o ${inProc}: cannot write there: /proc takes no new files (ENOENT)`);
  });

  it("a write refused by an existing directory says why: permission, policy or a read-only file system", () => {
    // Injected as fs calls fail (code, errno, syscall, path): root cannot be refused by a mode,
    // and a read-only mount cannot be made here. The words are strerror's, lower-cased, as libuv has them.
    const dir = tempDir("dmasim-host-error-");
    const file = join(dir, "r.html");
    const failed = (code: string, errno: number) => Object.assign(new Error(`${code}: open '${file}'`), { code, errno: -errno, syscall: "open", path: file });
    expect(cannotWriteError("--report", file, failed("EACCES", 13)).message).toBe(`--report ${file}: cannot write there: permission denied (EACCES)`);
    expect(cannotWriteError("--trace", file, failed("EPERM", 1)).message).toBe(`--trace ${file}: cannot write there: operation not permitted (EPERM)`);
    expect(cannotWriteError("-o", file, failed("EROFS", 30)).message).toBe(`-o ${file}: cannot write there: read-only file system (EROFS)`);
    // sysfs refuses a new file with EACCES, root included.
    const inSys = "/sys/dmasim-host-error-test";
    expect(cannotWriteError("-o", inSys, thrown(() => writeFileSync(inSys, ""))).message).toBe(`-o ${inSys}: cannot write there: permission denied (EACCES)`);
  });

  it("judges a --save directory's ENOENT by the level mkdir could not make, not by the path given", () => {
    // mkdir /proc/a fails with ENOENT (procfs), though /proc/a/b's parent, /proc/a, is missing.
    const e = Object.assign(new Error("ENOENT: no such file or directory, mkdir '/proc/a'"), { code: "ENOENT", errno: -2, syscall: "mkdir", path: "/proc/a" });
    expect(cannotWriteError("--save", "/proc/a/b", e).message).toBe("--save /proc/a/b: cannot write there: /proc takes no new files (ENOENT)");
  });

  it("keeps the kernel's ENOENT for a name that is a symlink to nowhere", () => {
    const dir = tempDir("dmasim-host-error-");
    const link = join(dir, "out.dtb");
    symlinkSync(join(dir, "no", "target"), link);
    expect(cannotWriteError("-o", link, thrown(() => writeFileSync(link, ""))).message).toBe(`-o ${link}: cannot write there: no such file or directory (ENOENT)`);
  });

  it("keeps libuv's words where they are plain already", () => {
    expect(hostErrorText(Object.assign(new Error("x"), { code: "EACCES" }))).toBe("permission denied (EACCES)");
    expect(hostErrorText(Object.assign(new Error("x"), { code: "ENOTDIR" }))).toBe("not a directory (ENOTDIR)");
  });
});
