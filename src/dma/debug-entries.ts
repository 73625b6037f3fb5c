// DMA-API debug's bookkeeping (kernel/dma/debug.c): the entries for live mappings and
// coherent allocations in hash buckets keyed by device address (8 KB per bucket), the
// best-fit search used when several entries share an address, the active-cacheline counts
// (only the first cache line of each non-TO_DEVICE mapping, up to 7 overlaps; the radix tree
// of active_cacheline_insert), and the entry pool — fixed in 4.9, growing a page of entries
// at a time in modern kernels.

import type { DmaAddr, PhysAddr } from "../hw/address.js";
import type { Device } from "../kernel/device.js";
import { PAGE_SIZE } from "../mm/gfp.js";
import { DMA_TO_DEVICE } from "./constants.js";

export type EntryType = "single" | "page" | "scather-gather" | "coherent" | "resource" | "noncoherent";
export const MAP_ERR_NA = 0;
export const MAP_ERR_NOT_CHECKED = 1;
export const MAP_ERR_CHECKED = 2;
export const MAPERR_NAMES = ["dma map error check not applicable", "dma map error not checked", "dma map error checked"];

/** HASH_SIZE: 16384 buckets since 5.5 (commit 5e76f564572b "dma-debug: increase HASH_SIZE"),
 *  1024 in 4.9 (lib/dma-debug.c). It shows in what a user reads: the bucket index of the debugfs
 *  dump, and which entry the leak report names, the last found walking the buckets in index
 *  order (in 4.9 an entry 8 MB above another can be walked before it). A check by exact address
 *  matches device and address, so which entry it finds does not depend on the size; one by a
 *  containing range could differ only for nested mappings more than 8 MB long. */
export const HASH_SIZE = { modern: 16384, "v4.9": 1024 } as const;
export const HASH_FN_SHIFT = 13;
export const ACTIVE_CACHELINE_MAX_OVERLAP = 7;
/** DMA_DEBUG_DYNAMIC_ENTRIES: a page of cache-line-sized entries. */
export const DYNAMIC_ENTRIES = PAGE_SIZE / 128;

/** struct dma_debug_entry */
export interface Entry {
  dev: Device;
  dev_addr: DmaAddr;
  size: number;
  type: EntryType;
  direction: number;
  sg_call_ents: number;
  sg_mapped_ents: number;
  pfn: number;
  offset: number;
  map_err_type: number;
  /** DMA_ATTR_CPU_CACHE_CLEAN was passed (modern kernels since 6.19; always false on 4.9). */
  is_cache_clean: boolean;
}

/** hash_fn: (dev_addr >> HASH_FN_SHIFT) & (HASH_SIZE - 1), of the address's u64 pattern. */
export function hashOf(addr: DmaAddr, hashSize: number): number {
  const b = Math.floor(addr / 2 ** HASH_FN_SHIFT) % hashSize;
  return b < 0 ? b + hashSize : b;
}

export function makeEntry(dev: Device, addr: DmaAddr, size: number, type: EntryType, dir: number, sgCall = 0): Entry {
  return { dev, dev_addr: addr, size, type, direction: dir, sg_call_ents: sgCall, sg_mapped_ents: 0, pfn: 0, offset: 0, map_err_type: MAP_ERR_NA, is_cache_clean: false };
}

export function entryPhys(e: Entry): PhysAddr {
  return e.pfn * PAGE_SIZE + e.offset;
}

/** active_cacheline_insert's answer: -EEXIST when the line was already active, and then the
 *  is_cache_clean of the entry the radix tree holds for it (the line's first mapping). */
export interface AddResult {
  eexist: boolean;
  overlapCacheClean: boolean;
}

/** One active cache line: the overlap count kept in the radix tree's 3 tags, and the
 *  is_cache_clean of the entry stored in the slot. The slot keeps the first mapping's entry
 *  until the line's last unmap deletes it, even after that first mapping is gone. */
interface ActiveLine {
  overlap: number;
  cacheClean: boolean;
}

export class DebugEntries {
  private readonly hash = new Map<number, Entry[]>();
  private readonly cachelines = new Map<number, ActiveLine>();
  numFree: number;
  minFree: number;
  totalEntries: number;

  constructor(
    readonly prealloc: number,
    /** HASH_SIZE of the kernel modelled. */
    private readonly hashSize: number,
    /** L1_CACHE_SHIFT of the cache-line key. */
    private readonly cachelineShift: number,
    /** WARN_ONCE for more than 7 overlaps (not called for a DMA_ATTR_CPU_CACHE_CLEAN mapping,
     *  commit eca58535b154, 7.0 and 6.18.24). */
    private readonly onOverlapOverflow: (cln: number) => void,
  ) {
    this.numFree = this.totalEntries = this.minFree = prealloc;
  }

