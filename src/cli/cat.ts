// `dmasim cat PATH… [system options]` and `dmasim ls PATH [system options]`: boot a board and
// show its /proc and /sys files (/proc/iomem, /proc/interrupts, /sys/class/dma …) as `cat`
// and `ls` would.

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

export async function catCommand(a: ParsedArgs): Promise<number> {
  checkOptions(a, "cat", SYSTEM_OPTIONS);
  if (!a.positionals.length) throw new UsageError("cat needs a path (e.g. dmasim cat /proc/iomem)");
  await withSystem(a, async (s) => {
    for (const path of a.positionals) await writeStdout(await s.readFile(path));
  });
  return 0;
}

export async function lsCommand(a: ParsedArgs): Promise<number> {
  checkOptions(a, "ls", SYSTEM_OPTIONS);
  const paths = a.positionals.length ? a.positionals : ["/"];
  await withSystem(a, async (s) => {
    for (const path of paths) {
      const entries = (await s.readdir(path)).join("\n");
      await writeStdout(paths.length > 1 ? `${path}:\n${entries}\n` : `${entries}\n`);
    }
  });
  return 0;
}
