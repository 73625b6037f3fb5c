// The checks at dmaengine's client edge for values C's types rule out (src/dma/arguments.ts
// does the same for the DMA API): no channel, a descriptor a failed prep never made, something
// that is not a kernel. Each is a KernelError -EINVAL naming the call, before anything changes,
// instead of a TypeError from deep inside the driver.

import type { Kernel } from "../kernel/kernel.js";
import { checkWhole, invalid } from "../dma/arguments.js";
import { DmaChan, type DmaAsyncTxDescriptor, type DmaSlaveConfig } from "./types.js";

/** `struct dma_chan *`: a channel a request handed out. */
export function checkChan(fn: string, chan: unknown): asserts chan is DmaChan {
  if (!(chan instanceof DmaChan)) invalid(fn, "chan", chan, "a struct dma_chan");
}

/** `struct dma_async_tx_descriptor *`: what a prep call returned; a prep that fails returns
 *  null, which a driver must check before submitting. */
export function checkTx(fn: string, tx: unknown): asserts tx is DmaAsyncTxDescriptor {
  if (typeof (tx as DmaAsyncTxDescriptor | null)?.tx_submit !== "function") {
    invalid(fn, "tx", tx, "a struct dma_async_tx_descriptor (did its prep fail and return null?)");
  }
}

/** The numbers of a dma_slave_config: phys_addr_t, enum dma_slave_buswidth and u32 in C. */
const SLAVE_CONFIG_NUMBERS = [
  "src_addr", "dst_addr", "src_addr_width", "dst_addr_width", "src_maxburst", "dst_maxburst",
  "src_port_window_size", "dst_port_window_size",
] as const;

/** `struct dma_slave_config *`: an object whose given numbers are whole and not negative (a
 *  maxburst of 2.5 would reach the CCR as a burst of 2, a width of 1.5 as 1 byte). */
export function checkSlaveConfig(fn: string, config: unknown): asserts config is DmaSlaveConfig {
  if (config === null || typeof config !== "object") invalid(fn, "config", config, "a struct dma_slave_config");
  const c = config as Record<string, unknown>;
  for (const f of SLAVE_CONFIG_NUMBERS) if (c[f] !== undefined) checkWhole(fn, c[f], `config.${f}`);
}

/** The kernel a capability request searches: a Kernel, or an in-thread System holding one. A
 *  System in a worker (createSystem({ worker: true })) has no kernel objects on this side. */
export function kernelOf(fn: string, owner: unknown): Kernel {
  const o = owner as Partial<Kernel> & { kernel?: Partial<Kernel> } | null;
  if (o && typeof o === "object") {
    if (o.dmaengine) return o as Kernel;
    if (o.kernel?.dmaengine) return o.kernel as Kernel;
  }
  return invalid(fn, "owner", owner, "a System or Kernel in this thread (a worker System's kernel runs driver code only through run())");
}
