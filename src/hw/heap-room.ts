// Room left in the silicon's heap. RAM, caches and the trace buffer all come from the one wasm32
// memory, which cannot pass 4 GiB; asking for more ends in the module's "Allocation too large"
// abort, so callers check first and say what the limit is.

import type { SiliconExports } from "./exports.js";

/** The largest single allocation of the module's runtime: AssemblyScript's BLOCK_MAXSIZE,
 *  1 GiB less the 4-byte block header of the stub runtime (rt/common.ts). */
export const HEAP_BLOCK_MAX_BYTES = 2 ** 30 - 4;

/** Bytes the silicon's heap can still grow by. */
export function heapRoomBytes(x: SiliconExports): number {
  return 2 ** 32 - (x.memoryHeapTop() >>> 0);
}

/** Grows the wasm memory now for `bytes` more of the silicon's heap, so that a host that will not
 *  give it (a browser's limit on wasm memory, an address space too small) is an error that says
 *  so: asked by the runtime itself, the same failure is an anonymous `unreachable` trap. Returns
 *  the host's refusal, or undefined once the memory is large enough. */
export function growHeapFor(x: SiliconExports, bytes: number): string | undefined {
  const needed = Math.min(2 ** 32, (x.memoryHeapTop() >>> 0) + bytes);
  const have = x.memory.buffer.byteLength;
  if (needed <= have) return undefined;
  try {
    x.memory.grow(Math.ceil((needed - have) / 2 ** 16));
  } catch (e) {
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  return undefined;
}
