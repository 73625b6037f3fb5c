// The benchmark suite behind `dmasim bench`: tinybench tasks grouped by area, each producing
// named metrics. A metric and its comparison are always measured in the same run.

import { Bench } from "tinybench";
import { pl330Benchmarks } from "./pl330.js";
import { pl330InterpBenchmarks } from "./pl330-interp.js";
import { cpuBenchmarks } from "./cpu.js";
import { dmaBenchmarks } from "./dma.js";
import { cacheBenchmarks } from "./cache.js";
import { mmuBenchmarks } from "./mmu.js";
import { sweepBenchmarks } from "./sweep.js";

export type MetricValue = number | string;

/** A tinybench task and the metrics derived from its mean time per call. */
export interface TimedTask {
  name: string;
  setup?: () => Promise<void> | void;
  fn: () => void;
  metrics: (msPerCall: number) => Record<string, MetricValue>;
}

/** A measurement tinybench cannot make: a C anchor run, a one-shot long kernel, a check value. */
export interface DirectTask {
  name: string;
  run: () => Promise<Record<string, MetricValue>> | Record<string, MetricValue>;
}

export type BenchTask = TimedTask | DirectTask;

export interface BenchOptions {
  timeMs?: number;
  only?: string[];
  onProgress?: (task: string) => void;
}

export async function allTasks(): Promise<BenchTask[]> {
  return [
    ...(await pl330Benchmarks()), ...(await pl330InterpBenchmarks()), ...(await cpuBenchmarks()), ...(await dmaBenchmarks()),
    ...(await cacheBenchmarks()), ...(await mmuBenchmarks()), ...sweepBenchmarks(),
  ];
}

export async function runBenchmarks(opts: BenchOptions = {}): Promise<Record<string, MetricValue>> {
  const all = await allTasks();
  // A prefix that selects nothing is a typo, not a request for no figures.
  const unmatched = (opts.only ?? []).filter((p) => !all.some((t) => t.name.startsWith(p)));
  if (unmatched.length) {
    throw new RangeError(`--only ${unmatched.join(", ")}: no benchmark task starts so (tasks: ${all.map((t) => t.name).join(", ")})`);
  }
  const tasks = all.filter((t) => !opts.only?.length || opts.only.some((p) => t.name.startsWith(p)));
  const metrics: Record<string, MetricValue> = {};
  for (const t of tasks) {
    opts.onProgress?.(t.name);
    if ("run" in t) {
      Object.assign(metrics, await t.run());
      continue;
    }
    await t.setup?.();
    const bench = new Bench({ time: opts.timeMs ?? 1000, warmupTime: 200 });
    bench.add(t.name, t.fn);
    await bench.run();
    const r = bench.tasks[0].result;
    if (r.state !== "completed") throw new Error(`benchmark ${t.name} did not complete (${r.state})`);
    Object.assign(metrics, t.metrics(r.period));
  }
  return metrics;
}

export function formatMetrics(m: Record<string, MetricValue>): string {
  const w = Math.max(...Object.keys(m).map((k) => k.length));
  const show = (v: MetricValue) =>
    typeof v === "string" ? v : v >= 1000 ? Math.round(v).toLocaleString("en-US") : v.toPrecision(4);
  return Object.entries(m)
    .map(([k, v]) => `${k.padEnd(w)}  ${show(v)}`)
    .join("\n");
}
