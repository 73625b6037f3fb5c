// How well this machine runs two things at once, measured beside sweep.speedup2: the same work in
// one worker thread and in two at the same time. CPU-bound work (an integer loop in registers)
// shows whether there are two cores to use: one chain of dependent multiplies, which leaves most
// of a core idle, and six independent chains, which keep it as busy as simulation code does (two
// vCPUs that share a physical core, or its caches and power budget, show it there first).
// Memory-bound work (filling a 64 MiB buffer, more than the last-level cache) shows how much of
// that a workload gets when it streams through memory, as a sweep's large copies do. A sweep
// cannot scale better than its kind of work does here.

import { Worker } from "node:worker_threads";

const CPU_BOUND = `let x = 0; for (let i = 0; i < 2e8; i++) x = (x * 31 + i) | 0; globalThis.sink = x;`;
const CPU_THROUGHPUT = `let a = 0, b = 1, c = 2, d = 3, e = 4, f = 5;
  for (let i = 0; i < 3e8; i++) {
    a = (a + i) | 0; b = (b ^ i) | 0; c = (c + (i << 1)) | 0; d = (d ^ (i >> 1)) | 0; e = (e + 3) | 0; f = (f ^ a) | 0;
  }
  globalThis.sink = a + b + c + d + e + f;`;
const MEMORY_BOUND = `const a = new Uint8Array(64 << 20); a.fill(1); for (let k = 0; k < 20; k++) a.fill(k);`;

function inWorkers(n: number, body: string): Promise<number> {
  const t0 = performance.now();
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const w = new Worker(`const { parentPort } = require("node:worker_threads"); ${body} parentPort.postMessage(0);`, { eval: true });
      w.once("message", () => void w.terminate().then(() => resolve()));
      w.once("error", reject);
    });
  return Promise.all(Array.from({ length: n }, one)).then(() => performance.now() - t0);
}

/** Two copies of the work side by side against one copy alone: 2 × t1 / t2 (2 = perfect). */
export async function speedup2(body: string): Promise<number> {
  const ones: number[] = [];
  const twos: number[] = [];
  for (let i = 0; i < 3; i++) {
    ones.push(await inWorkers(1, body));
    twos.push(await inWorkers(2, body));
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[1];
  return (2 * median(ones)) / median(twos);
}

export async function hostScaling(): Promise<Record<string, number>> {
  return {
    "host.cpuBound.speedup2": await speedup2(CPU_BOUND),
    "host.cpuThroughput.speedup2": await speedup2(CPU_THROUGHPUT),
    "host.memoryBound.speedup2": await speedup2(MEMORY_BOUND),
  };
}
