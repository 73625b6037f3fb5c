// A disposed System's wasm memory, zeroed and kept for the next System of this thread.
//
// A fresh memory costs a page fault on every page a System uses and, since V8 counts the whole
// GiB of it as external memory, a major garbage collection per System: most of the host time of
// a small sweep job (bench/RESULTS.md). A memory taken from here is all zeros, as a fresh one
// is; the silicon says what to zero (assembly/memory-handover.ts): everything below its heap's
// top outside RAM, and the pages of RAM it wrote.

import type { SiliconExports } from "./exports.js";

const PAGE = 1 << 16;
/** Pages the module asks for at least (asconfig.json initialMemory). */
const INITIAL_PAGES = 2;
/** A memory with more bytes than this to zero is left to the garbage collector: kept, its zeroed
 *  pages would stay resident until the next System (a sweep job writes tens of MiB). */
const KEEP_AT_MOST = 256 << 20;

let spare: WebAssembly.Memory | undefined;

/** A zeroed memory for a new instance: the one kept from the last disposed System, or a fresh one. */
export function takeMemory(): WebAssembly.Memory {
  const memory = spare ?? new WebAssembly.Memory({ initial: INITIAL_PAGES });
  spare = undefined;
  return memory;
}

/** Zeroes what instance `x` wrote of its memory and keeps the memory for the next System of this
 *  thread. Call it only when nothing will use `x` again. If the instance cannot say what it
 *  wrote (it has run out of memory), or wrote more than KEEP_AT_MOST, the memory is left to the
 *  garbage collector. */
export function giveBackMemory(x: SiliconExports): void {
  let top: number;
  let ram: [number, number][];
  let written: Uint8Array;
  try {
    top = (x.memoryHeapTop() >>> 0) + 64; // and the few bytes of the empty block put there
    ram = [];
    for (let i = 0; i < x.memoryRegionCount(); i++) {
      const host = x.memoryRamHost(i) >>> 0;
      if (host) ram.push([host, host + x.memoryRegionBytes(i)]);
    }
    written = new Uint8Array(x.memory.buffer, x.memoryWrittenPages() >>> 0, 1 << 16).slice();
  } catch {
    return;
  }
  const bytes = new Uint8Array(x.memory.buffer);
  top = Math.min(top, bytes.length);
  let toZero = top - ram.reduce((n, [lo, hi]) => n + Math.max(0, Math.min(hi, top) - lo), 0);
  for (const w of written) toZero += w * PAGE;
  if (toZero > KEEP_AT_MOST) return;
  // RAM: the pages written (a page may reach past RAM's edge; all of that is zeroed below anyway).
  for (let page = 0; page < written.length; page++) {
    if (written[page]) bytes.fill(0, page * PAGE, Math.min((page + 1) * PAGE, bytes.length));
  }
  // Everything else below the top: statics, caches, tables, buffers, the page map itself.
  ram.sort((a, b) => a[0] - b[0]);
  let at = 0;
  for (const [lo, hi] of ram) {
    if (lo > at) bytes.fill(0, at, Math.min(lo, top));
    at = Math.max(at, hi);
  }
  if (at < top) bytes.fill(0, at, top);
  spare = x.memory;
}
