// The CPU's non-cacheable accesses to RAM (Normal-NC mappings, and Device mappings or the MMU off
// on RAM), once cpu.ts has translated the VA: reads the CPU waits for, one bus transaction per
// ncReadBytes, and writes posted through a write buffer that a DSB waits for. Costs are added to
// hierarchy.cursor like every other part of a CPU operation.

import * as H from "./hierarchy";
import { max64 } from "./time";
import { ramPtr, ramHost, memAccess, lastController } from "./dram";

let ncIssuePs: i64 = 0;
let ncReadBytes: u32 = 8;
let ncWriteBytes: u32 = 8;
let ncWriteSlots: i32 = 1;
const writeRing = new StaticArray<i64>(16);
let writeIdx: i32 = 0;
/** When the last posted write reaches memory (what a DSB waits for). */
export let postedUntil: i64 = 0;

export function configureUncached(issuePs: i64, readBytes: u32, writeBytes: u32, writeSlots: i32): void {
  ncIssuePs = issuePs;
  ncReadBytes = readBytes < 1 ? 1 : readBytes;
  ncWriteBytes = writeBytes < 1 ? 1 : writeBytes;
  ncWriteSlots = writeSlots < 1 ? 1 : writeSlots > 16 ? 16 : writeSlots;
}

/** A non-cacheable read of [pa, pa+n) from RAM: one bus transaction per ncReadBytes, each
 *  waited for (loads to Normal-NC memory are not satisfied early). False if it is not RAM. */
export function ncRead(pa: u64, n: u32, dst: usize): bool {
  const p = ramHost(pa, n);
  if (p == 0) return false;
  memory.copy(dst, p, n);
  const ctrl = lastController;
  let done: u32 = 0;
  while (done < n) {
    const k = min<u32>(ncReadBytes - <u32>((pa + done) & (ncReadBytes - 1)), n - done);
    H.cursor = memAccess(ctrl, H.cursor + ncIssuePs, k, false);
    done += k;
  }
  return true;
}

/** A non-cacheable write: posted through a write buffer of ncWriteSlots entries that merges
 *  up to ncWriteBytes, so the CPU waits only when the buffer is full. False if it is not RAM. */
export function ncWrite(pa: u64, n: u32, src: usize, fill: bool, byte: u8): bool {
  const p = ramPtr(pa, n);
  if (p == 0) return false;
  if (fill) memory.fill(p, byte, n);
  else memory.copy(p, src, n);
  const ctrl = lastController;
  let done: u32 = 0;
  while (done < n) {
    const k = min<u32>(ncWriteBytes - <u32>((pa + done) & (ncWriteBytes - 1)), n - done);
    const t = max64(H.cursor + ncIssuePs, unchecked(writeRing[writeIdx]));
    const end = memAccess(ctrl, t, k, true);
    unchecked((writeRing[writeIdx] = end));
    writeIdx = writeIdx + 1 >= ncWriteSlots ? 0 : writeIdx + 1;
    if (end > postedUntil) postedUntil = end;
    H.cursor = t;
    done += k;
  }
  return true;
}

/** Zeros written to non-cacheable memory (DC ZVA on a Normal-NC mapping). */
export function ncWriteZeros(pa: u64, n: u32): bool {
  return ncWrite(pa, n, 0, true, 0);
}
