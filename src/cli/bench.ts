// `dmasim bench [--json] [--time MS] [--only PREFIX]`: the tinybench suites of bench/.

import { runBenchmarks, formatMetrics } from "../../bench/suite.js";
import { checkNoWords, checkOptions, has, wholeFlag, type ParsedArgs } from "./args.js";

export async function benchCommand(a: ParsedArgs): Promise<number> {
  checkOptions(a, "bench", ["json", "time", "only"]);
  checkNoWords(a, "bench");
  const time = wholeFlag(a, "time", 1000, 1);
  const only = a.flags.get("only");
  const json = has(a, "json");
  const metrics = await runBenchmarks({
    timeMs: time,
    only,
    onProgress: json ? undefined : (name) => process.stderr.write(`  running ${name}…\n`),
  });
  console.log(json ? JSON.stringify(metrics, null, 2) : formatMetrics(metrics));
  return 0;
}
