// vitest globalSetup: the run's temporary directory. Every test file gets its own directory in it
// as TMPDIR (test/setup/file-tmpdir.ts), so what the file makes in os.tmpdir(), and what any CLI
// process it starts makes there, is found there and nowhere else. That is more robust than
// comparing /tmp before and after the run: other programs, and other runs of this suite at the
// same time, write to /tmp too, and a leftover is named by the test file that made it whatever
// its name. This process's own TMPDIR is left alone (vitest keeps its cache in it).
//
// A file's leftovers fail that file (file-tmpdir.ts); here, after every file, is what appeared
// later, from a process that outlived its test file. Either way the run's directory is removed.

import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** The run's directory, holding one directory per test file (fileTmpdirName). */
    tmpdirRun: string;
    /** The project's root, test file names are relative to. */
    tmpdirRoot: string;
  }
}

/** The name of a test file's directory in the run's: its path from the root, "/" as "__" (no test
 *  file's name has it). Not "~": pathToFileURL spells it %7E where a module's own URL keeps it,
 *  and a test comparing the two would fail for the directory's name alone. */
export function fileTmpdirName(relativePath: string): string {
  return relativePath.replaceAll("/", "__");
}

export default function setup(project: TestProject): () => void {
  const run = mkdtempSync(join(tmpdir(), "dmasim-test-run-"));
  project.provide("tmpdirRun", run);
  project.provide("tmpdirRoot", project.config.root);
  return () => {
    const left = readdirSync(run).flatMap((file) => readdirSync(join(run, file)).map((entry) => `${file.replaceAll("__", "/")}: ${entry}`));
    rmSync(run, { recursive: true, force: true });
    if (!left.length) return;
    process.stderr.write(`\nTemporary files were left in os.tmpdir() after their test files ended (removed now):\n${left.map((l) => `  ${l}\n`).join("")}`);
    process.exitCode = 1;
  };
}
