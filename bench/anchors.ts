// The C speed anchors of ../shared/anchors (gcc -O2), built and run in the same benchmark run
// as dmasim's own figures, so each figure sits beside its speed limit measured on the same
// machine at the same time. Without gcc or the anchors folder the anchor metrics are omitted.

import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export interface AnchorLine {
  kernel: string;
  impl: string;
  rep: number;
  sec: number;
  ops: number;
  unit: string;
  check: string;
}

const anchorsDir = fileURLToPath(new URL(import.meta.url.includes("/dist/") ? "../../../shared/anchors/c/" : "../../shared/anchors/c/", import.meta.url));
const built = new Map<string, string | null>();
let buildDir: string | undefined;

/** One directory for the run's executables, removed when the process ends: a benchmark run
 *  leaves nothing in the user's temporary directory. */
function anchorBuildDir(): string {
  if (!buildDir) {
    const dir = mkdtempSync(join(tmpdir(), "dmasim-anchor-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    buildDir = dir;
  }
  return buildDir;
}

function build(name: string): string | null {
  if (built.has(name)) return built.get(name)!;
  let exe: string | null = null;
  const src = join(anchorsDir, `${name}.c`);
  if (existsSync(src)) {
    try {
      exe = join(anchorBuildDir(), name);
      execFileSync("gcc", ["-O2", "-o", exe, src], { stdio: "ignore" });
    } catch {
      exe = null;
    }
  }
  built.set(name, exe);
  return exe;
}

/** Runs one anchor program; returns its JSON lines (all kernels and repeats), or null. */
export function runAnchor(name: "cache" | "ptw" | "copy" | "interp", env: Record<string, string> = {}): AnchorLine[] | null {
  const exe = build(name);
  if (!exe) return null;
  const out = execFileSync(exe, [], { encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 1 << 24 });
  return out
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as AnchorLine);
}

/** The median rate (ops/s) of one kernel's repeats, and its check string. */
export function anchorRate(lines: AnchorLine[], kernel: string): { rate: number; check: string } | null {
  const reps = lines.filter((l) => l.kernel === kernel);
  if (!reps.length) return null;
  const rates = reps.map((l) => l.ops / l.sec).sort((a, b) => a - b);
  return { rate: rates[Math.floor(rates.length / 2)], check: reps[0].check };
}
