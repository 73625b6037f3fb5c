// Scratch directories for tests: made under os.tmpdir() (the test file's own directory during a
// vitest run, test/setup/file-tmpdir.ts) and removed after the file's tests, so that `npm test`
// leaves /tmp as it found it. Anything else a test or the CLI it runs leaves in os.tmpdir() is
// litter, and file-tmpdir.ts fails the test file naming it.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const made = new Set<string>();

/** A new empty directory named PREFIX followed by six random characters, removed after the
 *  test file's tests. */
export function tempDir(prefix = "dmasim-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/** The path NAME in a new tempDir(PREFIX): a file name for a test to write, or to have the CLI
 *  write. */
export function tempFile(prefix: string, name: string): string {
  return join(tempDir(prefix), name);
}

/** Removes every directory tempDir made in this test file (test/setup/file-tmpdir.ts calls it
 *  after the file's own afterAll hooks). */
export function removeTempDirs(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  made.clear();
}
