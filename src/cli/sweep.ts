// `dmasim sweep SCENARIO --param k=v1,v2 … [--board A,B] [--kernel modern,v4.9] [--workers N]
// [--processes] [--json] [--columns FIELD,…] [--report FILE [--chart y=FIELD[,x=PARAM] …]]`: a
// scenario over every combination of the parameter values (on every System compared), on a
// worker pool, with a progress bar.

import { availableParallelism } from "node:os";
import { runSweep, type SweepError, type SweepResult } from "../sim/sweep.js";
import { checkOptions, has, UsageError, wholeFlag, type ParsedArgs } from "./args.js";
import { sweepSystemOptions } from "./sweep-systems.js";
import { sweepGrid } from "./params.js";
import { ProgressBar } from "./progress.js";
import { formatSweep } from "./result-table.js";
import { formatSweepHeading } from "../sim/run-heading.js";
import { scenarioModule, scenarioRef, SCENARIO_SYSTEM_OPTIONS } from "./run.js";
import { checkOutputs, writeReport } from "./outputs.js";
import { sweepReport } from "../report/sweep-report.js";
import { chartOptions } from "./chart-option.js";
import { columnsOption } from "./columns-option.js";
import { sweepColumnsProblem } from "../sim/sweep-columns.js";

export async function sweepCommand(a: ParsedArgs): Promise<number> {
  if (has(a, "trace")) throw new UsageError("--trace records one System: trace a point of the sweep with dmasim run SCENARIO --param k=v … --trace FILE");
  checkOptions(a, "sweep", ["param", "workers", "processes", "threads", "json", "report", "chart", "columns", ...SCENARIO_SYSTEM_OPTIONS]);
  const name = a.positionals.shift();
  if (!name) throw new UsageError("usage: dmasim sweep SCENARIO --param key=v1,v2 … [--workers N]");
  if (a.positionals.length) throw new UsageError(extraWordText(a, a.positionals[0]));
  const scenario = scenarioRef(name);
  const grid = sweepGrid(a, name, (await scenarioModule(scenario))?.params);
  checkOutputs(a);
  const { system, systems } = await sweepSystemOptions(a);
  const charts = chartOptions(a, grid, Object.keys(systems ?? {}));
  const columns = columnsOption(a);
  const workers = wholeFlag(a, "workers", availableParallelism());
  if (workers === 0 && has(a, "processes")) throw new UsageError("--workers 0 runs the jobs in this process, so --processes has none to start: give one or the other");
  const total = [...Object.values(grid), ...Object.values(systems ?? {})].reduce((n, v) => n * v.length, 1);
  const bar = new ProgressBar(`sweep ${name}`, total);
  bar.update(0);
  // Worker threads unless --processes (--threads, once needed to get them, is still accepted).
  const isolation = has(a, "processes") ? "process" : "thread";
  // Ctrl-C (or SIGTERM) aborts the sweep: its workers are ended and the rows that finished are
  // printed before the shell's status for the signal; a second one exits at once. Node's own end
  // on a signal would skip the "exit" handlers that end worker processes (spawn.ts). Only while
  // this thread waits on workers: with --workers 0 it runs the jobs itself, and a handler would
  // not be heard until a job ended, so Node's own end stays.
  const stop = new AbortController();
  let stoppedBy: NodeJS.Signals | undefined;
  const status = (signal: NodeJS.Signals) => (signal === "SIGINT" ? 130 : 143);
  const onSignal = (signal: NodeJS.Signals) => {
    if (stoppedBy) process.exit(status(signal));
    stoppedBy = signal;
    process.stderr.write(`\ndmasim: stopping sweep ${name} (${signal}; again to exit at once)\n`);
    stop.abort(new DOMException(`sweep ${name} stopped (${signal})`, "AbortError"));
  };
  const signals = ["SIGINT", "SIGTERM"] as const;
  if (workers > 0) for (const s of signals) process.on(s, onSignal);
  let done = 0;
  let result: SweepResult;
  try {
    result = await runSweep({ scenario, grid, workers, isolation, system, ...(systems ? { systems } : {}), signal: stop.signal, onProgress: (n) => bar.update((done = n)) });
  } catch (e) {
    const partial = (e as Partial<SweepError>)?.partial;
    const failed = partial?.rows.filter((r) => r.error !== undefined).length ?? 0;
    bar.end(`${done - failed}/${total} done${failed ? `, ${failed} failed` : ""}${stoppedBy ? ", stopped" : ""}`);
    // What the other jobs found is printed before the error (which cli.ts prints): no report,
    // which would plot a sweep with holes as if whole.
    const why = stoppedBy ? { aborted: stoppedBy } : { error: (e as Error).message };
    if (partial) console.log(has(a, "json") ? JSON.stringify({ ...partial, ...why }, null, 2) : sweepText(name, grid, partial, partialColumns(partial, columns)));
    if (!stoppedBy) throw e;
    process.stderr.write(`dmasim: sweep ${name} stopped (${stoppedBy}); no report written\n`);
    return status(stoppedBy);
  } finally {
    // A second signal while the rows are printed still exits at once.
    if (!stoppedBy) for (const s of signals) process.off(s, onSignal);
  }
  bar.finish();
  // The table first: a report that cannot be written then loses nothing. A column no job has
  // is known only now: the sweep's results are printed (and reported) with every field rather
  // than lost to a misspelt name, and the run then fails saying which.
  const problem = columns && sweepColumnsProblem(result, columns, `the ${has(a, "json") ? "results above have" : "table above has"} every field`);
  const shown = problem ? undefined : columns;
  console.log(has(a, "json") ? JSON.stringify(result, null, 2) : sweepText(name, grid, result, shown));
  await writeReport(a, () => sweepReport(result, { charts, columns: shown }));
  if (!problem) return 0;
  // Written here, not thrown: cli.ts prints an error's first line only, and the fields the rows
  // have are listed on the lines after it.
  process.stderr.write(`dmasim: error: --columns: ${result.scenario}: ${problem}\n`);
  return 1;
}

/** Why a second word is refused. --dma-debug is a switch (cli.ts's BOOLEANS), so the list in
 *  `--dma-debug off,on` is left behind as a word: said so, with the spelling that compares. */
function extraWordText(a: ParsedArgs, word: string): string {
  if (has(a, "dma-debug") && /^(on|off|true|false)(,(on|off|true|false))+$/.test(word)) {
    return `--dma-debug is a switch, so "${word}" after it is read as a second scenario: compare with --dma-debug=${word}`;
  }
  return `sweep takes one scenario, not also "${word}" (parameters are --param key=v1,v2,…)`;
}

/** The table under a heading naming the scenario, the grid and what the jobs ran on, as `dmasim
 *  run` heads its fields: `--json` has `provenance` instead. */
function sweepText(name: string, grid: Record<string, readonly unknown[]>, result: SweepResult, columns?: readonly string[]): string {
  return `${formatSweepHeading(name, grid, result)}\n\n${formatSweep(result, columns)}`;
}

/** The columns a failed or stopped sweep's rows are printed with: those asked for, or, when the
 *  jobs that finished lack one, every field (said on stderr), as the sweep's own error must
 *  still be printed after its rows rather than this one instead. */
function partialColumns(partial: SweepResult, columns: string[] | undefined): string[] | undefined {
  const problem = columns && sweepColumnsProblem(partial, columns, "its rows are printed with every field");
  if (!problem) return columns;
  process.stderr.write(`dmasim: --columns: ${partial.scenario}: ${problem}\n`);
  return undefined;
}
