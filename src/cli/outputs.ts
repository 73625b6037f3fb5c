// --trace FILE and --report FILE: what a command writes besides its table.

import { writeFile } from "node:fs/promises";
import { accessSync, constants, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { System } from "../system.js";
import { flag, wholeFlag, UsageError, type ParsedArgs } from "./args.js";
import { validateChromeTrace } from "../trace/validate.js";

/** The options checkOutputs, withTrace and writeReport read. */
export const OUTPUT_OPTIONS = ["trace", "trace-records", "report"] as const;

/** Before a run: the files --trace and --report name can be written, so that a long run does
 *  not end in an error with its results lost. */
export function checkOutputs(a: ParsedArgs): void {
  for (const name of ["trace", "report"]) {
    const file = flag(a, name);
    if (file === undefined) continue;
    const path = resolve(file);
    let problem: string | undefined;
    try {
      if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) problem = "EISDIR";
      else accessSync(dirname(path), constants.W_OK);
    } catch (e) {
      problem = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    }
    if (problem) throw new UsageError(`--${name} ${file}: cannot write there (${problem})`);
  }
}

/** Runs fn with a trace recorded when --trace is given, and writes the trace file. */
export async function withTrace<T>(a: ParsedArgs, system: System, fn: () => T | Promise<T>): Promise<T> {
  const file = flag(a, "trace");
  if (!file) return fn();
  system.kernel.tracer.start(wholeFlag(a, "trace-records", 4 << 20, 1));
  const result = await fn();
  const trace = system.kernel.tracer.stopChrome();
  const problems = validateChromeTrace(trace);
  if (problems.length) throw new Error(`the trace is malformed (${problems[0]}): please report this`);
  await writeFile(file, JSON.stringify(trace));
  const dropped = trace.otherData.dropped as number;
  process.stderr.write(`dmasim: wrote ${trace.traceEvents.length} trace events to ${file}${dropped ? ` (${dropped} records dropped: raise --trace-records)` : ""}\n`);
  return result;
}

export async function writeReport(a: ParsedArgs, html: () => string): Promise<void> {
  const file = flag(a, "report");
  if (!file) return;
  await writeFile(file, html());
  process.stderr.write(`dmasim: wrote report to ${file}\n`);
}
