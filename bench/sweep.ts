// Sweeps over the worker pool: the acceptance sweep of issue 7 run with 1 and with 2 workers in
// the same benchmark run; sweep.speedup2 is their ratio (target ≥ 1.8 on 2 cores), beside how
// this machine scales CPU-bound and memory-bound work (host-scaling.ts) in the same run.

import { runSweep } from "../src/sim/sweep.js";
import type { BenchTask } from "./suite.js";
import { hostScaling } from "./host-scaling.js";

const GRID = { size: ["4K", "64K", "1M", "16M"], burst: [1, 4, 16] };

async function timed(workers: number): Promise<number> {
  const r = await runSweep({ scenario: "memcpy", grid: GRID, workers });
  return r.elapsedMs;
}

export function sweepBenchmarks(): BenchTask[] {
  return [
    {
      name: "sweep.memcpy",
      run: async () => {
        await timed(2); // warm the module cache and the OS
        const one: number[] = [];
        const two: number[] = [];
        for (let i = 0; i < 3; i++) {
          one.push(await timed(1));
          two.push(await timed(2));
        }
        const median = (v: number[]) => [...v].sort((a, b) => a - b)[1];
        const m1 = median(one);
        const m2 = median(two);
        return { "sweep.workers1.ms": m1, "sweep.workers2.ms": m2, "sweep.speedup2": m1 / m2, ...(await hostScaling()) };
      },
    },
  ];
}
