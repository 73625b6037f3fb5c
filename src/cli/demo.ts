// `dmasim demo`: the headline demo (also `npm start`).

import { createSystem } from "../create.js";
import { formatDemo, type DemoResult } from "../sim/demo.js";
import { flag, has, type ParsedArgs } from "./args.js";
import { systemOptions } from "./system-options.js";

export async function demoCommand(a: ParsedArgs): Promise<number> {
  const options = await systemOptions(a);
  const size = flag(a, "size") ?? "1M";
  let result: DemoResult;
  if (options.worker) {
    const s = await createSystem({ ...options, worker: true });
    try {
      result = (await s.run("demo", { size })) as DemoResult;
    } finally {
      await s.close();
    }
  } else {
    const s = await createSystem({ ...options, worker: false });
    result = s.run("demo", { size }) as DemoResult;
  }
  console.log(has(a, "json") ? JSON.stringify(result, null, 2) : formatDemo(result));
  return result.coherentOk && result.streamingOk ? 0 : 1;
}
