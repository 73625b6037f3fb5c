// --trace FILE and --report FILE: what a command writes besides its table.

import { rename, rm, writeFile } from "node:fs/promises";
import { accessSync, constants, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { System } from "../system.js";
import { flag, has, wholeFlag, UsageError, type ParsedArgs } from "./args.js";
import { validateChromeTrace } from "../trace/validate.js";
import { cannotWriteError } from "./host-error.js";
import { removeOnSignal } from "./remove-on-signal.js";

/** The options checkOutputs, withTrace and writeReport read. */
export const OUTPUT_OPTIONS = ["trace", "trace-records", "report"] as const;

/** Before a run: the files --trace and --report name can be written, so that a long run does
 *  not end in an error with its results lost. */
export function checkOutputs(a: ParsedArgs): void {
  for (const name of ["trace", "report"]) {
    const file = flag(a, name);
    if (file === undefined) continue;
    const path = resolve(file);
    try {
      if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw Object.assign(new Error("EISDIR"), { code: "EISDIR" });
      accessSync(dirname(path), constants.W_OK);
    } catch (e) {
      throw cannotWriteError(`--${name}`, file, e);
    }
  }
  // Read only by withTrace, after the run: a bad value, or one sizing no trace, would go unseen.
  if (has(a, "trace-records")) {
    wholeFlag(a, "trace-records", 1, 1);
    if (flag(a, "trace") === undefined) throw new UsageError("--trace-records sizes the trace --trace FILE records: give --trace FILE too");
  }
}

/** Writes the file next to its final name and renames it there, so that a write cut short (a full
 *  disk, Ctrl-C) leaves no half file under the name; nor is the half file left beside it, and a
 *  failure names the option. */
async function writeOutput(option: string, file: string, data: string): Promise<void> {
  const part = `${file}.${process.pid}.part`;
  try {
    await removeOnSignal(part, async () => {
      await writeFile(part, data);
      await rename(part, file);
    });
  } catch (e) {
    await rm(part, { force: true }).catch(() => {});
    throw cannotWriteError(`--${option}`, file, e);
  }
}

/** Runs fn with a trace recorded when --trace is given, writes the trace file, and has `show`
 *  print the result. The line saying the trace was written comes after the result, as a
 *  report's does, and is printed even when `show` fails: the file is there all the same. */
export async function withTrace<T>(a: ParsedArgs, system: System, fn: () => T | Promise<T>, show: (result: T) => void): Promise<T> {
  const file = flag(a, "trace");
  if (!file) {
    const result = await fn();
    show(result);
    return result;
  }
  system.kernel.tracer.start(wholeFlag(a, "trace-records", 4 << 20, 1));
  const result = await fn();
  const trace = system.kernel.tracer.stopChrome({ provenance: system.provenance() });
  const problems = validateChromeTrace(trace);
  if (problems.length) throw new Error(`the trace is malformed (${problems[0]}): please report this`);
  await writeOutput("trace", file, JSON.stringify(trace));
  const dropped = trace.otherData.dropped as number;
  try {
    show(result);
  } finally {
    process.stderr.write(`dmasim: wrote ${trace.traceEvents.length} trace events to ${file}${dropped ? ` (${dropped} records dropped: raise --trace-records)` : ""}\n`);
  }
  return result;
}

export async function writeReport(a: ParsedArgs, html: () => string): Promise<void> {
  const file = flag(a, "report");
  if (!file) return;
  await writeOutput("report", file, html());
  process.stderr.write(`dmasim: wrote report to ${file}\n`);
}
