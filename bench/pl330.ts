// PL330 memcpy: simulated bytes moved per host second, for a 1 MiB copy through the whole
// stack (dmaengine → pl330 driver → microcode → the timed PL330 model), beside a host memcpy
// (TypedArray.set) of the same size; and for a 64 MiB copy in 16 × 8 B bursts run as a bare
// PL330 program on the timed model, beside one host copyWithin of 64 MiB.

import { createSystem } from "../src/create.js";
import { GFP_KERNEL } from "../src/mm/gfp.js";
import { dma_alloc_coherent } from "../src/dma/mapping.js";
import { dma_request_chan_by_mask, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_sync_wait } from "../src/dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_MEMCPY, DMA_PREP_INTERRUPT } from "../src/dmaengine/types.js";
import type { BenchTask } from "./suite.js";
import { BarePl330, interpProgram } from "./pl330-bare.js";

const MiB = 1 << 20;

export async function pl330Benchmarks(): Promise<BenchTask[]> {
  const system = await createSystem({ board: "zynq-7000" });
  const chan = dma_request_chan_by_mask(system, DMA_MEMCPY);
  const dev = chan.device.dev;
  const a = dma_alloc_coherent(dev, MiB, GFP_KERNEL)!;
  const b = dma_alloc_coherent(dev, MiB, GFP_KERNEL)!;
  const copy = () => {
    const tx = dmaengine_prep_dma_memcpy(chan, b.dmaAddr, a.dmaAddr, MiB, DMA_PREP_INTERRUPT)!;
    if (dma_sync_wait(chan, dmaengine_submit(tx)) !== DMA_COMPLETE) throw new Error("memcpy failed");
  };
  const src = new Uint8Array(MiB).map((_, i) => i * 7);
  const dst = new Uint8Array(MiB);
  let bare: BarePl330 | undefined;
  const big = new Uint8Array(128 * MiB);
  return [
    {
      name: "pl330.memcpy64M",
      setup: async () => {
        if (bare) return;
        bare = await BarePl330.create(160 * MiB);
        const pattern = new Uint8Array(64 * MiB).map((_, i) => (i * 131) >>> 3);
        bare.m.backdoor.write(0, pattern);
        bare.load(144 * MiB, interpProgram(16, 0, 64 * MiB));
        bare.run(144 * MiB);
        const out = bare.m.backdoor.read(64 * MiB, 64 * MiB);
        if (out.some((b, i) => b !== pattern[i])) throw new Error("pl330.memcpy64M: the copy is wrong");
      },
      fn: () => {
        bare!.run(144 * MiB);
      },
      metrics: (ms) => ({ "pl330.memcpy64M.simBytesPerSec": (64 * MiB) / (ms / 1000) }),
    },
    {
      name: "host.memcpy64M",
      fn: () => {
        big.copyWithin(64 * MiB, 0, 64 * MiB);
      },
      metrics: (ms) => ({ "host.memcpy64M.bytesPerSec": (64 * MiB) / (ms / 1000) }),
    },
    {
      name: "pl330.memcpy1M",
      fn: copy,
      metrics: (ms) => ({ "pl330.memcpy1M.simBytesPerSec": MiB / (ms / 1000) }),
    },
    {
      name: "host.memcpy1M",
      fn: () => dst.set(src),
      metrics: (ms) => ({ "host.memcpy1M.bytesPerSec": MiB / (ms / 1000) }),
    },
  ];
}
