// A video line-processing loop on a frame the PL330 fills: the question "why is my coherent
// frame buffer slow?" as a scenario module. Each frame, a PL330 memcpy channel stands in for the
// capture DMA (copying the sensor's frame into the frame buffer); the CPU then walks the frame
// line by line: it reads the line, thresholds its luma (YUYV: every even byte) and writes the
// result line into an output frame of ordinary cached kmalloc memory.
//
//   dmasim run examples/frame-buffer/frame-buffer.mjs --param kind=coherent
//   dmasim sweep examples/frame-buffer/frame-buffer.mjs --param kind=coherent,noncoherent,streaming --param width=320,640,1280
//
// kinds (the frame buffer the DMA writes and the CPU reads):
//   coherent     dma_alloc_coherent: no syncs, but the CPU reads it uncached (Normal-NC on arm64,
//                BUFFERABLE on ARMv7)
//   noncoherent  dma_alloc_noncoherent(DMA_FROM_DEVICE): cacheable pages; the driver gives the
//                frame to the device with dma_sync_single_for_device and takes it back with
//                dma_sync_single_for_cpu (4.9: the same uncached buffer as coherent)
//   streaming    kmalloc'ed once, dma_map_single(DMA_FROM_DEVICE) before each frame and
//                dma_unmap_single after it (the unmap is the sync for the CPU)
//
// params: kind (default coherent), width (pixels, default 1280), height (lines, default 720),
// frames (default 2; the figures are the last frame's, the first one's allocation and cold
// caches aside), cycles (CPU cycles of arithmetic per pixel, default 2: the loop's loads and
// stores are timed by the caches, its arithmetic by these cycles), threshold (default 128).
//
// The sensor's frame f has byte i = (i + 3 * f) & 0xff (or 0x80 for chroma): each frame differs
// in every luma byte from the one before, so a line read from stale cache lines shows up in
// `wrongLines`.

import {
  withTeardown, coherentBuffer, dma_request_chan_by_mask, dma_release_channel, dma_alloc_noncoherent,
  dma_free_noncoherent, dma_map_single, dma_unmap_single, dma_mapping_error, dma_sync_single_for_cpu,
  dma_sync_single_for_device, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_sync_wait,
  DMA_MEMCPY, DMA_COMPLETE, DMA_FROM_DEVICE, DMA_TO_DEVICE, DMA_PREP_INTERRUPT, GFP_KERNEL, KernelError,
} from "dmasim";

export const KINDS = ["coherent", "noncoherent", "streaming"];
const BYTES_PER_PIXEL = 2; // YUYV 4:2:2
const ENOMEM = -12;

/** Byte i of the sensor's frame f. */
export function sensorByte(f, i) {
  return i % 2 === 0 ? (i + 3 * f) & 0xff : 0x80;
}

/** The line loop's result for one line: luma at or above the threshold → 0xff, else 0. */
export function processLine(line, threshold) {
  const out = new Uint8Array(line.length / 2);
  for (let p = 0; p < out.length; p++) out[p] = line[2 * p] >= threshold ? 0xff : 0;
  return out;
}

function whole(name, value, min) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new TypeError(`${name} ${value}: a whole number ≥ ${min}`);
  return n;
}

/** The frame buffer of `kind` for `size` bytes, with the driver's per-frame calls around the DMA:
 *  toDevice() before it starts, toCpu() once it has completed. Freed by `defer`. */
function frameBuffer(system, dev, kind, size, defer) {
  if (kind === "coherent") {
    const b = coherentBuffer(dev, size, defer);
    return { cpuAddr: b.cpuAddr, dmaAddr: () => b.dmaAddr, toDevice() {}, toCpu() {} };
  }
  if (kind === "noncoherent") {
    const b = dma_alloc_noncoherent(dev, size, DMA_FROM_DEVICE, GFP_KERNEL);
    if (!b) throw new KernelError(ENOMEM, `dma_alloc_noncoherent of ${size} bytes failed`);
    defer(() => dma_free_noncoherent(dev, size, b.cpuAddr, b.dmaAddr, DMA_FROM_DEVICE));
    return {
      cpuAddr: b.cpuAddr, dmaAddr: () => b.dmaAddr,
      toDevice: () => dma_sync_single_for_device(dev, b.dmaAddr, size, DMA_FROM_DEVICE),
      toCpu: () => dma_sync_single_for_cpu(dev, b.dmaAddr, size, DMA_FROM_DEVICE),
    };
  }
  const va = system.kernel.kmalloc(size, GFP_KERNEL);
  if (!va) throw new KernelError(ENOMEM, `kmalloc of ${size} bytes failed`);
  defer(() => system.kernel.kfree(va));
  let dma = -1;
  defer(() => { if (dma !== -1) dma_unmap_single(dev, dma, size, DMA_FROM_DEVICE); });
  return {
    cpuAddr: va, dmaAddr: () => dma,
    toDevice() {
      dma = dma_map_single(dev, va, size, DMA_FROM_DEVICE);
      if (dma_mapping_error(dev, dma)) { dma = -1; throw new KernelError(ENOMEM, "dma_map_single of the frame failed"); }
    },
    toCpu() {
      dma_unmap_single(dev, dma, size, DMA_FROM_DEVICE);
      dma = -1;
    },
  };
}

