// An Ethernet-style RX ring, as a NIC driver keeps one: RING buffers of BUF_SIZE bytes from
// kmalloc, each mapped DMA_FROM_DEVICE once at open. A PL330 memcpy channel stands in for the
// MAC: it copies each packet from a coherent "FIFO" buffer into the next ring buffer. The driver's
// receive handler then takes the packet as the variant says and gives the buffer back.
//
//   dmasim run examples/rx-ring/rx-ring.js --board arm64-ref --param variant=sync --param len=1500
//
// variants (the receive handler, per packet):
//   sync              dma_sync_single_for_cpu(buffer), read in place, dma_sync_single_for_device
//   copybreak         dma_sync_single_for_cpu(len), copy into a fresh skb (kmalloc), sync_for_device(len)
//   no-sync-for-cpu   the bug: read in place with no sync_for_cpu, then sync_for_device
//   sync-for-device-first  the bug: sync_for_device (give back) before reading, no sync_for_cpu
//
// Packet n, the lap-th through slot n % RING, has byte i = (37 * lap + slot + i) & 0xff: two laps
// of one slot differ in every byte (37 is odd), so a wrong byte the CPU reads that equals an
// earlier lap's packet in that slot is a stale one, still in its caches from that lap.

import {
  withTeardown, coherentBuffer, mapSingle, dma_request_chan_by_mask, dma_release_channel,
  dmaengine_prep_dma_memcpy, dmaengine_submit, dma_sync_wait, dma_sync_single_for_cpu,
  dma_sync_single_for_device, DMA_MEMCPY, DMA_COMPLETE, DMA_FROM_DEVICE, DMA_PREP_INTERRUPT, GFP_KERNEL,
} from "dmasim";

export const RING = 64;
export const BUF_SIZE = 2048;
const VARIANTS = ["sync", "copybreak", "no-sync-for-cpu", "sync-for-device-first"];

export function packetByte(n, i) {
  return (37 * Math.floor(n / RING) + (n % RING) + i) & 0xff;
}

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
    const fifo = coherentBuffer(dev, BUF_SIZE, defer);

    // open: allocate and map the ring once
    const ring = [];
    for (let i = 0; i < RING; i++) {
      const va = system.kernel.kmalloc(BUF_SIZE, GFP_KERNEL);
      if (!va) throw new Error("kmalloc failed");
      defer(() => system.kernel.kfree(va));
      ring.push({ va, dma: mapSingle(dev, va, BUF_SIZE, DMA_FROM_DEVICE, defer).addr });
    }

    let driverPs = 0, wrongBytes = 0, staleBytes = 0, badPackets = 0;
    const packet = new Uint8Array(len);
    for (let n = 0; n < packets; n++) {
      const slot = ring[n % RING];
      // the MAC: the packet arrives in its FIFO and is written into the slot's buffer
      for (let i = 0; i < len; i++) packet[i] = packetByte(n, i);
      system.cpu.write(fifo.cpuAddr, packet);
      const tx = dmaengine_prep_dma_memcpy(chan, slot.dma, fifo.dmaAddr, len, DMA_PREP_INTERRUPT);
      if (dma_sync_wait(chan, dmaengine_submit(tx)) !== DMA_COMPLETE) throw new Error(`packet ${n}: DMA failed`);

      // the driver's receive handler, timed in simulated picoseconds
      const t0 = system.now();
      let got, skb = 0;
      if (variant === "sync") {
        dma_sync_single_for_cpu(dev, slot.dma, BUF_SIZE, DMA_FROM_DEVICE);
        got = system.cpu.read(slot.va, len);
        dma_sync_single_for_device(dev, slot.dma, BUF_SIZE, DMA_FROM_DEVICE);
      } else if (variant === "copybreak") {
        dma_sync_single_for_cpu(dev, slot.dma, len, DMA_FROM_DEVICE);
        skb = system.kernel.kmalloc(len, GFP_KERNEL);
        if (!skb) throw new Error("kmalloc failed");
        system.cpu.copy(skb, slot.va, len); // memcpy into the new skb
        dma_sync_single_for_device(dev, slot.dma, len, DMA_FROM_DEVICE);
        got = system.cpu.read(skb, len); // the stack reads the skb
      } else if (variant === "no-sync-for-cpu") {
        got = system.cpu.read(slot.va, len);
        dma_sync_single_for_device(dev, slot.dma, BUF_SIZE, DMA_FROM_DEVICE);
      } else {
        dma_sync_single_for_device(dev, slot.dma, BUF_SIZE, DMA_FROM_DEVICE);
        got = system.cpu.read(slot.va, len);
      }
      driverPs += system.now() - t0;
      if (skb) system.kernel.kfree(skb); // the stack's consume_skb, not the driver's time

      let wrong = 0;
      for (let i = 0; i < len; i++) {
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
      variant, len, packets, ring: RING, bufSize: BUF_SIZE,
      bytesReceived: packets * len, wrongBytes, staleBytes, badPackets,
      driverPsPerPacket: Math.round(driverPs / packets),
    };
  });
}
