// struct dma_pl330_desc and the DMAC's descriptor pool (pl330_get_desc, pluck_desc, add_desc):
// NR_DEFAULT_DESC descriptors made at probe, one more at a time when a prep finds the pool
// empty. A slave_sg or cyclic prep makes one descriptor per segment or period and returns the
// last, which carries the others in `chain` until tx_submit queues them all.

import {
  DMA_CTRL_ACK, DMA_MEM_TO_MEM, DMA_TRANS_NOERROR, type DmaAsyncTxDescriptor, type DmaChan,
  type DmaCookie, type DmaengineResult, type DmaTransferDirection,
} from "../../dmaengine/types.js";
import { KernelBug } from "../../kernel/errno.js";
import { defaultReqConfig, type ReqConfig, type Xfer } from "./program.js";
import type { Pl330Chan } from "./channel.js";

export const NR_DEFAULT_DESC = 16;

/** FREE in the pool, PREP handed to a client, BUSY in a request slot of the thread, PAUSED
 *  killed by a pause while busy, DONE finished by the DMAC and waiting for the tasklet. */
export type DescStatus = "free" | "prep" | "busy" | "paused" | "done";

export class Pl330Desc implements DmaAsyncTxDescriptor {
  cookie: DmaCookie = 0;
  flags = 0;
  chan!: DmaChan;
  callback?: (param: unknown) => void;
  callback_result?: (param: unknown, result: DmaengineResult) => void;
  callback_param?: unknown;
  status: DescStatus = "free";
  bytes_requested = 0;
  px: Xfer = { src_addr: 0, dst_addr: 0, bytes: 0 };
  rqcfg: ReqConfig = defaultReqConfig();
  rqtype: DmaTransferDirection = DMA_MEM_TO_MEM;
  /** The peripheral request line of a slave transfer. */
  peri = 0;
  pchan: Pl330Chan | null = null;
  last = false;
  /** The descriptors prepared before this one in the same prep (slave_sg segments, cyclic
   *  periods), queued ahead of it by tx_submit. */
  chain: Pl330Desc[] = [];
  /** DMA_TRANS_* outcome, for callback_result and tx_status, and the bytes of the transfer
   *  left undone when it failed (the callback's residue). */
  result = DMA_TRANS_NOERROR;
  residue = 0;

  tx_submit(tx: DmaAsyncTxDescriptor): DmaCookie {
    const desc = tx as Pl330Desc;
    if (!desc.pchan) throw new KernelBug("drivers/dma/pl330.c", "tx_submit of a descriptor already given back to the pool");
    return desc.pchan.submit(desc);
  }
}

export class Pl330DescPool {
  /** The pool grows to as many descriptors as were ever out at once (thousands for a copy in
   *  small dma_pool blocks): taken from the front by index and checked for membership in a
   *  Set, so neither a get nor a put walks or moves the whole pool. */
  private free: Pl330Desc[] = [];
  private head = 0;
  private readonly pooled = new Set<Pl330Desc>();

  constructor(count = NR_DEFAULT_DESC) {
    for (let i = 0; i < count; i++) this.put(new Pl330Desc());
  }

  get available(): number {
    return this.free.length - this.head;
  }

  /** pl330_get_desc: a clean descriptor for the channel. */
  get(pch: Pl330Chan): Pl330Desc {
    const desc = this.takeFirst() ?? new Pl330Desc();
    Object.assign(desc, {
      pchan: pch, chan: pch.chan, status: "prep", cookie: 0, flags: DMA_CTRL_ACK, last: false, chain: [],
      callback: undefined, callback_result: undefined, callback_param: undefined, result: DMA_TRANS_NOERROR, residue: 0,
      rqcfg: defaultReqConfig(), rqtype: DMA_MEM_TO_MEM, bytes_requested: 0,
      // A DT-probed DMAC's channel index is its peripheral request line (chan->private).
      peri: pch.peripheralLine,
    });
    return desc;
  }

  put(desc: Pl330Desc): void {
    desc.status = "free";
    desc.pchan = null;
    desc.chain = [];
    if (this.pooled.has(desc)) return;
    this.pooled.add(desc);
    this.free.push(desc);
  }

  private takeFirst(): Pl330Desc | undefined {
    if (this.head === this.free.length) return undefined;
    const desc = this.free[this.head++];
    this.pooled.delete(desc);
    if (this.head * 2 >= this.free.length) {
      this.free = this.free.slice(this.head);
      this.head = 0;
    }
    return desc;
  }
}
