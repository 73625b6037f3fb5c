// What a fuzz target is, and the loop that runs one. A target turns a seeded random stream into
// one input, feeds it to the code under test and says how that ended (an outcome class, counted
// in the summary); it throws FuzzFailure when an invariant breaks. Each case draws from a stream
// of its own (seed, index), so `--seed S --start I --count 1` replays case I alone.

import { Random } from "../../random.js";

export interface FuzzCaseResult {
  /** The outcome's class: "tree", "booted", "DtsError", … */
  outcome: string;
}

export interface FuzzTarget {
  readonly name: string;
  /** Runs case `index`, drawing its input from `random`. */
  runCase(random: Random, index: number): Promise<FuzzCaseResult>;
  /** The input case `index` makes from `random`, without running it: for reporting a case that
   *  hung or exhausted memory, which cannot report itself. */
  describeCase?(random: Random, index: number): { label: string; input?: Uint8Array };
}

/** An invariant broke: the input, what was done to make it, and what went wrong. */
export class FuzzFailure extends Error {
  constructor(
    readonly label: string,
    message: string,
    readonly input?: Uint8Array,
  ) {
    super(message);
    this.name = "FuzzFailure";
  }
}

export interface FuzzFailureRecord {
  target: string;
  index: number;
  /** How the input was made (seed and mutation). */
  label: string;
  /** The first line of what went wrong, and where in the code. */
  message: string;
  input?: Uint8Array;
}

export interface FuzzSummary {
  target: string;
  seed: number;
  start: number;
  count: number;
  /** Cases per outcome class. */
  outcomes: Record<string, number>;
  failures: FuzzFailureRecord[];
}

export interface FuzzRunOptions {
  seed: number;
  count: number;
  /** Index of the first case (default 0). */
  start?: number;
  /** Called after each case, for progress. */
  onCase?: (index: number, outcome: string) => void;
  /** Called with each failure as it happens (before onCase). */
  onFailure?: (failure: FuzzFailureRecord) => void;
}

/** Where an unexpected exception came from: its first line and the first frame. */
export function describeError(e: unknown): string {
  if (!(e instanceof Error)) return `non-Error thrown: ${String(e)}`;
  const frame = e.stack?.split("\n").find((l) => l.trim().startsWith("at "))?.trim();
  const name = e.name === "Error" ? e.constructor.name : e.name;
  return `${name}: ${e.message.split("\n")[0]}${frame ? ` (${frame})` : ""}`;
}

export async function runFuzz(target: FuzzTarget, options: FuzzRunOptions): Promise<FuzzSummary> {
  const start = options.start ?? 0;
  const summary: FuzzSummary = { target: target.name, seed: options.seed, start, count: options.count, outcomes: {}, failures: [] };
  for (let index = start; index < start + options.count; index++) {
    let outcome: string;
    try {
      outcome = (await target.runCase(new Random(options.seed, index), index)).outcome;
    } catch (e) {
      outcome = "FAILURE";
      const f = e instanceof FuzzFailure ? e : undefined;
      const record: FuzzFailureRecord = {
        target: target.name,
        index,
        label: f?.label ?? "(no label)",
        message: f ? f.message : describeError(e),
        input: f?.input,
      };
      summary.failures.push(record);
      options.onFailure?.(record);
    }
    summary.outcomes[outcome] = (summary.outcomes[outcome] ?? 0) + 1;
    options.onCase?.(index, outcome);
  }
  return summary;
}
