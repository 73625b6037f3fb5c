// The bug kind mask-overflow: a buffer above the device's DMA mask, mapped with no swiotlb to
// bounce it. dma_map_single either fails (DMA_MAPPING_ERROR, with the kernel's "overflow"
// warning) or, where nothing checks, returns an address the device cannot reach. The fix
// allocates memory the device can reach (dma_alloc_coherent chooses below the mask). Boards and
// kernels that cannot show the bug (all RAM within the mask; a swiotlb that bounces the buffer;
// 4.9 arm64, which always builds a pool) get a symptom that says why.

import type { System } from "../../system.js";
import { GFP_KERNEL } from "../../mm/gfp.js";
import { dma_alloc_coherent, dma_free_coherent, dma_map_single, dma_unmap_single, dma_mapping_error } from "../../dma/mapping.js";
import { DMA_TO_DEVICE, DMA_MAPPING_ERROR } from "../../dma/constants.js";
import type { Defer } from "../teardown.js";
import { kmallocOne } from "../managed-buffers.js";
import { memcpyChannel } from "./memcpy-channel.js";
import type { BugResult } from "./bug-kinds.js";
import { leaveTreeText } from "../../tree-choice.js";

export function maskOverflow(s: System, defer: Defer): BugResult {
  const { dev, release } = memcpyChannel(s, defer);
  const len = 4096;
  const buf = kmallocOne(s, len, defer); // lands above 4 GB on this board
  const va = buf.va;
  const pa = s.kernel.mm.virt_to_phys(va);
  const dma = dma_map_single(dev, va, len, DMA_TO_DEVICE);
  const unmap = defer(() => {
    if (!dma_mapping_error(dev, dma)) dma_unmap_single(dev, dma, len, DMA_TO_DEVICE);
  });
  const warn = s.kernel.printk.grep("overflow")[0] ?? "";
  const low = dma_alloc_coherent(dev, len, GFP_KERNEL); // the fix: memory the device can reach
  if (low) dma_free_coherent(dev, len, low.cpuAddr, low.dmaAddr);
  unmap();
  buf.free();
  release();
  const mask = `0x${(dev.dma_mask ?? 0n).toString(16)}`;
  const hex = (n: number) => `0x${n.toString(16)}`;
  const map = `dma_map_single of a buffer at PA ${hex(pa)} for a device with mask ${mask} returned`;
  const lastRam = s.kernel.mm.ramEnd - 1;
  const beyondMask = BigInt(pa + len - 1) > (dev.dma_mask ?? 0n);
  let symptom: string;
  if (dma === DMA_MAPPING_ERROR) {
    symptom = warn ? `${map} DMA_MAPPING_ERROR: "${warn.replace(/^.*?: /, "")}"` : `${map} DMA_MAPPING_ERROR`;
  } else if (BigInt(lastRam) <= (dev.dma_mask ?? 0n)) {
    // Every buffer is reachable, so there is nothing to overflow: say so rather than report a
    // mapping that worked as if it were the symptom.
    symptom = `this board cannot show the bug: all of its RAM (up to PA ${hex(lastRam)}) is within the device's mask ${mask}; ${leaveTreeText(s)} (arm64-highmem, RAM above 4 GiB, no swiotlb)`;
  } else if (dma !== pa && s.kernel.version === "v4.9") {
    // arch/arm64/mm/init.c mem_init: 4.9 builds a pool whenever RAM extends beyond ZONE_DMA.
    symptom = `${map} ${hex(dma)}, a swiotlb bounce slot: Linux 4.9 cannot show the bug on arm64, whose mem_init always builds a swiotlb pool when RAM extends beyond ZONE_DMA (swiotlb=0 means the default 64 MiB); run it on the modern kernel`;
  } else if (dma !== pa) {
    symptom = `${map} ${hex(dma)}, a swiotlb bounce slot: this System's swiotlb hides the bug; ${leaveTreeText(s)} (arm64-highmem, RAM above 4 GiB, no swiotlb)`;
  } else if (beyondMask) {
    symptom = `${map} ${hex(dma)} unchanged, though its last byte ${hex(pa + len - 1)} is beyond the mask: no error, and the device cannot reach the buffer`;
  } else {
    symptom = `${map} ${hex(dma)}: the buffer happened to land within the mask, so it did not overflow`;
  }
  return {
    kind: "mask-overflow",
    symptom,
    fixed: low ? `dma_alloc_coherent chooses memory below the mask: dma address 0x${low.dmaAddr.toString(16)}` : "dma_alloc_coherent failed too",
    reproduced: (dma === DMA_MAPPING_ERROR || (dma === pa && beyondMask)) && pa > 0xffffffff && !!low && low.dmaAddr + len - 1 <= 0xffffffff,
    details: { bufferPa: pa, mask, message: warn },
  };
}
