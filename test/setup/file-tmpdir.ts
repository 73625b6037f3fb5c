// vitest setupFiles: runs before each test file, in the worker running it. Points TMPDIR (which
// os.tmpdir() and the CLI processes the file starts read) at the file's own directory in the
// run's (test/setup/run-tmpdir.ts), and after the file's tests removes its tempDir()s and fails
// the file if anything else is left there: a test that made scratch files some other way, or
// code under test that littered the temporary directory.

import { afterAll, expect, inject } from "vitest";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { removeTempDirs } from "../helpers/temp-dir.js";
import { fileTmpdirLabel, fileTmpdirName } from "./run-tmpdir.js";

const run = inject("tmpdirRun");
const testFile = expect.getState().testPath;
const testPath = testFile && relative(inject("tmpdirRoot"), testFile);
const fileDir = run && testPath ? join(run, fileTmpdirName(testPath)) : undefined;
if (fileDir) {
  mkdirSync(fileDir, { recursive: true });
  writeFileSync(join(run!, fileTmpdirLabel(fileTmpdirName(testPath!))), testPath!);
  process.env.TMPDIR = fileDir;
}

// Registered before the test file's own hooks, so run after them (vitest runs after-hooks as a
// stack): a server or browser the file closes in afterAll has removed its files by then.
afterAll(() => {
  removeTempDirs();
  if (!fileDir) return;
  const left = readdirSync(fileDir);
  if (!left.length) return;
  for (const entry of left) rmSync(join(fileDir, entry), { recursive: true, force: true });
  throw new Error(
    `left in os.tmpdir() after this file's tests (removed now): ${left.join(", ")}. ` +
      "Make scratch files with tempDir() or tempFile() from test/helpers/temp-dir.ts, which removes them; " +
      "if the code under test made them, it litters the user's temporary directory.",
  );
});
