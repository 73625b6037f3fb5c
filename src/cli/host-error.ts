// A failed file access on the host, said in words: "no such file or directory (ENOENT)" rather
// than the bare code, the way `dmasim cat` says a missing /proc file.

import { getSystemErrorMap } from "node:util";

/** The error's description and code (libuv's words, as Node's own messages use them); the
 *  message of an error with no code. An error made here with a code but no errno (EISDIR found
 *  by a stat) gets its words by the code. */
export function hostErrorText(e: unknown): string {
  const { code, errno } = e as NodeJS.ErrnoException;
  if (code === undefined) return (e as Error).message;
  const map = getSystemErrorMap();
  const words = errno === undefined ? [...map.values()].find(([name]) => name === code)?.[1] : map.get(errno)?.[1];
  return words ? `${words} (${code})` : code;
}

/** An output file that cannot be written is an error of the run, said as a missing input is:
 *  "dmasim: error: --report FILE: cannot write there: no such file or directory (ENOENT)".
 *  `option` is as the user gives it ("--report", "-o"). */
export function cannotWriteError(option: string, file: string, e: unknown): Error {
  return new Error(`${option} ${file}: cannot write there: ${hostErrorText(e)}`);
}
