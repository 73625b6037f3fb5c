// A client call on a channel whose DMA controller was unbound while the client still held it
// (dma_async_device_unregister marked it). Linux frees the channel with the driver's data at
// unbind (pl330's channels are in its devm-allocated pl330_dmac), so such a call reads freed
// memory: KASAN reports a slab-use-after-free, without KASAN the call runs on whatever the
// memory now holds. dmasim refuses the call before it reaches the driver, and reports it once a
// channel, as KASAN reports its first bug.

import type { DmaChan } from "./types.js";

/** True when the call must be refused (the caller returns its kernel-style failure). */
export function refuseUnregistered(fn: string, chan: DmaChan): boolean {
  if (!chan.unregistered) return false;
  const engine = chan.device.dev.kernel.dmaengine;
  if (!engine.warnedUnregistered.has(chan)) {
    engine.warnedUnregistered.add(chan);
    engine.kernel.printk.warn(
      `WARNING: dmaengine: ${fn} on ${chan.name}, whose controller ${chan.device.dev.name} was unbound while this client held the channel (dmasim): a use-after-free in Linux, which freed the channel at unbind; release DMA channels before their controller's driver is unbound. dmasim refuses the call`,
    );
  }
  return true;
}
