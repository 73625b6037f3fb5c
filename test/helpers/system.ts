// Booted systems for kernel-level tests.

import { createSystem } from "../../src/create.js";
import type { System, SystemOptions } from "../../src/system.js";

export async function zynq(): Promise<System> {
  return createSystem({ board: "zynq-7000" });
}

export async function arm64(): Promise<System> {
  return createSystem({ board: "arm64-ref" });
}

export const ZYNQ_DMAC = "f8003000.dma-controller";
export const ARM64_DMAC = "ff6e0000.dma-controller";

/** Runs `body` on a System booted with `options`, and disposes of it however the body ends. */
export async function withSystem(options: SystemOptions & { worker?: false }, body: (s: System) => void | Promise<void>): Promise<void> {
  const system = await createSystem(options);
  try {
    await body(system);
  } finally {
    system.dispose();
  }
}
