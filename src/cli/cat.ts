// `dmasim cat [--write PATH=VALUE]… PATH… [system options]` and `dmasim ls PATH [system
// options]`: boot a board and show its /proc and /sys files (/proc/iomem, /proc/interrupts,
// /sys/class/dma …) as `cat` and `ls` would; each --write first does `echo VALUE > PATH` (an
// unbind, a dma-api knob), the kernel lines it logs going to stderr as to a console: those below
// the console loglevel (7: KERN_DEBUG stays in dmesg).

import { statSync } from "node:fs";
import { createSystem } from "../create.js";
import { checkOptions, UsageError, type ParsedArgs } from "./args.js";
import { systemOptions, SYSTEM_OPTIONS } from "./system-options.js";
import { writeStdout } from "./stdout.js";
import { consolePrints, type DmesgOptions } from "../kernel/printk.js";

/** What cat and ls use of a System, in this thread or a worker. */
interface Files {
  readFile(p: string): Promise<string> | string;
  readdir(p: string): Promise<string[]> | string[];
  writeFile(p: string, text: string): Promise<number> | number;
  dmesg(options?: DmesgOptions): Promise<string> | string;
}

async function withSystem<T>(a: ParsedArgs, use: (s: Files) => Promise<T>): Promise<T> {
  const options = await systemOptions(a);
  if (options.worker) {
    const s = await createSystem({ ...options, worker: true });
    try {
      return await use(s);
    } finally {
      await s.close();
    }
  }
  return use(await createSystem({ ...options, worker: false }));
}

/** A board file given where a /proc or /sys path goes (`dmasim cat /proc/iomem board.dtb`, as
 *  `probe board.dtb` takes it) would boot the default board and then read the file as one of its
 *  paths: refuse it first, saying how to boot it. Paths under /proc and /sys are the board's,
 *  even where the host has them too. */
function refuseBoardFiles(command: string, paths: string[], example: string): void {
  const file = paths.find((p) => !/^\/(proc|sys)(\/|$)/.test(p) && isHostFile(p));
  if (file === undefined) return;
  const others = paths.filter((p) => p !== file);
  const shown = others.length ? others.join(" ") : example;
  throw new UsageError(`${command}: ${file} is a file here, not one of the board's /proc or /sys paths; to boot it as the board: dmasim ${command} ${shown} --dtb ${file}`);
}

function isHostFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** --write PATH=VALUE, in the order given: the path and the text `echo VALUE` writes (VALUE and
 *  a newline). */
function writes(a: ParsedArgs): { path: string; text: string }[] {
  return (a.flags.get("write") ?? []).map((w) => {
    const eq = w.indexOf("=");
    if (eq <= 0) throw new UsageError(`--write takes PATH=VALUE (e.g. --write /sys/bus/amba/drivers/dma-pl330/unbind=f8003000.dma-controller), not "${w}"`);
    return { path: w.slice(0, eq), text: `${w.slice(eq + 1)}\n` };
  });
}

const RAW = { raw: true };

/** What a board's console prints of the kernel log lines a write added (a WARN, "DMA-API:
 *  enable driver filter …", a failed probe): those below the console loglevel, as dmesg shows
 *  them. `before` and the log read now are `dmesg -r` texts; a line without a "<level>" is the
 *  continuation of a multi-line message. */
async function consoleLines(s: Files, before: string): Promise<string> {
  const after = await s.dmesg(RAW);
  if (!after.startsWith(before)) return "";
  const added = after.slice(before.length).replace(/^\n/, "");
  if (!added) return "";
  let shown = false;
  const lines: string[] = [];
  for (const line of added.split("\n")) {
    const m = /^<(\d+)>/.exec(line);
    if (m) shown = consolePrints(Number(m[1]));
    if (shown) lines.push(m ? line.slice(m[0].length) : line);
  }
  return lines.map((l) => `${l}\n`).join("");
}

export async function catCommand(a: ParsedArgs): Promise<number> {
  checkOptions(a, "cat", [...SYSTEM_OPTIONS, "write"]);
  const toWrite = writes(a);
  if (!a.positionals.length && !toWrite.length) throw new UsageError("cat needs a path to print or a --write to do (e.g. dmasim cat /proc/iomem)");
  refuseBoardFiles("cat", a.positionals, "/proc/iomem");
  await withSystem(a, async (s) => {
    for (const { path, text } of toWrite) {
      const before = await s.dmesg(RAW);
      try {
        await s.writeFile(path, text);
      } finally {
        process.stderr.write(await consoleLines(s, before));
      }
    }
    for (const path of a.positionals) await writeStdout(await s.readFile(path));
  });
  return 0;
}

export async function lsCommand(a: ParsedArgs): Promise<number> {
  checkOptions(a, "ls", SYSTEM_OPTIONS);
  refuseBoardFiles("ls", a.positionals, "/sys/class/dma");
  const paths = a.positionals.length ? a.positionals : ["/"];
  await withSystem(a, async (s) => {
    const listings: string[] = [];
    for (const path of paths) {
      const entries = (await s.readdir(path)).map((e) => `${e}\n`).join("");
      listings.push(paths.length > 1 ? `${path}:\n${entries}` : entries);
    }
    // As ls prints them: an empty directory prints nothing, several are separated by a blank line.
    await writeStdout(listings.join("\n"));
  });
  return 0;
}
