// /sys/class/dma (drivers/dma/dmaengine.c): a dma<N>chan<M> entry per registered channel, with
// its in_use count and the memcpy_count/bytes_transferred statistics, which nothing in Linux's
// dmaengine core updates any more (only the removed dma_async_memcpy_* helpers did): 0 there
// and here.

import type { Kernel } from "../kernel/kernel.js";

export interface DmaChannelInfo {
  /** "dma0chan0" */
  name: string;
  /** The DMA controller's device, e.g. "f8003000.dma-controller". */
  device: string;
  /** chan->client_count. */
  in_use: number;
  memcpy_count: number;
  bytes_transferred: number;
  /** The client device that requested the channel by name, if any (the "slave" link). */
  slave?: string;
}

export const CHANNEL_ATTRIBUTES = ["bytes_transferred", "in_use", "memcpy_count"] as const;

export function sysClassDma(kernel: Kernel): DmaChannelInfo[] {
  return kernel.dmaengine.devices.flatMap((d) =>
    d.channels.map((c) => ({
      name: c.name,
      device: d.dev.name,
      in_use: c.client_count,
      memcpy_count: 0,
      bytes_transferred: 0,
      ...(c.slave ? { slave: c.slave.name } : {}),
    })),
  );
}
