// fingerprint: runs another scenario with the trace recorder on and returns what must be
// bit-identical wherever and however often the same run is repeated — in this thread, in a
// worker, in a browser: the scenario's result, the simulated time and CPU cycles, the silicon's
// statistics, and the trace's record count with a 64-bit FNV-1a digest of every record.
// Parameters: scenario (the one to run), records (trace capacity in silicon records, a whole
// number ≥ 1, default 2^18), and the scenario's own parameters.

import type { System } from "../../system.js";
import type { MachineStats } from "../../hw/backdoor.js";
import type { TraceRecord } from "../../trace/chrome.js";
import { runScenario, type ScenarioParams } from "../scenarios.js";
import { isWholeIn, wholeNumberIn } from "../../whole-number.js";

export interface Fingerprint {
  scenario: string;
  result: unknown;
  simulatedPs: number;
  cpuCycles: number;
  stats: MachineStats;
  trace: { records: number; dropped: number; digest: string };
}

/** FNV-1a, 64-bit, over the records' fields as text (exact for every number they hold). The
 *  64-bit state is two 32-bit halves; the prime is 2^40 + 0x1b3. */
export function traceDigest(records: TraceRecord[]): string {
  let lo = 0x84222325;
  let hi = 0xcbf29ce4;
  for (const r of records) {
    const line = `${r.start},${r.end},${r.track},${r.kind},${r.name},${r.value}\n`;
    for (let i = 0; i < line.length; i++) {
      lo = (lo ^ (line.charCodeAt(i) & 0xff)) >>> 0;
      const low = lo * 0x1b3;
      hi = (Math.imul(hi, 0x1b3) + Math.floor(low / 2 ** 32) + ((lo << 8) >>> 0)) >>> 0;
      lo = low >>> 0;
    }
  }
  return hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0");
}

/** The scenario a fingerprint runs and that scenario's own parameters (all but `scenario` and
 *  `records`), or undefined when `scenario` names none: a job boots the System that scenario asks
 *  for, as `run` of it would (worker/job.ts). */
export function innerScenario(params: ScenarioParams): { scenario: string; params: ScenarioParams } | undefined {
  const { scenario, records: _records, ...inner } = params;
  return typeof scenario === "string" && scenario !== "fingerprint" ? { scenario, params: inner } : undefined;
}

export function run(system: System, params: ScenarioParams): Fingerprint {
  const found = innerScenario(params);
  if (!found) throw new RangeError(`fingerprint needs scenario=NAME (another scenario)`);
  const { scenario, params: inner } = found;
  const records = params.records;
  const tracer = system.kernel.tracer;
  // Starting again would discard what the caller's recording holds, and stopping would end it.
  const capacity = Number(records ?? 1 << 18);
  if (!isWholeIn(capacity, 1)) throw new RangeError(`records must be ${wholeNumberIn(1)}, not "${records}"`);
  if (tracer.enabled) throw new RangeError("fingerprint records its own trace, for its digest: run it without --trace");
  tracer.start(capacity);
  let result: unknown;
  let trace;
  try {
    result = runScenario(system, scenario, inner);
  } finally {
    trace = tracer.stop();
  }
  const now = system.now();
  return {
    scenario,
    result,
    simulatedPs: now,
    cpuCycles: system.machine.cpuCycles(now),
    stats: system.machine.backdoor.stats(),
    trace: { records: trace.records.length, dropped: trace.stats.dropped, digest: traceDigest(trace.records) },
  };
}
