// A failed file access on the host, said in words a user reads at a glance, with the errno name
// kept in parentheses: "cannot read FILE: is a directory (EISDIR)", "--report FILE: cannot
// write there: no such directory (ENOENT)". Every CLI file read and write fails through here.

import { existsSync } from "node:fs";
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
 *  "dmasim: error: --report FILE: cannot write there: no such directory (ENOENT)". ENOENT on
 *  a write means the file's directory is missing, unless the directory is there and takes no
 *  new files (/proc), where the kernel's own words stay. `option` is as the user gives it
 *  ("--report", "-o"). */
export function cannotWriteError(option: string, file: string, e: unknown): Error {
  const missingDirectory = (e as NodeJS.ErrnoException).code === "ENOENT" && !existsSync(dirname(resolve(file)));
  return new Error(`${option} ${file}: cannot write there: ${missingDirectory ? "no such directory (ENOENT)" : hostErrorText(e)}`);
}
