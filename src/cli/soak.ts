// `dmasim soak [--transfers N] [--board NAME] [--seed S] [--max-size BYTES] [--json]`: many DMA
// transfers on one System (tools/soak/soak.ts), then whether anything grew or leaked. Exits 1
// when something did.

import v8 from "node:v8";
import vm from "node:vm";
import { runSoak, type SoakResult } from "../tools/soak/soak.js";
import { flag, has, UsageError, type ParsedArgs } from "./args.js";
import { ProgressBar } from "./progress.js";
import { parseSize } from "../units.js";

/** JavaScript heap growth the soak tolerates between its warm-up and its end: what a heap's
 *  own bookkeeping drifts by (hash buckets and free lists at their high-water marks), far below
 *  what a per-transfer leak of a few bytes makes over 10^5 transfers or more. */
export const HEAP_GROWTH_LIMIT = 2 * 2 ** 20;

/** What went wrong, or [] when the soak was clean. */
export function soakProblems(r: SoakResult): string[] {
  const p: string[] = [];
  if (r.badCopies) p.push(`${r.badCopies} copies did not arrive intact`);
  if (r.after.wasmBytes !== r.before.wasmBytes) p.push(`wasm memory grew from ${r.before.wasmBytes} to ${r.after.wasmBytes} bytes`);
  if (r.after.heapUsed - r.before.heapUsed > HEAP_GROWTH_LIMIT) p.push(`JavaScript heap grew by ${r.after.heapUsed - r.before.heapUsed} bytes`);
  const accounted = (m: SoakResult["before"]) => m.freePages + m.pageTablePages + m.slabPages;
  if (accounted(r.after) !== accounted(r.before)) {
    p.push(`page allocator: ${accounted(r.before) - accounted(r.after)} pages neither free nor in page tables or kmalloc caches`);
  }
  if (r.debugEntries.after !== r.debugEntries.before) p.push(`DMA-API debug: ${r.debugEntries.before} entries before, ${r.debugEntries.after} after`);
  if (r.debugReports.length) p.push(`DMA-API debug reported: ${r.debugReports[0]}`);
  if (r.kernelWarnings.length) p.push(`kernel warned: ${r.kernelWarnings[0]}`);
  return p;
}

function collector(): () => void {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;
  return () => {
    gc();
    gc();
  };
}

export async function soakCommand(a: ParsedArgs): Promise<number> {
  const text = flag(a, "transfers") ?? "100000";
  const transfers = Number(text);
  if (!Number.isSafeInteger(transfers) || transfers < 1) throw new UsageError(`--transfers must be a whole number ≥ 1, not "${text}"`);
  const seed = Number(flag(a, "seed") ?? 1);
  if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed must be a whole number, not "${flag(a, "seed")}"`);
  const maxSize = flag(a, "max-size") === undefined ? undefined : parseSize(flag(a, "max-size")!);
  const board = flag(a, "board");
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
