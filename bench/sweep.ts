// Sweeps over the worker pool: the acceptance sweep of issue 7 run with 1 and with 2 workers in
// the same benchmark run; sweep.speedup2 is their ratio (target ≥ 1.8 on 2 cores), beside the
// same with worker threads instead of processes, and how this machine scales CPU-bound and
// memory-bound work (host-scaling.ts), all in the same run.

import { runSweep } from "../src/sim/sweep.js";
import type { BenchTask } from "./suite.js";
import { hostScaling } from "./host-scaling.js";

const GRID = { size: ["4K", "64K", "1M", "16M"], burst: [1, 4, 16] };

async function timed(workers: number, isolation: "process" | "thread" = "process"): Promise<number> {
  const r = await runSweep({ scenario: "memcpy", grid: GRID, workers, isolation });
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
        const threadsOne: number[] = [];
        const threadsTwo: number[] = [];
        for (let i = 0; i < 3; i++) {
          one.push(await timed(1));
          two.push(await timed(2));
          threadsOne.push(await timed(1, "thread"));
          threadsTwo.push(await timed(2, "thread"));
        }
        const median = (v: number[]) => [...v].sort((a, b) => a - b)[1];
        const m1 = median(one);
        const m2 = median(two);
        const t1 = median(threadsOne);
        const t2 = median(threadsTwo);
        return {
          "sweep.workers1.ms": m1, "sweep.workers2.ms": m2, "sweep.speedup2": m1 / m2,
          // The same sweep with the pool's workers as threads (--threads), for comparison.
          "sweep.threads.workers1.ms": t1, "sweep.threads.workers2.ms": t2, "sweep.threads.speedup2": t1 / t2,
          ...(await hostScaling()),
        };
      },
    },
  ];
}
