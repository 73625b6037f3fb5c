// An Ethernet-style RX ring, as a NIC driver keeps one: RING buffers of BUF_SIZE bytes from
// kmalloc, each mapped DMA_FROM_DEVICE once at open. A PL330 memcpy channel stands in for the
// MAC: it copies each packet from a coherent "FIFO" buffer into the next ring buffer. The driver's
// receive handler then takes the packet as the variant says and gives the buffer back.
//
//   dmasim run examples/rx-ring/rx-ring.js --board arm64-ref --param variant=sync --param len=1500
//
// variants (the receive handler, per packet of len bytes):
//   sync              dma_sync_single_for_cpu(len), read in place, dma_sync_single_for_device(len)
//   copybreak         sync_for_cpu(len), copy into a fresh skb (kmalloc), sync_for_device(len)
//   unmap-refill      dma_unmap_single(buffer), the buffer goes up the stack, a new one is
//                     kmalloc'ed and dma_map_single'd into the slot (no copybreak)
//   no-sync-for-cpu   the bug: read in place with no sync_for_cpu, then sync_for_device
//   sync-for-device-first  the bug: sync_for_device (give back) before reading, no sync_for_cpu
//
// Packet n, the lap-th through slot n % RING, has byte i = (37 * lap + slot + i) & 0xff: two laps
// of one slot differ in every byte (37 is odd), so a wrong byte the CPU reads that equals an
// earlier lap's packet in that slot is a stale one, still in its caches from that lap.

import {
  withTeardown, coherentBuffer, dma_request_chan_by_mask, dma_release_channel, dma_map_single,
  dma_unmap_single, dma_mapping_error, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_sync_wait,
  dma_sync_single_for_cpu, dma_sync_single_for_device, DMA_MEMCPY, DMA_COMPLETE, DMA_FROM_DEVICE,
  DMA_PREP_INTERRUPT, GFP_KERNEL, KernelError,
} from "dmasim";

export const RING = 64;
export const BUF_SIZE = 2048;
export const VARIANTS = ["sync", "copybreak", "unmap-refill", "no-sync-for-cpu", "sync-for-device-first"];

export function packetByte(n, i) {
  return (37 * Math.floor(n / RING) + (n % RING) + i) & 0xff;
}

/** One receive buffer: kmalloc, then dma_map_single for the device, checked as a driver must. */
function rxBufferAlloc(system, dev) {
  const va = system.kernel.kmalloc(BUF_SIZE, GFP_KERNEL);
  if (!va) throw new KernelError(-12, "kmalloc of an RX buffer failed"); // -ENOMEM
  const dma = dma_map_single(dev, va, BUF_SIZE, DMA_FROM_DEVICE);
  if (dma_mapping_error(dev, dma)) {
    system.kernel.kfree(va);
    throw new KernelError(-12, "dma_map_single of an RX buffer failed");
  }
  return { va, dma };
}

/** The receive handler for the packet of `len` bytes in `slot`: what the stack gets, and the skb
 *  it must free afterwards (0 when the packet was read in place). */
function receive(system, dev, slot, len, variant) {
  switch (variant) {
    case "sync": {
      dma_sync_single_for_cpu(dev, slot.dma, len, DMA_FROM_DEVICE);
      const got = system.cpu.read(slot.va, len);
      dma_sync_single_for_device(dev, slot.dma, len, DMA_FROM_DEVICE);
      return { got, skb: 0 };
    }
    case "copybreak": {
      dma_sync_single_for_cpu(dev, slot.dma, len, DMA_FROM_DEVICE);
      const skb = system.kernel.kmalloc(len, GFP_KERNEL);
      if (!skb) throw new KernelError(-12, "kmalloc of an skb failed");
      system.cpu.copy(skb, slot.va, len);
      dma_sync_single_for_device(dev, slot.dma, len, DMA_FROM_DEVICE);
      return { got: system.cpu.read(skb, len), skb };
    }
    case "unmap-refill": {
      dma_unmap_single(dev, slot.dma, BUF_SIZE, DMA_FROM_DEVICE);
      const skb = slot.va;
      Object.assign(slot, rxBufferAlloc(system, dev));
      return { got: system.cpu.read(skb, len), skb };
    }
    case "no-sync-for-cpu": {
      const got = system.cpu.read(slot.va, len);
      dma_sync_single_for_device(dev, slot.dma, len, DMA_FROM_DEVICE);
      return { got, skb: 0 };
    }
    case "sync-for-device-first":
      dma_sync_single_for_device(dev, slot.dma, len, DMA_FROM_DEVICE);
      return { got: system.cpu.read(slot.va, len), skb: 0 };
  }
}

// The parameters run reads: dmasim refuses any other --param name (a typo would run on a default).
export const params = ["variant", "len", "packets"];

export function run(system, params = {}) {
  const variant = params.variant ?? "sync";
  const len = Number(params.len ?? 1500);
  const packets = Number(params.packets ?? 4 * RING);
  if (!VARIANTS.includes(variant)) throw new TypeError(`variant "${variant}": one of ${VARIANTS.join(", ")}`);
  if (!Number.isInteger(len) || len < 1 || len > BUF_SIZE) throw new TypeError(`len ${params.len}: 1…${BUF_SIZE} bytes`);
  if (!Number.isInteger(packets) || packets < 1) throw new TypeError(`packets ${params.packets}: a whole number ≥ 1`);

  return withTeardown((defer) => {
    const chan = dma_request_chan_by_mask(system, DMA_MEMCPY);
    defer(() => dma_release_channel(chan));
    const dev = chan.device.dev; // the DMAC is the bus master: map for it
    const fifo = coherentBuffer(dev, BUF_SIZE, defer); // the MAC's FIFO

    // ndo_open: the ring, allocated and mapped once; ndo_stop gives back what is in it then
    const ring = [];
    defer(() => ring.forEach((b) => {
      dma_unmap_single(dev, b.dma, BUF_SIZE, DMA_FROM_DEVICE);
      system.kernel.kfree(b.va);
    }));
    for (let i = 0; i < RING; i++) ring.push(rxBufferAlloc(system, dev));

    let driverPs = 0, receivedSum = 0, wrongBytes = 0, staleBytes = 0, badPackets = 0;
    const packet = new Uint8Array(len);
    for (let n = 0; n < packets; n++) {
      const slot = ring[n % RING];
      for (let i = 0; i < len; i++) packet[i] = packetByte(n, i);
      system.cpu.write(fifo.cpuAddr, packet);
      const tx = dmaengine_prep_dma_memcpy(chan, slot.dma, fifo.dmaAddr, len, DMA_PREP_INTERRUPT);
      if (dma_sync_wait(chan, dmaengine_submit(tx)) !== DMA_COMPLETE) throw new Error(`packet ${n}: DMA failed`);

      const t0 = system.now();
      const { got, skb } = receive(system, dev, slot, len, variant);
      driverPs += system.now() - t0;
      if (skb) system.kernel.kfree(skb); // the stack's consume_skb, not the driver's time

      let wrong = 0;
      for (let i = 0; i < len; i++) {
        receivedSum += got[i];
        if (got[i] === packet[i]) continue;
        wrong++;
        for (let m = n - RING; m >= 0; m -= RING) {
          if (got[i] === packetByte(m, i)) { staleBytes++; break; }
        }
      }
      wrongBytes += wrong;
      if (wrong) badPackets++;
    }
    return {
      variant, len, packets, bytesReceived: packets * len, receivedSum, wrongBytes, staleBytes, badPackets,
      driverNsPerPacket: Math.round(driverPs / packets / 1000),
    };
  });
}
