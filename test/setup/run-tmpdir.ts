// vitest globalSetup: the run's temporary directory. Every test file gets its own directory in it
// as TMPDIR (test/setup/file-tmpdir.ts), so what the file makes in os.tmpdir(), and what any CLI
// process it starts makes there, is found there and nowhere else. That is more robust than
// comparing /tmp before and after the run: other programs, and other runs of this suite at the
// same time, write to /tmp too, and a leftover is named by the test file that made it whatever
// its name. This process's own TMPDIR is left alone (vitest keeps its cache in it).
//
// A file's leftovers fail that file (file-tmpdir.ts); here, after every file, is what appeared
// later, from a process that outlived its test file. Either way the run's directory is removed.

import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
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

/** The name of a test file's directory in the run's: a short hash of its path from the root.
 *  Short, because programs put sockets in TMPDIR and a Unix socket's path has at most 107 bytes
 *  (Chromium's SingletonSocket under a directory named after the whole test path did not fit).
 *  The path itself is written beside it, in NAME.path (fileTmpdirLabel), for the report. */
export function fileTmpdirName(relativePath: string): string {
  return createHash("sha1").update(relativePath).digest("hex").slice(0, 12);
}

/** The file beside a test file's directory that names the test file. */
export function fileTmpdirLabel(name: string): string {
  return `${name}.path`;
}

export default function setup(project: TestProject): () => void {
  const run = mkdtempSync(join(tmpdir(), "dmasim-test-run-"));
  project.provide("tmpdirRun", run);
  project.provide("tmpdirRoot", project.config.root);
  return () => {
    const dirs = readdirSync(run, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    const testFile = (name: string) => (existsSync(join(run, fileTmpdirLabel(name))) ? readFileSync(join(run, fileTmpdirLabel(name)), "utf8") : name);
    const left = dirs.flatMap((name) => readdirSync(join(run, name)).map((entry) => `${testFile(name)}: ${entry}`));
    rmSync(run, { recursive: true, force: true });
    if (!left.length) return;
    process.stderr.write(`\nTemporary files were left in os.tmpdir() after their test files ended (removed now):\n${left.map((l) => `  ${l}\n`).join("")}`);
    process.exitCode = 1;
  };
}
