// Copies a driver would program, for the PL330 fuzz target's well-behaved cases: a random CCR
// the configuration accepts (beats no wider than the bus, a burst within the channel's share of
// the MFIFO, a secure channel's protection), source and destination at any byte alignment, a
// DMALP loop of DMALD; DMAST, then DMAWMB; DMASEV; DMAEND as Linux's pl330 driver emits (spec
// pl330 §2.3, §12.2).
// Their result is checkable: the destination must hold the source's bytes.

import type { Random } from "../../random.js";
import { DMAEND, DMAWMB, dmalp, dmalpend, dmamov, dmasev } from "./pl330-generator.js";
import type { FuzzedConfig } from "./pl330-registers.js";

export interface CopyJob {
  program: Uint8Array;
  src: number;
  dst: number;
  bytes: number;
}

/** A copy of `bytes` that fit in [base, base + room) twice over (source, then destination),
 *  whose bursts need at most `share` bytes of MFIFO: channels running at once must not ask for
 *  more than the whole MFIFO between them, or the DMAC may lock up, on silicon too (spec §9). */
export function randomCopy(r: Random, c: FuzzedConfig, base: number, room: number, event: number, share: number): CopyJob {
  const width = c.dataWidthBits / 8;
  const capacity = Math.max(1, share);
  const sizeLog = r.range(0, Math.min(Math.log2(width), Math.floor(Math.log2(capacity))));
  const size = 2 ** sizeLog;
  const len = Math.max(1, Math.min(16, Math.floor(capacity / size), r.range(1, 16)));
  const burst = size * len;
  const loops = r.range(1, Math.max(1, Math.min(256, Math.floor(room / 2 / burst) - 1)));
  const bytes = burst * loops;
  const half = Math.floor(room / 2);
  const src = base + r.int(half - bytes - 16);
  const dst = base + half + r.int(half - bytes - 16);
  const ccr = 1 | (sizeLog << 1) | ((len - 1) << 4) | (1 << 14) | (sizeLog << 15) | ((len - 1) << 18);
  const body = [0x04, 0x08]; // DMALD; DMAST
  const program = [
    ...dmamov(1, ccr), ...dmamov(0, src), ...dmamov(2, dst),
    ...dmalp(0, loops), ...body, ...dmalpend(0, body.length),
    ...DMAWMB, ...(event < c.events ? dmasev(event) : []), ...DMAEND,
  ];
  return { program: Uint8Array.from(program), src, dst, bytes };
}
