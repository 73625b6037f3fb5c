// CPU port: single 32-bit loads through the kernel's CPU interface (JS → wasm, TLB, L1), in
// batches of 10,000 per sample so the timer does not dominate.

import { createSystem } from "../src/create.js";
import { GFP_KERNEL } from "../src/mm/gfp.js";
import type { BenchTask } from "./suite.js";

const BATCH = 10_000;

export async function cpuBenchmarks(): Promise<BenchTask[]> {
  const system = await createSystem({ board: "zynq-7000" });
  const cpu = system.machine.cpu;
  const buf = system.kernel.kmalloc(16384, GFP_KERNEL);
  cpu.fill(buf, 1, 16384);
  return [
    {
      name: "cpu.accesses",
      fn: () => {
        for (let i = 0; i < BATCH; i++) cpu.load(buf + ((i * 4) & 16383), 4);
      },
      metrics: (ms) => ({ "cpu.accessesPerSec": BATCH / (ms / 1000) }),
    },
  ];
}