  /** dma_entry_alloc's accounting: false when the pool is empty and may not grow. */
  take(canGrow: boolean, onGrow: (total: number) => void): boolean {
    if (this.numFree === 0) {
      if (!canGrow) return false;
      this.numFree += DYNAMIC_ENTRIES;
      this.totalEntries += DYNAMIC_ENTRIES;
      if (this.totalEntries % this.prealloc < DYNAMIC_ENTRIES) onGrow(this.totalEntries);
    }
    this.numFree--;
    if (this.numFree < this.minFree) this.minFree = this.numFree;
    return true;
  }

  cacheline(e: Entry): number {
    return e.pfn * (PAGE_SIZE >> this.cachelineShift) + Math.floor(e.offset / 2 ** this.cachelineShift);
  }

  /** add_dma_entry: into its bucket, and its first cache line into the active set
   *  (active_cacheline_insert; a TO_DEVICE mapping is not tracked). */
  add(e: Entry): AddResult {
    const b = hashOf(e.dev_addr, this.hashSize);
    const list = this.hash.get(b);
    if (list) list.push(e);
    else this.hash.set(b, [e]);
    if (e.direction === DMA_TO_DEVICE) return { eexist: false, overlapCacheClean: false };
    const cln = this.cacheline(e);
    const line = this.cachelines.get(cln);
    if (line === undefined) {
      this.cachelines.set(cln, { overlap: 0, cacheClean: e.is_cache_clean });
      return { eexist: false, overlapCacheClean: false };
    }
    // active_cacheline_set_overlap refuses a count past the 3 tags' 7 and leaves it there.
    if (line.overlap + 1 <= ACTIVE_CACHELINE_MAX_OVERLAP) line.overlap++;
    else if (!e.is_cache_clean) this.onOverlapOverflow(cln);
    return { eexist: true, overlapCacheClean: line.cacheClean };
  }

  /** hash_bucket_del + dma_entry_free */
  remove(e: Entry): void {
    const list = this.hash.get(hashOf(e.dev_addr, this.hashSize))!;
    list.splice(list.indexOf(e), 1);
    this.numFree++;
    if (e.direction === DMA_TO_DEVICE) return;
    const cln = this.cacheline(e);
    const line = this.cachelines.get(cln);
    if (line === undefined) return;
    if (line.overlap - 1 < 0) this.cachelines.delete(cln);
    else line.overlap--;
  }

  /** __hash_bucket_find: best fit by size, type, direction and sg count; several imperfect
   *  matches give no match. */
  private find(bucket: Entry[] | undefined, ref: Entry, containing: boolean): Entry | undefined {
    if (!bucket) return undefined;
    let best: Entry | undefined;
    let bestLvl = -1;
    let matches = 0;
    for (const e of bucket) {
      if (e.dev !== ref.dev) continue;
      if (containing ? !(e.dev_addr <= ref.dev_addr && e.dev_addr + e.size >= ref.dev_addr + ref.size) : e.dev_addr !== ref.dev_addr) continue;
      matches++;
      const lvl = +(e.size === ref.size) + +(e.type === ref.type) + +(e.direction === ref.direction) + +(e.sg_call_ents === ref.sg_call_ents);
      if (lvl === 4) return e;
      if (lvl > bestLvl) {
        bestLvl = lvl;
        best = e;
      }
    }
    return matches === 1 ? best : undefined;
  }

  /** bucket_find_exact */
  findExact(ref: Entry): Entry | undefined {
    return this.find(this.hash.get(hashOf(ref.dev_addr, this.hashSize)), ref, false);
  }

  /** bucket_find_contain: the bucket of the address, then one bucket back at a time. */
  findContaining(ref: Entry): Entry | undefined {
    const limit = Math.min(this.hashSize, Math.floor(ref.dev_addr / 2 ** HASH_FN_SHIFT) + 1);
    for (let i = 0, a = ref.dev_addr; i < limit; i++, a -= 2 ** HASH_FN_SHIFT) {
      const e = this.find(this.hash.get(hashOf(a, this.hashSize)), ref, true);
      if (e) return e;
    }
    return undefined;
  }

  /** The live entries at exactly `addr` (debug_dma_mapping_error's walk). */
  at(addr: DmaAddr): Entry[] {
    return this.hash.get(hashOf(addr, this.hashSize)) ?? [];
  }

  /** device_dma_allocations: how many entries `dev` holds, and the last one found walking the
   *  buckets in index order. */
  ofDevice(dev?: Device): { count: number; last?: Entry } {
    let count = 0;
    let last: Entry | undefined;
    for (const idx of [...this.hash.keys()].sort((a, b) => a - b)) {
      for (const e of this.hash.get(idx)!) {
        if (!dev || e.dev === dev) {
          count++;
          last = e;
        }
      }
    }
    return { count, last };
  }

  /** Every entry with its bucket index, buckets in order (debugfs dump). */
  all(): [number, Entry][] {
    return [...this.hash.keys()].sort((a, b) => a - b).flatMap((idx) => this.hash.get(idx)!.map((e) => [idx, e] as [number, Entry]));
  }
}
