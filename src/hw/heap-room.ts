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
