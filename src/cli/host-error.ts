// A failed file access on the host, said in words a user reads at a glance, with the errno name
// kept in parentheses: "cannot read FILE: is a directory (EISDIR)", "--report FILE: cannot
// write there: no such directory (ENOENT)". Every CLI file read and write fails through here.

import { existsSync, lstatSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { getSystemErrorMap } from "node:util";

/** Where libuv's description is not what a user would say (strerror(EISDIR) is "Is a
 *  directory"; libuv words it "illegal operation on a directory"). */
const PLAIN_WORDS: Partial<Record<string, string>> = {
  EISDIR: "is a directory",
};

/** The error's description and code: the plain words above, else libuv's (as Node's own
 *  messages use them); the message of an error with no code. An error made here with a code but
 *  no errno (EISDIR found by a stat) gets its words by the code. */
export function hostErrorText(e: unknown): string {
  const { code, errno } = e as NodeJS.ErrnoException;
  if (code === undefined) return (e as Error).message;
  const map = getSystemErrorMap();
  const words = PLAIN_WORDS[code] ?? (errno === undefined ? [...map.values()].find(([name]) => name === code)?.[1] : map.get(errno)?.[1]);
  return words ? `${words} (${code})` : code;
}

/** An input file that cannot be read is an error of the run, not of its usage:
 *  "dmasim: error: cannot read FILE: no such file or directory (ENOENT)". */
export function cannotReadError(file: string, e: unknown): Error {
  return new Error(`cannot read ${file}: ${hostErrorText(e)}`);
}

/** An output file that cannot be written is an error of the run, said as a missing input is:
 *  "dmasim: error: --report FILE: cannot write there: no such directory (ENOENT)". A directory
 *  that refuses the file says why in the kernel's words: "permission denied (EACCES)",
 *  "operation not permitted (EPERM)", "read-only file system (EROFS)". ENOENT on a write means
 *  the file's directory is missing, unless the directory is there: then it takes no new files
 *  ("/proc takes no new files (ENOENT)": procfs answers ENOENT to creating one, even for root),
 *  or the name is a symlink to nowhere, where the kernel's words stay. `option` is as the user gives it ("--report", "-o"). */
export function cannotWriteError(option: string, file: string, e: unknown): Error {
  return new Error(`${option} ${file}: cannot write there: ${writeErrorText(file, e)}`);
}

function writeErrorText(file: string, e: unknown): string {
  const { code, syscall, path: made } = e as NodeJS.ErrnoException;
  if (code !== "ENOENT") return hostErrorText(e);
  // What could not be made: the file (or its .part beside it), or the level of a --save
  // directory that mkdir named.
  const path = resolve(syscall === "mkdir" && made ? made : file);
  const directory = dirname(path);
  if (!existsSync(directory)) return "no such directory (ENOENT)";
  if (lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()) return hostErrorText(e);
  return `${directory} takes no new files (ENOENT)`;
}
