// The receive path of a driver with a DMA bug, as docs/debugging-a-driver.md walks it: at open
// the driver kmallocs one receive buffer and maps it DMA_FROM_DEVICE once; for every frame the
// device writes the buffer (a PL330 memcpy from a coherent buffer stands in for it) and the
// driver reads it. The buffer is reused, so each read needs dma_sync_single_for_cpu first, and
// the next transfer dma_sync_single_for_device (spec dma-api: the streaming API's ownership).
//
//   dmasim run examples/debugging/mydrv.mjs                  # the bug: stale bytes from frame 1 on
//   dmasim run examples/debugging/mydrv.mjs --param sync=for-cpu --dma-debug
//
// sync (what the driver does around each frame):
//   none        the bug: it reads the buffer and starts the next transfer with no syncs at all
//   for-cpu     the fix: dma_sync_single_for_cpu before reading, dma_sync_single_for_device
//               before the next transfer, both DMA_FROM_DEVICE as the buffer was mapped
//   to-device   the fix typed wrong: the same calls with DMA_TO_DEVICE, which the CPU-side sync
//               skips (nothing to invalidate for a buffer the device only reads) and DMA-API
//               debug reports
// frames (default 3), len (bytes, default 4096), dmesg (1: print the kernel log lines the run
// added, on stderr, as `dmesg` would show them).
//
// Frame f has byte i = (i + 37 * f) & 0xff: two frames differ in every byte (37 is odd and
// frames < 256), so a byte the CPU reads that equals an earlier frame's is a stale one.

import {
  withTeardown, coherentBuffer, kmallocBuffers, mapSingle, dma_request_chan_by_mask,
  dma_release_channel, dma_sync_single_for_cpu, dma_sync_single_for_device,
  dmaengine_prep_dma_memcpy, dmaengine_submit, dma_sync_wait,
  DMA_MEMCPY, DMA_COMPLETE, DMA_FROM_DEVICE, DMA_TO_DEVICE, DMA_PREP_INTERRUPT,
} from "dmasim";

export const SYNCS = ["none", "for-cpu", "to-device"];

/** Byte i of frame f, as the device sends it. */
export function frameByte(f, i) {
  return (i + 37 * f) & 0xff;
}

function whole(name, value, min, max) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new TypeError(`${name} ${value}: a whole number in ${min}…${max}`);
  return n;
}

/** The device: writes frame f into the receive buffer at `dst`, through a PL330 memcpy. */
function deviceWrites(system, chan, fifo, dst, f, len) {
  const frame = new Uint8Array(len).map((_, i) => frameByte(f, i));
  system.cpu.write(fifo.cpuAddr, frame);
  const tx = dmaengine_prep_dma_memcpy(chan, dst, fifo.dmaAddr, len, DMA_PREP_INTERRUPT);
  if (!tx) throw new Error(`frame ${f}: dmaengine_prep_dma_memcpy of ${len} bytes failed`);
  if (dma_sync_wait(chan, dmaengine_submit(tx)) !== DMA_COMPLETE) throw new Error(`frame ${f}: the DMA did not complete`);
  return frame;
}

/** Bytes of `got` that differ from frame f, and those of them an earlier frame had there. */
function compare(got, f) {
  let wrong = 0, stale = 0;
  for (let i = 0; i < got.length; i++) {
    if (got[i] === frameByte(f, i)) continue;
    wrong++;
    for (let e = 0; e < f; e++) if (got[i] === frameByte(e, i)) { stale++; break; }
  }
  return { wrong, stale };
}

// The parameters run reads: dmasim refuses any other --param name (a typo would run on a default).
export const params = ["sync", "frames", "len", "dmesg"];

export function run(system, params = {}) {
  const sync = params.sync ?? "none";
  if (!SYNCS.includes(sync)) throw new TypeError(`sync "${sync}": one of ${SYNCS.join(", ")}`);
  const frames = whole("frames", params.frames ?? 3, 1, 255);
  const len = whole("len", params.len ?? 4096, 1, 1 << 20);
  const dir = sync === "to-device" ? DMA_TO_DEVICE : DMA_FROM_DEVICE;
  const logBefore = system.dmesg(); // the kernel log as the run finds it

  const result = withTeardown((defer) => {
    const chan = dma_request_chan_by_mask(system, DMA_MEMCPY);
    defer(() => dma_release_channel(chan));
    const dev = chan.device.dev; // the DMAC is the bus master: map for it
    const fifo = coherentBuffer(dev, len, defer); // what the device sends from

    // open: one receive buffer, mapped once
    const { vas: [buf] } = kmallocBuffers(system, [len], defer);
    const rx = mapSingle(dev, buf, len, DMA_FROM_DEVICE, defer);

    let wrongBytes = 0, staleBytes = 0, badFrames = 0, cacheBeforeRead;
    for (let f = 0; f < frames; f++) {
      if (f > 0 && sync !== "none") dma_sync_single_for_device(dev, rx.addr, len, dir); // give it back
      system.kernel.tracer.span(`frame ${f}: DMA`, () => deviceWrites(system, chan, fifo, rx.addr, f, len), len);
      if (sync !== "none") dma_sync_single_for_cpu(dev, rx.addr, len, dir); // take it back
      // What the CPU's caches hold over the buffer now (untimed, changes nothing).
      cacheBeforeRead = system.machine.backdoor.cacheLineSummary(buf, len);
      const got = system.kernel.tracer.span(`frame ${f}: read`, () => system.cpu.read(buf, len), len);
      const { wrong, stale } = compare(got, f);
      wrongBytes += wrong;
      staleBytes += stale;
      if (wrong) badFrames++;
    }
    return { sync, frames, len, wrongBytes, staleBytes, badFrames, cacheBeforeRead };
  });

  if (params.dmesg) {
    const log = system.dmesg();
    const added = log.startsWith(logBefore) ? log.slice(logBefore.length) : log; // all, if the ring wrapped
    if (added.trim()) console.error(added.replace(/^\n/, ""));
  }
  return result;
}
