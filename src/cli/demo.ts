// `dmasim demo`: the headline demo (also `npm start`).

import { createSystem } from "../create.js";
import { formatDemo, type DemoResult } from "../sim/demo.js";
import { demoReport } from "../report/demo-report.js";
import { checkNoWords, checkOptions, flag, has, UsageError, type ParsedArgs } from "./args.js";
import { systemOptions, SYSTEM_OPTIONS } from "./system-options.js";
import { printTreeWarnings } from "./tree-warnings.js";
import { checkOutputs, withTrace, writeReport, OUTPUT_OPTIONS } from "./outputs.js";
import { withProvenance } from "./run.js";
import type { Provenance } from "../provenance.js";

export async function demoCommand(a: ParsedArgs): Promise<number> {
  checkOptions(a, "demo", ["size", "json", ...OUTPUT_OPTIONS, ...SYSTEM_OPTIONS]);
  checkNoWords(a, "demo");
  checkOutputs(a);
  const options = await systemOptions(a);
  const size = flag(a, "size") ?? "1M";
  let result: DemoResult;
  let provenance: Provenance;
  // The demo shows no boot log: nothing else says what dtc would about a tree that boots (one
  // refused says why in its error).
  const warnAboutTree = () => printTreeWarnings(options);
  // The table first, then the files written: a report that cannot be written then loses nothing.
  const show = (r: DemoResult) => console.log(has(a, "json") ? JSON.stringify(withProvenance(r, provenance), null, 2) : formatDemo(r));
  if (options.worker) {
    if (flag(a, "trace")) throw new UsageError("--trace records the System in this thread: drop --worker");
    const s = await createSystem({ ...options, worker: true });
    warnAboutTree();
    try {
      result = (await s.run("demo", { size })) as DemoResult;
      provenance = await s.provenance();
    } finally {
      await s.close();
    }
    show(result);
  } else {
    const s = await createSystem({ ...options, worker: false });
    warnAboutTree();
    provenance = s.provenance();
    result = await withTrace(a, s, () => s.run("demo", { size }) as DemoResult, show);
  }
  await writeReport(a, () => demoReport(result, provenance));
  return result.coherentOk && result.streamingOk ? 0 : 1;
}
