// Long fuzz runs in worker processes under a watchdog. A case that hangs the code under test,
// makes it allocate without bound, or crashes the JavaScript engine itself (a fatal V8 error
// ends a whole process, worker threads and all, hence processes) cannot report itself: the
// supervisor notices the silence (no case ended within the time bound) or the worker's death,
// records that case as a failure, and carries on with the next one in a fresh worker. The time
// bound is host time, which is what "never hangs" means to a user.

import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { packageUrl } from "../../resources.js";
import { Random } from "../../random.js";
import { FUZZ_TARGETS, createTarget, isTargetModule, type FuzzTargetOptions } from "./targets.js";
import type { FuzzFailureRecord, FuzzSummary, FuzzTarget } from "./target.js";
import type { FuzzJob, FuzzWorkerMessage } from "./worker.js";

export interface SupervisedFuzzOptions {
  target: string;
  options?: FuzzTargetOptions;
  seed: number;
  count: number;
  start?: number;
  /** Worker threads (default 1). */
  workers?: number;
  /** Cases per job handed to a worker (default 1000). */
  chunk?: number;
  /** A case that takes longer than this (host ms) is a hang (default 30 s). */
  caseTimeoutMs?: number;
  /** Each worker's JavaScript heap limit in MiB (default 1024; --max-old-space-size). */
  heapLimitMb?: number;
  /** Called as cases end, with the number done so far. */
  onProgress?: (done: number) => void;
  /** Called with each failure as it is found. */
  onFailure?: (failure: FuzzFailureRecord) => void;
}

interface Range {
  start: number;
  end: number;
}

export async function runFuzzSupervised(o: SupervisedFuzzOptions): Promise<FuzzSummary> {
  if (!FUZZ_TARGETS[o.target] && !isTargetModule(o.target)) {
    throw new Error(`unknown fuzz target "${o.target}" (known: ${Object.keys(FUZZ_TARGETS).join(", ")}, or a module)`);
  }
  const start = o.start ?? 0;
  const chunk = Math.max(1, o.chunk ?? 1000);
  const queue: Range[] = [];
  for (let a = start; a < start + o.count; a += chunk) queue.push({ start: a, end: Math.min(start + o.count, a + chunk) });
  const summary: FuzzSummary = { target: o.target, seed: o.seed, start, count: o.count, outcomes: {}, failures: [] };
  let done = 0;
  // Made here before any worker starts: a target that cannot be made (a --corpus file that is
  // missing or not a tree, a module without createTarget) is the caller's error, reported once,
  // not a worker death per case. It also describes the cases workers lose.
  const describer: FuzzTarget = await createTarget(o.target, o.options ?? {});

  const record = (f: FuzzFailureRecord) => {
    summary.failures.push(f);
    o.onFailure?.(f);
  };
  const count = (outcome: string) => {
    summary.outcomes[outcome] = (summary.outcomes[outcome] ?? 0) + 1;
    o.onProgress?.(++done);
  };
  /** A case the worker could not finish: what it was, made again in this thread. */
  const lost = (index: number, why: string) => {
    const d = describer.describeCase?.(new Random(o.seed, index), index);
    record({ target: describer.name, index, label: d?.label ?? `case ${index}`, message: why, input: d?.input });
    count("FAILURE");
  };

  const runRange = (range: Range) =>
    new Promise<number>((resolve) => {
      // Resolves with the index to continue from (range.end when the range is complete).
      let next = range.start;
      const child = fork(fileURLToPath(packageUrl("dist/src/tools/fuzz/worker.js")), [], {
        execArgv: [`--max-old-space-size=${o.heapLimitMb ?? 1024}`],
        stdio: ["ignore", "ignore", "pipe", "ipc"],
        serialization: "advanced",
      });
      let stderr = "";
      child.stderr!.on("data", (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-8192);
      });
      let timer: ReturnType<typeof setTimeout> | undefined;
      let settled = false;
      const settle = (why?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        if (why !== undefined && next < range.end) {
          lost(next, why);
          next++;
        }
        resolve(next);
      };
      const arm = () => {
        clearTimeout(timer);
        const ms = o.caseTimeoutMs ?? 30_000;
        timer = setTimeout(() => settle(`hang: no result within ${ms / 1000} s`), ms);
      };
      child.on("message", (m: FuzzWorkerMessage) => {
        if (m.type === "case") {
          next = m.index + 1;
          count(m.outcome);
          arm();
        } else if (m.type === "failure") record(m.failure);
        else settle();
      });
      child.on("exit", (code, signal) => settle(deathCause(stderr, code, signal)));
      arm();
      child.send({ target: o.target, options: o.options ?? {}, seed: o.seed, start: range.start, count: range.end - range.start } satisfies FuzzJob);
    });

  const lane = async () => {
    for (let range = queue.shift(); range; range = queue.shift()) {
      const from = await runRange(range);
      if (from < range.end) queue.unshift({ start: from, end: range.end });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.workers ?? 1) }, lane));
  summary.failures.sort((a, b) => a.index - b.index);
  return summary;
}

/** Why a worker process ended before its cases did, from its exit and the end of its stderr. */
function deathCause(stderr: string, code: number | null, signal: NodeJS.Signals | null): string {
  if (/heap out of memory|Reached heap limit/.test(stderr)) return "out of memory: the worker's heap limit was reached";
  const fatal = stderr.split("\n").find((l) => /Fatal|FATAL/.test(l) && !/^#\s*$/.test(l));
  if (fatal) return `crashed: ${fatal.replace(/^#\s*/, "").trim()}`;
  // Otherwise the worker's last error line, if it left one (a module that failed to load, an
  // exception outside any case).
  const error = stderr.split("\n").reverse().find((l) => /^\s*(\w*Error\b|Error \[)/.test(l));
  return `worker exited (${signal ?? `code ${code}`})${error ? `: ${error.trim()}` : ""}`;
}
