// `dmasim soak [--transfers N] [--board NAME] [--seed S] [--max-size BYTES] [--json]`: many DMA
// transfers on one System (tools/soak/soak.ts), then whether anything grew or leaked. Exits 1
// when something did.

import v8 from "node:v8";
import vm from "node:vm";
import { runSoak, soakProblems, type SoakResult } from "../tools/soak/soak.js";
import { checkNoWords, checkOptions, flag, has, UsageError, wholeFlag, type ParsedArgs } from "./args.js";
import { ProgressBar } from "./progress.js";
import { formatBytes, parseSize } from "../units.js";
import { KMALLOC_MAX_SIZE } from "../mm/slab.js";
import { isWholeIn } from "../whole-number.js";
import { BOARDS, unknownBoardText } from "../boards.js";

function collector(): () => void {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;
  return () => {
    gc();
    gc();
  };
}

export async function soakCommand(a: ParsedArgs): Promise<number> {
  checkOptions(a, "soak", ["transfers", "board", "seed", "max-size", "json"]);
  checkNoWords(a, "soak");
  const transfers = wholeFlag(a, "transfers", 100000, 1);
  const seed = wholeFlag(a, "seed", 1, Number.MIN_SAFE_INTEGER);
  const maxSizeText = flag(a, "max-size");
  const maxSize = maxSizeText === undefined ? undefined : parseSize(maxSizeText);
  // The copies' sizes are drawn from 1 … maxSize, as the dma-mix scenario's maxSize parameter.
  if (maxSize !== undefined && !isWholeIn(maxSize, 1)) throw new UsageError(`--max-size must be at least 1 byte, not "${maxSizeText}"`);
  // Checked before the boot; a board whose buffers bounce maps less still (DmaMix checks that).
  if (maxSize !== undefined && maxSize > KMALLOC_MAX_SIZE) {
    throw new UsageError(`--max-size must be at most ${formatBytes(KMALLOC_MAX_SIZE)}, the largest kmalloc (KMALLOC_MAX_SIZE), not "${maxSizeText}"`);
  }
  const board = flag(a, "board");
  // Checked here, where the message need not suggest a tree of one's own: soak takes none.
  if (board !== undefined && !BOARDS[board]) throw new UsageError(unknownBoardText(board));
  const bar = new ProgressBar(`soak ${board ?? "arm64-ref"}`, transfers);
  const t0 = performance.now();
  const r = await runSoak({ transfers, board, seed, maxSize, gc: collector(), onProgress: (n) => bar.update(n), progressEvery: 1000 });
  bar.finish();
  const seconds = (performance.now() - t0) / 1000;
  const problems = soakProblems(r);
  if (has(a, "json")) console.log(JSON.stringify({ ...r, seconds, problems }, null, 2));
  else console.log(formatSoak(r, seconds, problems));
  return problems.length ? 1 : 0;
}

function formatSoak(r: SoakResult, seconds: number, problems: string[]): string {
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(2)} MiB`;
  return [
    `soak ${r.board}: ${r.transfers} transfers (${mib(r.bytesCopied)} copied, ${(r.simulatedPs / 1e12).toFixed(3)} s simulated) in ${seconds.toFixed(1)} s`,
    `  JavaScript heap   ${mib(r.before.heapUsed)} after warm-up, ${mib(r.after.heapUsed)} at the end`,
    `  wasm memory       ${mib(r.before.wasmBytes)} after warm-up, ${mib(r.after.wasmBytes)} at the end`,
    `  free pages        ${r.before.freePages} after warm-up, ${r.after.freePages} at the end`,
    `  page tables       ${r.before.pageTablePages} pages after warm-up, ${r.after.pageTablePages} at the end`,
    `  kmalloc caches    ${r.before.slabPages} pages after warm-up, ${r.after.slabPages} at the end`,
    `  DMA-API debug     ${r.debugEntries.before} entries before, ${r.debugEntries.after} after, ${r.debugReports.length} reports`,
    `  kernel warnings   ${r.kernelWarnings.length}`,
    `  bad copies        ${r.badCopies}`,
    problems.length ? `FAILED: ${problems.join("; ")}` : "ok: nothing grew, nothing leaked",
  ].join("\n");
}
