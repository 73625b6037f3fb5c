// A channel's descriptor list (submitted_list, work_list, completed_list: a list_head in
// pl330.c). Descriptors leave from the front as they complete; a JS array's shift or splice(0)
// moves every element behind them, and past a few thousand elements V8 cannot trim the array's
// start in place, so a channel with thousands of descriptors queued (a copy in 64-byte dma_pool
// blocks) paid a copy of the whole list per completion. The list keeps the index of its first
// descriptor instead and drops the removed front only once it is the larger part.

import type { Pl330Desc } from "./desc.js";

/** Front slots left behind before the array is compacted (and at least half of it). */
const COMPACT_AT = 1024;

export class DescList {
  private items: Pl330Desc[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(desc: Pl330Desc): void {
    this.items.push(desc);
  }

  /** list_splice_tail_init: every descriptor of `from` moves to this list's tail, in order. */
  spliceTail(from: DescList): void {
    for (const desc of from) this.items.push(desc);
    from.clear();
  }

  /** The first descriptor, removed; undefined when the list is empty. */
  shift(): Pl330Desc | undefined {
    if (this.head === this.items.length) return undefined;
    const desc = this.items[this.head++];
    this.compact();
    return desc;
  }

  /** Removes, in order, the first `max` descriptors that `pred` takes; the others keep their
   *  order. The walk stops at the last one taken, so a list whose taken descriptors lead costs
   *  only those. */
  take(max: number, pred: (desc: Pl330Desc) => boolean): Pl330Desc[] {
    const items = this.items;
    const taken: Pl330Desc[] = [];
    const kept: Pl330Desc[] = [];
    let i = this.head;
    let end = this.head;
    for (; i < items.length && taken.length < max; i++) {
      const desc = items[i];
      if (pred(desc)) {
        taken.push(desc);
        end = i + 1;
      } else kept.push(desc);
    }
    // The kept ones walked before the last taken one close up against the rest of the list.
    kept.length -= i - end;
    this.head = end - kept.length;
    for (let k = 0; k < kept.length; k++) items[this.head + k] = kept[k];
    this.compact();
    return taken;
  }

  /** Empties the list, returning its descriptors in order. */
  takeAll(): Pl330Desc[] {
    const all = this.items.slice(this.head);
    this.clear();
    return all;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }

  *[Symbol.iterator](): IterableIterator<Pl330Desc> {
    // An index into items, not a copy: the walk sees pushes made during it, as a list walk does.
    for (let i = this.head; i < this.items.length; i++) yield this.items[i];
  }

  private compact(): void {
    if (this.head >= COMPACT_AT && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
