// The bug kind unchecked-map-error: a driver that unmaps a streaming mapping without ever
// having called dma_mapping_error on it. DMA-API debug (CONFIG_DMA_API_DEBUG) reports it at
// the unmap ("device driver failed to check map error"); checking before using the address
// is the fix, and draws no report.

import type { System } from "../../system.js";
import { dma_map_single, dma_unmap_single, dma_mapping_error } from "../../dma/mapping.js";
import { DMA_TO_DEVICE } from "../../dma/constants.js";
import type { Defer } from "../teardown.js";
import { kmallocOne } from "../managed-buffers.js";
import { memcpyChannel } from "./memcpy-channel.js";
import type { BugResult } from "./bug-kinds.js";
import { leaveTreeText } from "../../tree-choice.js";

export function uncheckedMapError(s: System, defer: Defer): BugResult {
  const { dev, release } = memcpyChannel(s, defer);
  const buf = kmallocOne(s, 256, defer);
  const va = buf.va;
  const dma = dma_map_single(dev, va, 256, DMA_TO_DEVICE);
  dma_unmap_single(dev, dma, 256, DMA_TO_DEVICE); // never checked
  const report = s.kernel.dma.debug.reports.find((r) => r.includes("failed to check map error")) ?? "";
  const before = s.kernel.dma.debug.reports.length;
  const dma2 = dma_map_single(dev, va, 256, DMA_TO_DEVICE);
  if (!dma_mapping_error(dev, dma2)) dma_unmap_single(dev, dma2, 256, DMA_TO_DEVICE);
  const after = s.kernel.dma.debug.reports.length - before;
  buf.free();
  release();
  return {
    kind: "unchecked-map-error",
    symptom: report ? `DMA-API debug: "${report}"` : uncheckedMapErrorSilence(s),
    fixed: `checking with dma_mapping_error before using the address: ${after} new reports`,
    reproduced: report !== "" && after === 0,
    details: { report },
  };
}

/** Why unchecked-map-error saw no report: only DMA-API debug reports an unchecked mapping, and a
 *  System chosen with --board or a tree has it off unless asked. */
function uncheckedMapErrorSilence(s: System): string {
  return s.kernel.dma.debug.enabled
    ? "no report (DMA-API debug is on)"
    : `no report: DMA-API debug is off on this System, and only it reports an unchecked mapping; add --dma-debug (createSystem({ dmaDebug: true })), or ${leaveTreeText(s)}`;
}
