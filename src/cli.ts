#!/usr/bin/env node
// The dmasim command line. Errors a user can cause print one line and exit 1.

import { parseArgs, UsageError, type ParsedArgs } from "./cli/args.js";
import { demoCommand } from "./cli/demo.js";
import { benchCommand } from "./cli/bench.js";
import { pl330Command, PL330_USAGE } from "./cli/pl330.js";
import { SYSTEM_USAGE } from "./cli/system-options.js";

const USAGE = `usage: dmasim [command] [options]

commands:
  demo              1 MiB PL330 memcpy with coherent and streaming buffers, and the
                    missing-sync bug (the default command)
    --size SIZE     transfer size (default 1M)
    --json          print the result as JSON
  bench             run the benchmarks (--json for one JSON object of metrics,
                    --time MS per task, --only PREFIX to select)
${PL330_USAGE}
  help              this text

system options (demo):
${SYSTEM_USAGE}`;

const COMMANDS: Record<string, (a: ParsedArgs) => Promise<number>> = {
  demo: demoCommand,
  bench: benchCommand,
  pl330: (a) => Promise.resolve(pl330Command(a)),
};

const BOOLEANS = ["json", "worker", "help", "verbose"];

export async function main(argv: string[]): Promise<number> {
  const a = parseArgs(argv, BOOLEANS);
  const cmd = a.positionals.shift() ?? "demo";
  if (cmd === "help" || a.flags.has("help")) {
    console.log(USAGE);
    return 0;
  }
  const run = COMMANDS[cmd];
  if (!run) throw new UsageError(`unknown command "${cmd}" (try dmasim help)`);
  return run(a);
}

const invokedDirectly = import.meta.url === new URL(process.argv[1] ?? "", "file://").href ||
  process.argv[1]?.endsWith("/dmasim") || process.argv[1]?.endsWith("cli.js");
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      const err = e as Error;
      if (process.env.DMASIM_DEBUG) console.error(err);
      else console.error(`dmasim: ${err instanceof UsageError ? "" : "error: "}${err.message.split("\n")[0]}`);
      process.exit(1);
    },
  );
}
