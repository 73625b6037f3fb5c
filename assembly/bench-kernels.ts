// Benchmark kernels: the workloads of the C speed anchors (../shared/anchors/c/cache.c, ptw.c)
// generated and replayed inside the module, so a measurement is one call per slice instead of
// one JS→wasm crossing per access. They drive the same code the CPU port uses — hierarchy.l1Line
// for a cacheable access, mmu.translate for a load's translation — on a machine the bench has
// configured like the C program (bench/cache.ts, bench/mmu.ts).

import * as H from "./hierarchy";
import * as mmu from "./mmu";
import { ramHostForWrite } from "./dram";

let rng: u32 = 0;

@inline function xs32(): u32 {
  let x = rng;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  rng = x;
  return x;
}

function buffer(old: usize, oldLen: u32, n: u32): usize {
  return n <= oldLen ? old : heap.alloc(<usize>n << 2);
}

// ---- cache.c ---------------------------------------------------------------------------------

let trace: usize = 0;
let traceLen: u32 = 0;

/** cache.c gen_trace: 70 % a stride-4 sweep of 1 MB at 0, 30 % uniform in 64 MB at 0x08000000;
 *  bit 0 set for the 25 % that are writes. */
export function cacheTraceGenerate(n: u32): void {
  trace = buffer(trace, traceLen, n);
  if (n > traceLen) traceLen = n;
  rng = 0x12345678;
  let seq: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const r = xs32();
    let a: u32;
    if (r % 100 < 70) {
      a = seq;
      seq = (seq + 4) & (0x100000 - 1);
    } else a = 0x08000000 + (xs32() & (0x4000000 - 1) & ~3);
    const w: u32 = ((r >> 8) & 3) == 0 ? 1 : 0;
    store<u32>(trace + (<usize>i << 2), a | w);
  }
}

/** Runs trace entries [from, from+count) through L1 (and L2 below it, if configured). */
export function cacheTraceReplay(from: u32, count: u32): void {
  const shift = H.lineShift;
  const end = trace + (<usize>(from + count) << 2);
  for (let p = trace + (<usize>from << 2); p < end; p += 4) {
    const a = load<u32>(p);
    H.l1Line(<u64>(a >> shift), (a & 1) != 0);
  }
}

// ---- ptw.c -----------------------------------------------------------------------------------

const RAM_BASE: u64 = 0x40000000;
const VA_BASE: u64 = 0x00007F8000000000;
const OUT_BASE: u64 = 0x0000000100000000;
const ATTR: u64 = (<u64>1 << 54) | (1 << 10) | (3 << 8) | (1 << 2); // UXN, AF, SH inner, AttrIndx 1

let nextTable: u64 = 0;

function wr64(pa: u64, v: u64): void {
  store<u64>(ramHostForWrite(pa, 8), v);
}

function allocTable(): u64 {
  const p = nextTable;
  nextTable += 4096;
  return p;
}

/** ptw.c build_tables: 1 GB at VA 0x7F80_0000_0000 → PA 0x1_0000_0000 (chunks permuted), odd
 *  2 MB chunks through L3 tables of permuted 4 KB pages, even chunks as 2 MB blocks. Written
 *  into RAM at 0x4000_0000 (which must hold 4 MB); returns the L0 table for TTBR0. */
export function ptwBuildTables(): f64 {
  memory.fill(ramHostForWrite(RAM_BASE, 4 << 20), 0, 4 << 20);
  nextTable = RAM_BASE;
  const l0 = allocTable();
  const l1 = allocTable();
  const l2 = allocTable();
  wr64(l0 + ((VA_BASE >> 39) & 511) * 8, l1 | 3);
  wr64(l1 + ((VA_BASE >> 30) & 511) * 8, l2 | 3);
  for (let i: u32 = 0; i < 512; i++) {
    const chunk = OUT_BASE + <u64>((i ^ 0x155) & 511) * 0x200000;
    if (i & 1) {
      const l3 = allocTable();
      wr64(l2 + <u64>i * 8, l3 | 3);
      for (let j: u32 = 0; j < 512; j++) {
        wr64(l3 + <u64>j * 8, (chunk + <u64>((j * 7 + 3) & 511) * 4096) | ATTR | 3);
      }
    } else {
      wr64(l2 + <u64>i * 8, chunk | ATTR | 1);
    }
  }
  return <f64>l0;
}

let uniform: usize = 0;
let hot: usize = 0;
let streamLen: u32 = 0;

/** ptw.c gen_uniform and gen_hot: 30-bit offsets into the mapped gigabyte. */
export function ptwStreamsGenerate(n: u32): void {
  uniform = buffer(uniform, streamLen, n);
  hot = buffer(hot, streamLen, n);
  if (n > streamLen) streamLen = n;
  rng = 0x2468ACE1;
  for (let i: u32 = 0; i < n; i++) store<u32>(uniform + (<usize>i << 2), xs32() & 0x3FFFFFF8);
  rng = 0x13579BDF;
  const pages = new StaticArray<u32>(256);
  for (let k = 0; k < 256; k++) unchecked((pages[k] = xs32() & 0x3FFFF));
  for (let i: u32 = 0; i < n; i++) {
    const r = xs32();
    let o: u32;
    if (r % 10 < 9) o = (unchecked(pages[(r >> 8) & 255]) << 12) | (xs32() & 0xFF8);
    else o = xs32() & 0x3FFFFFF8;
    store<u32>(hot + (<usize>i << 2), o);
  }
}

// The check values of ptw.c: a hash of the low words, the sum of the high words, the faults.
export let checkLo: u32 = 0;
export let checkHi: u32 = 0;
export let checkFaults: u32 = 0;

export function ptwCheckReset(): void {
  checkLo = 0;
  checkHi = 0;
  checkFaults = 0;
}

/** Translates stream entries [from, from+count) as loads would (stream 0 uniform, 1 hot). The
 *  check values are summed in their globals: kept in locals they would be spilled around every
 *  walk's call and shuffled between registers at each iteration. Two entries an iteration, so
 *  the loop's own test and V8's stack check are paid once for both. */
export function ptwTranslateReplay(stream: i32, from: u32, count: u32): void {
  const base = stream == 0 ? uniform : hot;
  const end = base + (<usize>(from + count) << 2);
  let p = base + (<usize>from << 2);
  for (; p + 4 < end; p += 8) {
    replayOne(load<u32>(p));
    replayOne(load<u32>(p, 4));
  }
  if (p < end) replayOne(load<u32>(p));
}

@inline function replayOne(offset: u32): void {
  const pa = mmu.translate(VA_BASE | <u64>offset, false);
  if (pa == mmu.BAD_PA) checkFaults++;
  else {
    checkLo = checkLo * 31 + <u32>pa;
    checkHi += <u32>(pa >> 32);
  }
}
