// Deferred bytes (cache.ts): a line filled from DRAM holds no copy of its bytes until they are
// needed. Whoever needs a line's bytes calls lineData (the CPU port) or materialize, and anything
// that changes DRAM beneath the caches first calls materializeRange (dram.ts does so for the
// masters that use its ramPtr / ramWrite), so cached copies keep the old bytes, as on hardware.

import { Cache, deferredLines } from "./cache";
import { copyLine, zeroLine } from "./line-bytes";
import { neverWritten } from "./memory-handover";
import { ramHost } from "./dram";
import * as H from "./hierarchy";

/** Copies a deferred line's bytes in from DRAM. */
export function materialize(c: Cache, e: i32): void {
  const src = ramHost(c.lineAt(e) << H.lineShift, H.lineBytes);
  // Bytes nothing has written are 0: the host page stays untouched (no page fault).
  if (neverWritten(src, H.lineBytes)) zeroLine(c.dataAt(e), H.lineBytes);
  else copyLine(c.dataAt(e), src, H.lineBytes);
  c.clearDeferred(e);
}

/** Host pointer to an L1 entry's bytes, for the CPU port that is about to use them. */
@inline export function lineData(e: i32): usize {
  const c1 = H.l1;
  if (c1.isDeferred(e)) {
    materialize(c1, e);
    settleL2(c1.lineAt(e));
  }
  return c1.dataAt(e);
}

/** A line filled through L2 left a deferred copy there too: once the CPU uses the line, that copy
 *  is made as well (the bytes are in the host's cache now), so that deferred lines do not stay
 *  behind for the other masters' accesses to settle. */
export function settleL2(line: u64): void {
  const c2 = H.l2;
  if (deferredLines == 0 || c2 == null) return;
  const e = c2.find(line);
  if (e >= 0 && c2.isDeferred(e)) materialize(c2, e);
}

function materializeLine(line: u64): void {
  let e = H.l1.find(line);
  if (e >= 0 && H.l1.isDeferred(e)) materialize(H.l1, e);
  const c2 = H.l2;
  if (c2 != null) {
    e = c2.find(line);
    if (e >= 0 && c2.isDeferred(e)) materialize(c2, e);
  }
}

/** Called before DRAM bytes [pa, pa+len) change beneath the caches: cached copies keep the old
 *  bytes, as they do on hardware. */
export function materializeRange(pa: u64, len: u64): void {
  if (deferredLines == 0 || len == 0) return;
  let line = pa >> H.lineShift;
  const last = (pa + len - 1) >> H.lineShift;
  while (line <= last) {
    materializeLine(line);
    line++;
  }
}
