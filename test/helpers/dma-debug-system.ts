// A Zynq system with DMA-API debugging on, and names its reports use (test/dma/debug*.test.ts).

import { createSystem } from "../../src/create.js";
import type { System, SystemOptions } from "../../src/system.js";
import type { DmaDebugOptions } from "../../src/dma/debug.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";

export const ZDMAC = "f8003000.dma-controller";
export const ADMAC = "ff6e0000.dma-controller";
/** The prefix of a modern kernel's report about the Zynq PL330. */
export const P = "DMA-API: dma-pl330 f8003000.dma-controller: ";
/** An address as dma-debug prints it (%pad on a 64-bit dma_addr_t). */
export const a16 = (n: number) => "0x" + n.toString(16).padStart(16, "0");

export async function sys(debug: DmaDebugOptions = { allErrors: true }, o: SystemOptions & { worker?: false } = {}): Promise<System> {
  return createSystem({ board: "zynq-7000", dmaDebug: { enabled: true, ...debug }, ...o });
}

/** A kmalloc'd buffer: its virtual and physical address. */
export function buffer(s: System, n = 64): { va: number; pa: number } {
  const va = s.kernel.kmalloc(n, GFP_KERNEL);
  return { va, pa: s.kernel.mm.virt_to_phys(va) };
}
