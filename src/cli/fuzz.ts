// `dmasim fuzz [TARGET…] [--count N] [--seed S] [--start I] [--workers N] [--timeout SEC]
// [--heap MB] [--corpus FILE,…] [--boot-share F] [--save DIR] [--json]`: seeded fuzzing in
// worker processes under a watchdog (tools/fuzz/supervisor.ts): a case over --timeout seconds is a
// hang, a worker past --heap MiB of JavaScript heap is out of memory; both are failures and the
// run goes on. Without a target the PL330 fuzzer runs (`npm run fuzz -- --count 1000000` is the
// long run docs/reliability.md records); targets are registered in tools/fuzz/targets.ts, or a
// module exporting createTarget(options). Exits 1 when any case failed, after
// listing each failure with what replays it alone.

import { accessSync, constants, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FUZZ_TARGETS, isTargetModule, isTargetUrl, type FuzzTargetOptions } from "../tools/fuzz/targets.js";

const DEFAULT_TARGET = "pl330";
import { runFuzzSupervised } from "../tools/fuzz/supervisor.js";
import type { FuzzSummary } from "../tools/fuzz/target.js";
import { checkOptions, flag, has, UsageError, wholeFlag, type ParsedArgs } from "./args.js";
import { ProgressBar } from "./progress.js";
import { cannotWriteError } from "./host-error.js";
import { makeDirectories } from "./make-directories.js";
import { readInput } from "./dt.js";

function share(a: ParsedArgs): number | undefined {
  const text = flag(a, "boot-share");
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!(v >= 0 && v <= 1)) throw new UsageError(`--boot-share must be a number from 0 to 1, not "${text}"`);
  return v;
}

export async function fuzzCommand(a: ParsedArgs): Promise<number> {
  checkOptions(a, "fuzz", ["count", "seed", "start", "workers", "timeout", "heap", "corpus", "boot-share", "save", "json"]);
  const names = a.positionals.length ? a.positionals : [DEFAULT_TARGET];
  for (const n of names) {
    if (!FUZZ_TARGETS[n] && !isTargetModule(n)) throw new UsageError(`unknown fuzz target "${n}" (known: ${Object.keys(FUZZ_TARGETS).join(", ")}, or a module exporting createTarget)`);
    // A module file that cannot be read is said as any input is, not in the module loader's words.
    if (!FUZZ_TARGETS[n] && !isTargetUrl(n)) readInput(n);
  }
  refuseUnreadOptions(a, names);
  const count = wholeFlag(a, "count", 1000);
  const seed = wholeFlag(a, "seed", 1);
  const start = wholeFlag(a, "start", 0);
  const workers = wholeFlag(a, "workers", 1, 1);
  const timeoutSec = wholeFlag(a, "timeout", 30, 1);
  const heapLimitMb = wholeFlag(a, "heap", 1024, 16);
  const corpus = (a.flags.get("corpus") ?? []).flatMap((c) => c.split(",")).filter(Boolean);
  // Read here as dt reads its input: a file that cannot be read is said in the CLI's words,
  // before any worker starts (the target reads the files again where it runs).
  for (const file of corpus) readInput(file);
  const bootShare = share(a);
  const save = flag(a, "save");
  // Made before the run: a directory that cannot be written must not lose a long run's inputs.
  if (save) saveDirectory(save);
  const summaries: (FuzzSummary & { seconds: number })[] = [];
  for (const target of names) {
    const bar = new ProgressBar(`fuzz ${target}`, count);
    const t0 = performance.now();
    const summary = await runFuzzSupervised({
      target, seed, start, count, workers, caseTimeoutMs: timeoutSec * 1000, heapLimitMb,
      options: { corpus, bootShare },
      onProgress: (done) => { if (done % 100 === 0 || done === count) bar.update(done); },
    });
    bar.finish();
    summaries.push({ ...summary, seconds: (performance.now() - t0) / 1000 });
  }
  if (save) {
    for (const f of summaries.flatMap((s) => s.failures)) {
      if (f.input) writeFileSync(join(save, `${f.target.replace(/[^\w.-]+/g, "_")}-seed${seed}-case${f.index}.bin`), f.input);
    }
  }
  if (has(a, "json")) {
    console.log(JSON.stringify(summaries.map(({ failures, ...s }) => ({ ...s, failures: failures.map(({ input: _i, ...f }) => f) })), null, 2));
  } else {
    for (const s of summaries) console.log(formatSummary(s, workers));
  }
  return summaries.some((s) => s.failures.length) ? 1 : 0;
}

/** The flag that sets each target option. */
const OPTION_FLAGS: Record<keyof FuzzTargetOptions, string> = { corpus: "corpus", bootShare: "boot-share" };

/** A target option a named built-in target does not read is refused, not ignored: a corpus given
 *  to pl330 would otherwise look used. (A module's options are its own: it gets them all.) */
function refuseUnreadOptions(a: ParsedArgs, names: string[]): void {
  for (const [option, name] of Object.entries(OPTION_FLAGS) as [keyof FuzzTargetOptions, string][]) {
    if (!a.flags.has(name)) continue;
    for (const n of names) {
      const entry = FUZZ_TARGETS[n];
      if (!entry || entry.reads.includes(option)) continue;
      const readers = Object.keys(FUZZ_TARGETS).filter((t) => FUZZ_TARGETS[t].reads.includes(option));
      const which = a.positionals.length ? n : `${n} (the default target)`;
      throw new UsageError(`fuzz ${which} takes no --${name}: ${entry.madeFrom} (--${name} is for ${readers.join(", ")} or a module)`);
    }
  }
}

function saveDirectory(dir: string): void {
  try {
    makeDirectories(dir);
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw cannotWriteError("--save", dir, e);
  }
}

function formatSummary(s: FuzzSummary & { seconds: number }, workers: number): string {
  const lines = [
    `fuzz ${s.target}: seed ${s.seed}, cases ${s.start}…${s.start + s.count - 1}: ${s.count} cases in ${s.seconds.toFixed(1)} s ` +
      `(${workers} worker${workers === 1 ? "" : "s"}), ${s.failures.length} failure${s.failures.length === 1 ? "" : "s"}`,
  ];
  const width = Math.max(...Object.keys(s.outcomes).map((k) => k.length));
  for (const [k, n] of Object.entries(s.outcomes).sort((x, y) => y[1] - x[1])) lines.push(`  ${k.padEnd(width)}  ${n}`);
  for (const f of s.failures) {
    lines.push(`FAILED ${f.label}`, `  ${f.message}`, `  replay: dmasim fuzz ${s.target} --seed ${s.seed} --start ${f.index} --count 1`);
  }
  return lines.join("\n");
}
