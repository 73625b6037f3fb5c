// The docs quote dmasim's output; this checks that they still quote it right. A fenced block whose
// first line is a command (`$ dmasim …` or `$ node …`) is a terminal session: each command is run
// and what it prints is compared with the lines under it, up to the next command line (a `$` line
// of another program, such as probe's own `$ ls /sys/class/dma`, is output). A block with no
// command is checked when an HTML comment on the line before it names one
// (`<!-- output of: dmasim -->`: the block is all it prints), and a session is left alone when the
// comment says why (`<!-- not checked: needs … -->`).
//
// Commands run as a user would type them, through /bin/sh, so `2>/dev/null` and `| head -N` work;
// `dmasim` is `node dist/src/cli.js`. Both streams go to one pipe, in the order they were written,
// as a terminal shows them. Each command runs in a scratch copy of the repository root (links to
// its files), so the files it writes (--trace, --report) land there, and `../shared/…` reaches the
// shared folder beside the repository as from the root.
//
// In the quoted output, a line that is only "…" stands for any lines (none too), a "…" inside a
// line for any text, trailing blanks do not count, and the figures that measure the host rather
// than the simulation (HOST_TIME) match any value.

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect as globalExpect, it, type ExpectStatic } from "vitest";

export const root = realpathSync(new URL("../..", import.meta.url).pathname);
const cli = join(root, "dist/src/cli.js");

/** A fenced block: its first content line's number in the file (1-based), its lines (the fence's
 *  indentation removed), its info string, and the HTML comment on the line before its fence. */
export interface DocBlock { file: string; line: number; lang: string; lines: string[]; comment?: string }

/** One command quoted with its output. */
export interface DocCommand { file: string; line: number; command: string; expected: string[] }

const FENCE = /^( *)(```+)([\w-]*)\s*$/;
const COMMENT = /^<!--\s*(.*?)\s*-->\s*$/;
const COMMAND = /^\$ ((?:dmasim|node)(?: .*)?)$/;

/** The fenced blocks of `file` (a path relative to the repository root). */
export function docBlocks(file: string): DocBlock[] {
  return parseDocBlocks(file, readFileSync(join(root, file), "utf8"));
}

/** The fenced blocks of `markdown`, the text of `file`. */
export function parseDocBlocks(file: string, markdown: string): DocBlock[] {
  const text = markdown.split("\n");
  const blocks: DocBlock[] = [];
  for (let i = 0; i < text.length; i++) {
    const open = FENCE.exec(text[i]);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    const comment = i > 0 ? COMMENT.exec(text[i - 1])?.[1] : undefined;
    const lines: string[] = [];
    let j = i + 1;
    for (; j < text.length && !(text[j].trim() === fence && text[j].startsWith(indent)); j++) {
      lines.push(text[j].startsWith(indent) ? text[j].slice(indent.length) : text[j].trimStart());
    }
    if (j === text.length) throw new Error(`${file}:${i + 1}: a fence that is never closed`);
    blocks.push({ file, line: i + 2, lang, lines, ...(comment !== undefined ? { comment } : {}) });
    i = j;
  }
  return blocks;
}

/** The commands `file` quotes with their output (those of blocks marked "not checked" left out). */
export function docCommands(file: string): DocCommand[] {
  return commandsOf(docBlocks(file));
}

/** The commands `blocks` quote: each `$ dmasim`/`$ node` line of a session with the lines under
 *  it, and each block an "output of" comment names a command for. */
export function commandsOf(blocks: DocBlock[]): DocCommand[] {
  const commands: DocCommand[] = [];
  for (const block of blocks) {
    const file = block.file;
    const outputOf = block.comment?.match(/^output of: (.+)$/)?.[1];
    const session = block.lines.length > 0 && COMMAND.test(block.lines[0]);
    if (block.comment?.startsWith("not checked:")) {
      continue;
    } else if (outputOf !== undefined) {
      if (session) throw new Error(`${file}:${block.line}: "output of" before a block that quotes its own command`);
      commands.push({ file, line: block.line, command: outputOf, expected: block.lines });
    } else if (session) {
      block.lines.forEach((l, k) => {
        const c = COMMAND.exec(l);
        if (c) commands.push({ file, line: block.line + k, command: c[1], expected: [] });
        else commands[commands.length - 1].expected.push(l);
      });
    }
  }
  return commands;
}

/** Figures that depend on the host's speed, each replaced by a mark in both texts: the elapsed
 *  time a progress line ends with (src/cli/progress.ts: "sweep memcpy: 6/6 done in 0.7s"). All
 *  other figures, dmatest's iops and KB/s among them, are simulated time and must match. */
const HOST_TIME: [RegExp, string][] = [[/^(.*: \d+\/\d+ done(?:, .*)?) in \d+\.\ds$/, "$1 in (host time)s"]];

/** `line` as compared: without trailing blanks, host-time figures marked. */
export function normalize(line: string): string {
  let l = line.trimEnd();
  for (const [pattern, mark] of HOST_TIME) l = l.replace(pattern, mark);
  return l;
}

const ANY_LINES = "…";

/** A quoted line as a pattern: "…" for any text, everything else literal. */
function linePattern(expected: string): RegExp {
  const parts = expected.split("…").map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${parts.join(".*?")}$`, "s");
}

/** What a line missing from the output, or one the doc lacks, costs an alignment. */
const MISSING_OR_EXTRA = 2;

