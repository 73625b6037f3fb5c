// A failed file access on the host, said in words: "no such file or directory (ENOENT)" rather
// than the bare code, the way `dmasim cat` says a missing /proc file.

import { getSystemErrorMap } from "node:util";

/** The error's description and code (libuv's words, as Node's own messages use them); the
 *  message of an error with no code. */
export function hostErrorText(e: unknown): string {
  const { code, errno } = e as NodeJS.ErrnoException;
  if (code === undefined) return (e as Error).message;
  const words = errno === undefined ? undefined : getSystemErrorMap().get(errno)?.[1];
  return words ? `${words} (${code})` : code;
}
