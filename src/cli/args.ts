// A small argv parser: positionals, `--flag`, `--key value`, `--key=value`, and repeatable keys.

import { isWholeIn, wholeNumberIn } from "../whole-number.js";

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string[]>;
  /** Options given last with no value after them: checkOptions names an unknown one as unknown
   *  (a mistyped boolean, `--jsn`) before saying that a known one needs a value. */
  valueless?: string[];
}

export class UsageError extends Error {}

export function parseArgs(argv: string[], booleans: string[] = []): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string[]>();
  const valueless: string[] = [];
  const add = (k: string, v: string) => flags.set(k, [...(flags.get(k) ?? []), v]);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      if (eq > 0) add(a.slice(2, eq), a.slice(eq + 1));
      else if (booleans.includes(a.slice(2))) add(a.slice(2), "true");
      else {
        const v = argv[i + 1];
        if (v === undefined || v.startsWith("--")) {
          valueless.push(a.slice(2));
          flags.set(a.slice(2), flags.get(a.slice(2)) ?? []);
        } else {
          add(a.slice(2), v);
          i++;
        }
      }
    } else if (a.startsWith("-") && a.length === 2 && a !== "-") {
      // dtc's short options for `dmasim dt`, under dtc's long names.
      const map: Record<string, string> = { o: "out", O: "out-format", I: "in-format", V: "out-version", i: "include", h: "help", j: "json" };
      const k = map[a[1]];
      if (!k) throw new UsageError(`unknown option ${a}`);
      if (["help", "json"].includes(k)) add(k, "true");
      else {
        const v = argv[++i];
        if (v === undefined) throw new UsageError(`${a} needs a value`);
        add(k, v);
      }
    } else positionals.push(a);
  }
  return { positionals, flags, valueless };
}

/** Stops with a UsageError at the first option `command` does not read: a mistyped one (--parm)
 *  or one another command has (sweep --trace) would otherwise be ignored without a word. */
export function checkOptions(a: ParsedArgs, command: string, known: readonly string[]): void {
  for (const name of a.flags.keys()) {
    if (!known.includes(name)) throw new UsageError(`${command} has no option --${name} (see dmasim help)`);
  }
  const missing = a.valueless?.[0];
  if (missing !== undefined) throw new UsageError(`--${missing} needs a value`);
}

/** Stops with a UsageError at a word given to a command that reads none (demo extra), which
 *  would otherwise be ignored without a word. */
export function checkNoWords(a: ParsedArgs, command: string): void {
  if (a.positionals.length) throw new UsageError(`${command} takes options only, not "${a.positionals[0]}" (see dmasim help)`);
}

/** The value of --name; given twice with different values, a UsageError: which one the user
 *  meant cannot be known (`--board zynq-7000 … --board arm64-ref`). */
export function flag(a: ParsedArgs, name: string): string | undefined {
  const v = a.flags.get(name);
  if (v && new Set(v).size > 1) throw new UsageError(`--${name} is given ${v.length} times (${v.map((x) => `"${x}"`).join(", ")}): give it once`);
  return v?.[v.length - 1];
}

export function has(a: ParsedArgs, name: string): boolean {
  return a.flags.has(name);
}

/** The whole number given as --name (the last one given), `fallback` without it; anything else,
 *  or a value outside [min, max], is a UsageError naming the flag and what was typed. */
export function wholeFlag(a: ParsedArgs, name: string, fallback: number, min = 0, max?: number): number {
  const text = flag(a, name);
  if (text === undefined) return fallback;
  const v = Number(text);
  if (text.trim() === "" || !isWholeIn(v, min, max)) throw new UsageError(`--${name} must be ${wholeNumberIn(min, max)}, not "${text}"`);
  return v;
}
