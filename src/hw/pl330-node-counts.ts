// The channel and request counts a PL330 node gives: the binding's `#dma-channels` and
// `#dma-requests` (or the older `dma-channels` / `dma-requests`). A DMA-330 has 1 to 8 channel
// threads and up to 32 peripheral request interfaces (spec pl330 §1). Linux's pl330 reads its
// counts from CR0 and never these properties, so a tree Linux boots may carry any value: one no
// DMA-330 can have is not used, and the board says so instead of building on it silently.

import type { DeviceNode } from "../of/node.js";

const MAX_CHANNELS = 8;
const MAX_REQUESTS = 32;

export interface Pl330NodeCounts {
  /** Channel threads the node gives, if it gives a count a DMA-330 can have. */
  channels?: number;
  /** Peripheral request lines the node gives, likewise. */
  requests?: number;
  /** One sentence per count given that no DMA-330 has (and that was not used). */
  ignored: string[];
}

/** The node's value of `#name`, else of the older `name`, with the property's spelling. */
function countProperty(node: DeviceNode, name: string): { property: string; value: number } | undefined {
  for (const property of [`#${name}`, name]) {
    const value = node.u32(property);
    if (value !== undefined) return { property, value };
  }
  return undefined;
}

export function pl330NodeCounts(node: DeviceNode): Pl330NodeCounts {
  const counts: Pl330NodeCounts = { ignored: [] };
  const ch = countProperty(node, "dma-channels");
  if (ch && ch.value >= 1 && ch.value <= MAX_CHANNELS) counts.channels = ch.value;
  else if (ch) counts.ignored.push(`${node.path}: ${ch.property} = <${ch.value}> not used: a DMA-330 has 1 to ${MAX_CHANNELS} channel threads`);
  const rq = countProperty(node, "dma-requests");
  if (rq && rq.value <= MAX_REQUESTS) counts.requests = rq.value;
  else if (rq) counts.ignored.push(`${node.path}: ${rq.property} = <${rq.value}> not used: a DMA-330 has at most ${MAX_REQUESTS} peripheral request lines`);
  return counts;
}