// The parameters run reads: dmasim refuses any other --param name (a typo would run on a default).
export const params = ["kind", "width", "height", "frames", "cycles", "threshold"];

export function run(system, params = {}) {
  const kind = params.kind ?? "coherent";
  if (!KINDS.includes(kind)) throw new TypeError(`kind "${kind}": one of ${KINDS.join(", ")}`);
  const width = whole("width", params.width ?? 1280, 2);
  if (width % 2) throw new TypeError(`width ${width}: YUYV pixels come in pairs, an even number`);
  const height = whole("height", params.height ?? 720, 1);
  const frames = whole("frames", params.frames ?? 2, 1);
  const cycles = whole("cycles", params.cycles ?? 2, 0);
  const threshold = whole("threshold", params.threshold ?? 128, 0);
  const stride = width * BYTES_PER_PIXEL, size = stride * height;
  const cpu = system.machine.cpu;

  return withTeardown((defer) => {
    const chan = dma_request_chan_by_mask(system, DMA_MEMCPY);
    defer(() => dma_release_channel(chan));
    const dev = chan.device.dev; // the DMAC is the bus master: allocate and map for it

    // the sensor: a cached kmalloc frame the CPU writes and maps DMA_TO_DEVICE for each frame
    const sensor = system.kernel.kmalloc(size, GFP_KERNEL);
    if (!sensor) throw new KernelError(ENOMEM, `kmalloc of the ${size}-byte sensor frame failed`);
    defer(() => system.kernel.kfree(sensor));
    const out = system.kernel.kmalloc(width * height, GFP_KERNEL);
    if (!out) throw new KernelError(ENOMEM, `kmalloc of the ${width * height}-byte output frame failed`);
    defer(() => system.kernel.kfree(out));
    const fb = frameBuffer(system, dev, kind, size, defer);

    const sent = new Uint8Array(size);
    let last;
    for (let f = 0; f < frames; f++) {
      for (let i = 0; i < size; i++) sent[i] = sensorByte(f, i);
      system.cpu.write(sensor, sent);
      const src = dma_map_single(dev, sensor, size, DMA_TO_DEVICE);
      if (dma_mapping_error(dev, src)) throw new KernelError(ENOMEM, "dma_map_single of the sensor frame failed");

      // each phase a slice on the trace's CPU track (--trace), its value the frame's bytes
      const span = (name, fn) => system.kernel.tracer.span(`frame ${f}: ${name}`, fn, size);
      const t0 = system.now(), maint0 = system.kernel.dma.time.maintenancePs;
      span("sync for device", () => fb.toDevice());
      const t1 = system.now();
      span("PL330 fills the frame", () => {
        const tx = dmaengine_prep_dma_memcpy(chan, fb.dmaAddr(), src, size, DMA_PREP_INTERRUPT);
        if (dma_sync_wait(chan, dmaengine_submit(tx)) !== DMA_COMPLETE) throw new Error(`frame ${f}: the DMA did not complete`);
      });
      const t2 = system.now();
      span("sync for CPU", () => fb.toCpu());
      const t3 = system.now();
      dma_unmap_single(dev, src, size, DMA_TO_DEVICE);

      let wrongLines = 0, whitePixels = 0;
      const t4 = system.now();
      span("process lines", () => {
        for (let y = 0; y < height; y++) {
          const line = system.cpu.read(fb.cpuAddr + y * stride, stride);
          const result = processLine(line, threshold);
          cpu.spend(cycles * width);
          system.cpu.write(out + y * width, result);
          for (let i = 0; i < stride; i++) if (line[i] !== sent[y * stride + i]) { wrongLines++; break; }
          for (const v of result) if (v) whitePixels++;
        }
      });
      const t5 = system.now();
      last = {
        dmaPs: t2 - t1, syncPs: t1 - t0 + (t3 - t2), processPs: t5 - t4,
        maintenancePs: system.kernel.dma.time.maintenancePs - maint0, wrongLines, whitePixels,
      };
    }

    const framePs = last.syncPs + last.dmaPs + last.processPs;
    const us = (ps) => Math.round(ps / 1e4) / 100;
    return {
      kind, width, height, frames, frameBytes: size,
      dmaUs: us(last.dmaPs), syncUs: us(last.syncPs), processUs: us(last.processPs), frameUs: us(framePs),
      processNsPerLine: Math.round(last.processPs / height / 1e3),
      processMBps: Math.round((size / (last.processPs / 1e12)) / 1e5) / 10,
      fps: Math.round(1e13 / framePs) / 10,
      wrongLines: last.wrongLines, whitePixels: last.whitePixels,
    };
  });
}
