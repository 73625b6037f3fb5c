// A fuzz worker process (forked by supervisor.ts): creates the named target and runs the range
// of cases it is given, reporting every case as it ends, so that the supervisor knows which
// case a hang or a crash happened in.

import { createTarget, type FuzzTargetOptions } from "./targets.js";
import { runFuzz, type FuzzFailureRecord } from "./target.js";

export interface FuzzJob {
  target: string;
  options: FuzzTargetOptions;
  seed: number;
  start: number;
  count: number;
}

export type FuzzWorkerMessage =
  | { type: "case"; index: number; outcome: string }
  | { type: "failure"; failure: FuzzFailureRecord }
  | { type: "done" };

const send = process.send?.bind(process);
if (send) {
  process.on("message", async (job: FuzzJob) => {
    const target = await createTarget(job.target, job.options);
    await runFuzz(target, {
      seed: job.seed,
      start: job.start,
      count: job.count,
      onFailure: (failure) => send({ type: "failure", failure } satisfies FuzzWorkerMessage),
      onCase: (index, outcome) => send({ type: "case", index, outcome } satisfies FuzzWorkerMessage),
    });
    send({ type: "done" } satisfies FuzzWorkerMessage);
  });
}
