// `dmasim cat PATH… [system options]` and `dmasim ls PATH [system options]`: boot a board and
// show its /proc and /sys files (/proc/iomem, /proc/interrupts, /sys/class/dma …) as `cat`
// and `ls` would.

import { statSync } from "node:fs";
import { createSystem } from "../create.js";
import { checkOptions, UsageError, type ParsedArgs } from "./args.js";
import { systemOptions, SYSTEM_OPTIONS } from "./system-options.js";
import { writeStdout } from "./stdout.js";

async function withSystem<T>(a: ParsedArgs, use: (s: { readFile(p: string): Promise<string> | string; readdir(p: string): Promise<string[]> | string[] }) => Promise<T>): Promise<T> {
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

export async function catCommand(a: ParsedArgs): Promise<number> {
  checkOptions(a, "cat", SYSTEM_OPTIONS);
  if (!a.positionals.length) throw new UsageError("cat needs a path (e.g. dmasim cat /proc/iomem)");
  refuseBoardFiles("cat", a.positionals, "/proc/iomem");
  await withSystem(a, async (s) => {
    for (const path of a.positionals) await writeStdout(await s.readFile(path));
  });
  return 0;
}

export async function lsCommand(a: ParsedArgs): Promise<number> {
  checkOptions(a, "ls", SYSTEM_OPTIONS);
  refuseBoardFiles("ls", a.positionals, "/sys/class/dma");
  const paths = a.positionals.length ? a.positionals : ["/"];
  await withSystem(a, async (s) => {
    for (const path of paths) {
      const entries = (await s.readdir(path)).join("\n");
      await writeStdout(paths.length > 1 ? `${path}:\n${entries}\n` : `${entries}\n`);
    }
  });
  return 0;
}
