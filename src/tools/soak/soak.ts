// The soak: one System, many DMA transfers as a driver makes them (the dma-mix scenario: buffers
// kmalloc'ed, mapped and unmapped per copy, descriptors from a dma_pool, coherent buffers and
// pools made and dropped every so often, every copy's bytes checked), and afterwards the
// questions a leak would answer differently: did the JavaScript heap or the wasm memory grow,
// does the buddy allocator have every page back, does DMA-API debug hold an entry the transfers
// left or report anything, did the kernel warn.

import { createLocalSystem, type System } from "../../system.js";
import { DmaMix } from "../../sim/scenarios/dma-mix.js";
import { KERN_WARNING } from "../../kernel/printk.js";

export interface SoakOptions {
  transfers: number;
  board?: string;
  seed?: number;
  /** Largest copy in bytes (default 2048); sizes are drawn from 1 … maxSize. */
  maxSize?: number;
  /** Collects garbage (global.gc); without one, heap figures are what the heap happens to hold. */
  gc?: () => void;
  /** Called every `progressEvery` transfers. */
  onProgress?: (done: number) => void;
  progressEvery?: number;
}

export interface SoakMemory {
  /** JavaScript heap in use (bytes), after a collection when one was given. */
  heapUsed: number;
  /** The System's wasm memory (bytes). */
  wasmBytes: number;
  /** Free pages in the buddy allocator. */
  freePages: number;
  /** Pages held by kernel page tables (vmalloc areas) and by the kmalloc caches, which keep
   *  what they take (as Linux keeps kernel page tables): with the free pages they must add up
   *  to the same number, else pages went missing. */
  pageTablePages: number;
  slabPages: number;
}

export interface SoakResult {
  board: string;
  transfers: number;
  bytesCopied: number;
  /** Simulated time the transfers took (ps). */
  simulatedPs: number;
  /** After the warm-up (the first transfers, which fill caches and JIT code), and at the end. */
  before: SoakMemory;
  after: SoakMemory;
  /** DMA-API debug's live entries (mappings, coherent buffers) once the channel is requested,
   *  and at the end: the driver's own buffers, and nothing the transfers left. */
  debugEntries: { before: number; after: number };
  /** DMA-API debug reports made during the run. */
  debugReports: string[];
  /** Kernel log lines at KERN_WARNING or worse logged during the run ("Bad page state", …). */
  kernelWarnings: string[];
  /** Copies whose destination did not hold the source's bytes. */
  badCopies: number;
}

/** Transfers before the first measurement. */
const WARMUP = 1000;

function memory(system: System, gc?: () => void): SoakMemory {
  gc?.();
  return {
    heapUsed: process.memoryUsage().heapUsed,
    wasmBytes: system.machine.x.memory.buffer.byteLength,
    freePages: system.kernel.mm.buddy.freePageCount,
    pageTablePages: system.kernel.mm.pageTablePages,
    slabPages: system.kernel.mm.slab.slabPages,
  };
}

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const board = o.board ?? "arm64-ref";
  const system = await createLocalSystem({ board, dmaDebug: { allErrors: true } });
  const k = system.kernel;
  const mix = new DmaMix(system, o.seed ?? 1, o.maxSize ?? 2048);
  const entriesBefore = k.dma.debug.entries();
  const logFrom = system.now();
  let before: SoakMemory | undefined;
  let t0 = system.now();
  for (let i = 0; i < o.transfers; i++) {
    if (i === Math.min(WARMUP, o.transfers)) {
      before = memory(system, o.gc);
      t0 = system.now();
    }
    mix.step();
    if (o.onProgress && (i + 1) % (o.progressEvery ?? 10000) === 0) o.onProgress(i + 1);
  }
  mix.close();
  before ??= memory(system, o.gc);
  const after = memory(system, o.gc);
  const result: SoakResult = {
    board, transfers: o.transfers, bytesCopied: mix.bytesCopied, simulatedPs: system.now() - t0, before, after,
    debugEntries: { before: entriesBefore, after: k.dma.debug.entries() }, debugReports: [...k.dma.debug.reports],
    kernelWarnings: k.printk.dmesg().filter((l) => l.timePs >= logFrom && l.level <= KERN_WARNING).map((l) => l.text),
    badCopies: mix.badCopies,
  };
  system.dispose();
  return result;
}

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
