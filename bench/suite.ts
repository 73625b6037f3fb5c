// The benchmark suite behind `dmasim bench`: tinybench tasks grouped by area, each producing
// named metrics. A metric and its comparison are always measured in the same run.

import { Bench } from "tinybench";
import { pl330Benchmarks } from "./pl330.js";
import { cpuBenchmarks } from "./cpu.js";

export interface BenchTask {
  /** tinybench task name */
  name: string;
  setup?: () => Promise<void> | void;
  fn: () => void;
  /** Metrics derived from the task's mean time per call (ms). */
  metrics: (msPerCall: number) => Record<string, number>;
}

export interface BenchOptions {
  timeMs?: number;
  only?: string[];
  onProgress?: (task: string) => void;
}

export async function allTasks(): Promise<BenchTask[]> {
  return [...(await pl330Benchmarks()), ...(await cpuBenchmarks())];
}

export async function runBenchmarks(opts: BenchOptions = {}): Promise<Record<string, number>> {
  const tasks = (await allTasks()).filter((t) => !opts.only?.length || opts.only.some((p) => t.name.startsWith(p)));
  const metrics: Record<string, number> = {};
  for (const t of tasks) {
    opts.onProgress?.(t.name);
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

export function formatMetrics(m: Record<string, number>): string {
  const w = Math.max(...Object.keys(m).map((k) => k.length));
  return Object.entries(m)
    .map(([k, v]) => `${k.padEnd(w)}  ${v >= 1000 ? Math.round(v).toLocaleString("en-US") : v.toPrecision(4)}`)
    .join("\n");
}
