// The bug kinds: their names, what each one's result tells, and the System each needs when the
// user names no board (bugSystem). The bugs themselves are bugs.ts and the files it names.

import type { SystemOptions } from "../../system.js";
import type { ScenarioParams } from "../scenarios.js";
import { wrongRequestLineVariant, wrongRequestLineOnto } from "./wrong-request-line.js";
import { uartTxSystem } from "./uart-tx.js";
import { BURST_THRESHOLD_BYTES } from "./burst-larger-than-fifo-threshold.js";
import { adcRxSystem } from "./adc-rx.js";
import { DMA_COHERENT_ON_NONCOHERENT_PORT_VARIANT } from "./dma-coherent-on-noncoherent-port.js";

export const BUG_KINDS = [
  "missing-sync", "invalidate-only-before", "coherent-read", "swiotlb-exhaustion", "mask-overflow", "unchecked-map-error",
  "mmap-cacheable", "gup-missing-unmap", "gup-missing-write", "dma-ranges", "poll-irqs-off",
  "wrong-request-line", "burst-on-single-requests", "burst-larger-than-fifo-threshold",
  "rx-burst-larger-than-fifo-level",
  "dma-coherent-on-noncoherent-port", "rx-buffer-shares-cache-line",
] as const;
export type BugKind = (typeof BUG_KINDS)[number];

export interface BugResult {
  kind: BugKind;
  /** What the driver writer sees when the bug bites. */
  symptom: string;
  /** The same measurement with the bug fixed. */
  fixed: string;
  /** True when the bug showed (and the fix removed it). */
  reproduced: boolean;
  details: Record<string, number | string>;
}

/** The System each bug needs when the user names no board; `given` is what the user did choose
 *  (a kernel), which some kinds need to know. */
export function bugSystem(params: ScenarioParams, given: Pick<SystemOptions, "kernel"> = {}): Omit<SystemOptions, "worker"> {
  switch (params.kind as BugKind) {
    case "invalidate-only-before":
      // 4.9 invalidates FROM_DEVICE buffers at map time; the A53's prefetcher is on.
      return { board: "arm64-ref", kernel: "v4.9" };
    case "swiotlb-exhaustion":
      return { board: "arm64-highmem", swiotlb: { size: 2 << 20 } };
    case "mask-overflow":
      // 4.9 arm64 cannot boot this board without a bounce pool (kernel/swiotlb-init.ts): it runs
      // with the pool its mem_init builds, and the symptom says why nothing overflowed.
      return given.kernel === "v4.9" ? { board: "arm64-highmem" } : { board: "arm64-highmem", swiotlb: { size: 0 } };
    case "unchecked-map-error":
      return { board: "zynq-7000", dmaDebug: true };
    case "dma-ranges":
      return { board: "arm64-dma-offset" };
    case "wrong-request-line":
      return { variant: wrongRequestLineVariant(wrongRequestLineOnto(params.onto)) };
    case "burst-larger-than-fifo-threshold":
      // The Zynq UART's TX FIFO raising burst requests of 8 bytes, as uart-tx's burst=8 shapes it.
      return uartTxSystem({ burst: BURST_THRESHOLD_BYTES });
    case "rx-burst-larger-than-fifo-level":
      // The Zynq UART's RX stream as adc-rx shapes it: 2-byte samples, burst requests at 8 (16 bytes).
      return adcRxSystem({});
    case "dma-coherent-on-noncoherent-port":
      // arm64-ref with dma-coherent on its PL330, whose port does not snoop (dmasim,port-coherent).
      return { variant: DMA_COHERENT_ON_NONCOHERENT_PORT_VARIANT };
    default:
      return { board: "zynq-7000" };
  }
}
