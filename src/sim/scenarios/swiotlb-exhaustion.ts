// The bug kind swiotlb-exhaustion: a driver that maps high buffers for a 32-bit device and never
// unmaps them. Each mapping takes swiotlb bounce slots until the pool is full and
// dma_map_single returns DMA_MAPPING_ERROR ("swiotlb buffer is full"); unmapping the leaked
// mappings frees the slots. A board where the buffer is within the device's mask takes no
// slot, and the symptom says it cannot show the bug.

import type { System } from "../../system.js";
import { dma_map_single, dma_unmap_single, dma_mapping_error } from "../../dma/mapping.js";
import { DMA_TO_DEVICE, DMA_MAPPING_ERROR } from "../../dma/constants.js";
import { phys_to_dma } from "../../dma/dma-address.js";
import type { Defer } from "../teardown.js";
import { kmallocOne } from "../managed-buffers.js";
import { memcpyChannel } from "./memcpy-channel.js";
import type { BugResult } from "./bug-kinds.js";
import { leaveTreeText } from "../../tree-choice.js";

export function swiotlbExhaustion(s: System, defer: Defer): BugResult {
  const { dev, release } = memcpyChannel(s, defer); // a 32-bit DMA mask, RAM above 4 GB: high buffers bounce
  const len = 256 * 1024;
  const buf = kmallocOne(s, len, defer);
  const va = buf.va;
  const mapped: number[] = [];
  const unmapLeaked = defer(() => mapped.forEach((d) => dma_unmap_single(dev, d, len, DMA_TO_DEVICE)));
  let dma = 0;
  let direct = false;
  const tries = 10000;
  for (let i = 0; i < tries; i++) {
    dma = dma_map_single(dev, va, len, DMA_TO_DEVICE);
    if (dma_mapping_error(dev, dma)) break;
    mapped.push(dma); // the bug: mappings are leaked, never unmapped
    // A mapping at the buffer's own address took no bounce slot, and neither will the next.
    direct = dma === phys_to_dma(dev, s.kernel.mm.virt_to_phys(va));
    if (direct) break;
  }
  const full = s.kernel.printk.grep("swiotlb buffer is full")[0] ?? "";
  unmapLeaked();
  const again = dma_map_single(dev, va, len, DMA_TO_DEVICE);
  const recovered = dma_mapping_error(dev, again) === 0;
  if (recovered) dma_unmap_single(dev, again, len, DMA_TO_DEVICE);
  buf.free();
  release();
  const leaked = `after ${mapped.length} leaked ${len / 1024} KiB mappings`;
  let symptom: string;
  if (direct) {
    // The buffer is within the device's mask (or there is no swiotlb): no pool can fill, so say
    // so rather than claim a failure that did not happen.
    symptom = `the leaked 256 KiB mapping took no swiotlb bounce slot (the buffer is within the device's DMA mask): this board cannot show the bug; ${leaveTreeText(s)} (arm64-highmem, RAM above 4 GiB, a 2 MiB swiotlb)`;
  } else if (mapped.length < tries) {
    symptom = full ? `${leaked} the next map returned DMA_MAPPING_ERROR: "${full.replace(/^.*?: /, "")}"` : `${leaked} the next map returned DMA_MAPPING_ERROR`;
  } else {
    symptom = `${leaked} every map still succeeded: the bounce pool never filled`;
  }
  return {
    kind: "swiotlb-exhaustion",
    symptom,
    fixed: `unmapping them frees the slots: the next map ${recovered ? "succeeds" : "still fails"}`,
    reproduced: dma === DMA_MAPPING_ERROR && full !== "" && recovered,
    details: { mappingsBeforeFull: mapped.length, message: full },
  };
}
