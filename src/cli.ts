#!/usr/bin/env node
// The dmasim command line. Errors a user can cause print one line and exit 1.

import { parseArgs, UsageError, type ParsedArgs } from "./cli/args.js";
import { demoCommand } from "./cli/demo.js";
import { benchCommand } from "./cli/bench.js";
import { dtCommand } from "./cli/dt.js";
import { catCommand, lsCommand } from "./cli/cat.js";
import { runCommand } from "./cli/run.js";
import { sweepCommand } from "./cli/sweep.js";
import { serveCommand } from "./cli/serve.js";
import { pl330Command, PL330_USAGE } from "./cli/pl330.js";
import { fuzzCommand } from "./cli/fuzz.js";
import { soakCommand } from "./cli/soak.js";
import { probeCommand, PROBE_USAGE } from "./cli/probe.js";
import { SYSTEM_USAGE } from "./cli/system-options.js";
import { BROKEN_PIPE_STATUS, isBrokenPipe } from "./cli/stdout.js";

const USAGE = `usage: dmasim [command] [options]

commands:
  demo              1 MiB PL330 memcpy with coherent and streaming buffers, and the
                    missing-sync bug (the default command)
    --size SIZE     transfer size (default 1M)
    -j, --json      print the result as JSON
    --trace FILE    write a Chrome Trace Event file (opens in Perfetto)
    --trace-records N   room for N trace records (default 4194304; more costs
                    32 bytes each of wasm memory)
    --report FILE   write a self-contained HTML report
  run SCENARIO      run one scenario (demo, memcpy, uart-tx, adc-rx, … or a module
                    exporting run(system, params)) with --param key=value …; --json,
                    --trace FILE, --trace-records N, --report FILE
  sweep SCENARIO    run a scenario over --param key=v1,v2,… combinations on a
                    worker pool (--workers N, default: the core count, 0: in this
                    process; worker threads, or worker processes with --processes);
                    --json, --report FILE; --chart y=FIELD[,x=PARAM] (repeatable)
                    charts a result field against a swept parameter in the report;
                    --columns FIELD[,FIELD…] (repeatable) shows those result fields
                    after the parameters (nested ones by dotted path: cached.totalPs;
                    an object's name, cached, for every figure in it);
                    --board A,B, --kernel modern,v4.9, --profile A,B, --dts A,B
                    (--dtb A,B), --memory 256M,512M, --cma 16M,64M, --swiotlb A,B
                    and --dma-debug=off,on compare Systems (every combination runs
                    the whole grid); swiotlb='s own N,force stays one value
                    (1024,force,0 is two; 0|force|noforce separates by | alone)
  serve             serve the browser demo (examples/web/) on localhost (--port N,
                    default 8080)
  dt IN             convert a device tree (.dts, .dtb or JSON, told apart by content),
                    writing what dtc writes for the same input
    -O, --out-format dts|dtb|json
                    output format (default: from -o's extension, else dtb for
                    .dts input and dts otherwise)
    -o, --out OUT   output file (default stdout); IN "-" reads stdin
    -I, --in-format dts|dtb|json
                    input format, instead of detecting it (a blob by its magic,
                    JSON by its "{", any other text .dts source, as dtc does)
    -V, --out-version VERSION
                    FDT version of a blob written (default 17; or 16, 3, 2, 1)
    -i, --include DIR
                    another directory to search for /include/ and /incbin/ files
  cat [PATH...]     boot the board and print /proc/iomem, /proc/interrupts, a
                    /sys/class/dma/<channel>/<attribute> or, with --dma-debug, a
                    /sys/kernel/debug/dma-api file; --write PATH=VALUE (repeatable)
                    first does echo VALUE > PATH: a driver's bind or unbind
                    (/sys/bus/amba/drivers/dma-pl330/unbind=f8003000.dma-controller),
                    dma-api's driver_filter, all_errors, num_errors (the kernel lines
                    it logs go to stderr as a console prints them: below loglevel 7,
                    so no KERN_DEBUG)
  ls [PATH]         boot the board and list a /proc or /sys directory
                    (/sys/class/dma, /sys/bus/platform/devices, /sys/bus/amba/drivers, …)
  fuzz [TARGET...]  seeded fuzzing (targets: pl330, the default, dt, or a module
                    exporting createTarget) in worker processes with a watchdog:
                    --count N (default 1000), --seed S (default 1), --start I
                    (default 0), --workers N (default 1), --timeout SEC per case
                    (default 30), --heap MB per worker (default 1024), --corpus
                    FILE,… (dt: more seed trees), --boot-share F (dt: the share of
                    trees read back that also boot, default 0.25), --save DIR
                    (failing inputs), --json; exits 1 on a failure
  soak              many DMA transfers on one System, then whether the heap, the
                    wasm memory, the page allocator or DMA-API debug grew or
                    leaked: --transfers N (default 100000), --board NAME (default
                    arm64-ref), --seed S, --max-size BYTES (largest copy, default
                    2048; at most the largest kmalloc, and what the board's DMA can
                    map), --json; exits 1 on a leak
${PROBE_USAGE}
  bench             run the benchmarks (--json for one JSON object of metrics;
                    --time MS per task, default 1000; --only PREFIX to run the
                    tasks whose names start so, e.g. mmu or sweep, repeatable)
${PL330_USAGE}
  help              this text (also -h, --help; -j is --json wherever it is taken)

system options (demo, run, sweep, cat, ls; probe takes -i, --memory, --kernel, --dma-debug, --profile):
${SYSTEM_USAGE}`;

const COMMANDS: Record<string, (a: ParsedArgs) => Promise<number>> = {
  demo: demoCommand,
  run: runCommand,
  sweep: sweepCommand,
  serve: serveCommand,
  bench: benchCommand,
  pl330: (a) => Promise.resolve(pl330Command(a)),
  dt: dtCommand,
  cat: catCommand,
  ls: lsCommand,
  fuzz: fuzzCommand,
  soak: soakCommand,
  probe: probeCommand,
};

const BOOLEANS = ["json", "worker", "help", "dma-debug", "verbose", "threads", "processes"];

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
  // Node emits the broken pipe on stdout as well as to the write's callback; unheard, it would
  // end the process with a stack trace.
  process.stdout.on("error", (e) => {
    if (isBrokenPipe(e)) process.exit(BROKEN_PIPE_STATUS);
  });
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      if (isBrokenPipe(e)) process.exit(BROKEN_PIPE_STATUS);
      const err = e as Error;
      if (process.env.DMASIM_DEBUG) console.error(err);
      else console.error(`dmasim: ${err instanceof UsageError ? "" : "error: "}${err.message.split("\n")[0]}`);
      process.exit(1);
    },
  );
}