/** 0 for a line that matches; less than a missing line for one changed in its figures only (the
 *  same text up to the first digit: `mbPerSec   1629.1` for `mbPerSec   1629.2`), so that a diff
 *  shows the two side by side rather than the doc's line missing and the printed one taken by a
 *  "…"; as a line missing and another extra for any other. */
function changeCost(pattern: RegExp, expected: string, actual: string): number {
  if (pattern.test(actual)) return 0;
  const label = (l: string) => l.replace(/\d.*$/, "");
  return label(expected) === label(actual) ? 1 : 2 * MISSING_OR_EXTRA;
}

/** Aligns `actual` with `expected` (both normalized) at the least cost of lines changed, missing
 *  or extra, and writes `actual` as `expected` would read had it been copied from it: each matched
 *  line as the doc has it, a run of lines a "…" line stands for as that "…", changed and extra
 *  lines as printed, and lines the doc has but the output lacks left out. Equal to `expected`
 *  joined exactly when the output matches, so a failure's diff shows only what differs. */
export function alignOutput(expected: string[], actual: string[]): string {
  const n = expected.length, m = actual.length;
  const patterns = expected.map((e) => (e === ANY_LINES ? null : linePattern(e)));
  // cost[i][j]: the cheapest changed, missing and extra lines that match expected[i..] with actual[j..]
  const cost = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let j = m - 1; j >= 0; j--) cost[n][j] = (m - j) * MISSING_OR_EXTRA;
  for (let i = n - 1; i >= 0; i--) {
    cost[i][m] = patterns[i] === null ? cost[i + 1][m] : cost[i + 1][m] + MISSING_OR_EXTRA;
    for (let j = m - 1; j >= 0; j--) {
      const p = patterns[i];
      cost[i][j] = p === null
        ? Math.min(cost[i + 1][j], cost[i][j + 1])
        : Math.min(cost[i + 1][j + 1] + changeCost(p, expected[i], actual[j]), cost[i + 1][j] + MISSING_OR_EXTRA, cost[i][j + 1] + MISSING_OR_EXTRA);
    }
  }
  const out: string[] = [];
  let i = 0, j = 0;
  while (i < n || j < m) {
    const p = i < n ? patterns[i] : undefined;
    if (i < n && p === null) {
      // the "…" takes this line only if ending it here costs more, so that a line printed in
      // place of the one after the "…" shows as changed, not as taken
      if (cost[i + 1][j] === cost[i][j]) { out.push(ANY_LINES); i++; }
      else j++;
    } else if (i < n && j < m && cost[i + 1][j + 1] + changeCost(p!, expected[i], actual[j]) === cost[i][j]) {
      out.push(p!.test(actual[j]) ? expected[i] : actual[j]); i++; j++; // the doc's line, or the one printed in its place
    } else if (i < n && cost[i + 1][j] + MISSING_OR_EXTRA === cost[i][j]) {
      i++; // the doc's line is missing from the output
    } else {
      out.push(actual[j]); j++; // a line the doc does not have
    }
  }
  return out.join("\n");
}

/** Runs `command` as the shell would, from a scratch copy of the repository root; resolves to
 *  what it printed on both streams. */
export function runDocCommand(command: string, timeoutMs = 60_000): Promise<string> {
  const scratch = mkdtempSync(join(tmpdir(), "dmasim-doc-"));
  const cwd = join(scratch, "repo");
  mkdirSync(cwd);
  for (const entry of readdirSync(root)) if (entry !== ".git") symlinkSync(join(root, entry), join(cwd, entry));
  if (existsSync(join(root, "../shared"))) symlinkSync(realpathSync(join(root, "../shared")), join(scratch, "shared"));
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const script = `dmasim() { ${q(process.execPath)} ${q(cli)} "$@"; }\nnode() { ${q(process.execPath)} "$@"; }\nexec 2>&1\n${command}\n`;
  return new Promise((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", script], { cwd, stdio: ["ignore", "pipe", "inherit"], timeout: timeoutMs });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      rmSync(scratch, { recursive: true, force: true });
      if (signal) reject(new Error(`$ ${command}: ended by ${signal} (over ${timeoutMs / 1000} s?)\n${out}`));
      else resolve(out);
    });
  });
}

/** At most `limit` commands at once: the suite shares two cores with the other test files. */
function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    while (running >= limit) await new Promise<void>((go) => waiting.push(go));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

const slot = limiter(2);

/** Compares a command's output with what the doc quotes; the message names the doc's line. */
export async function expectQuotedOutput(c: DocCommand, expect: ExpectStatic = globalExpect): Promise<void> {
  const printed = (await slot(() => runDocCommand(c.command))).replace(/\n+$/, "");
  const actual = printed.split("\n").map(normalize);
  const expected = c.expected.join("\n").replace(/\n+$/, "").split("\n").map(normalize);
  // The diff below shows the lines that differ; all it printed follows the doc's line, for the
  // lines a "…" took.
  const where = `${c.file}:${c.line}: $ ${c.command}\n--- it printed:\n${printed}\n---`;
  expect(alignOutput(expected, actual), where).toBe(expected.join("\n"));
}

/** A test per command `file` quotes with its output, run two at a time. */
export function describeDocCommands(file: string, options: { atLeast: number }): void {
  const commands = docCommands(file);
  describe(`${file}: the output it quotes`, () => {
    it(`quotes at least ${options.atLeast} commands`, () => {
      globalExpect(commands.length).toBeGreaterThanOrEqual(options.atLeast);
    });
    for (const c of commands) {
      it.concurrent(`line ${c.line}: $ ${c.command}`, ({ expect }) => expectQuotedOutput(c, expect), 120_000);
    }
  });
}
