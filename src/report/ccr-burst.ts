// A PL330 channel's burst as dmasim's notes word it: "4 beats × 1 byte = 4 bytes (CCR0 0xc0031)",
// decoded from the CCR's peripheral side. Shared by the burst-stall cause of the hang note
// (burst-stall.ts) and the TX FIFO overrun and RX FIFO underrun notes (fifo-burst-excess.ts), so
// that all say a burst alike.

export const hex = (v: number) => "0x" + (v >>> 0).toString(16);
export const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

export interface CcrBurst {
  beats: number;
  beatBytes: number;
  /** beats × beatBytes. */
  bytes: number;
  /** "N beats × M bytes = K bytes (CCRt 0x…)". */
  text: string;
}

/** The burst CCR value `ccr` of thread `t` programs on the peripheral's side (spec pl330 §3):
 *  the destination's (DB [21:18], DS [17:15]) for a write to a peripheral (`toDevice`), the
 *  source's (SB [7:4], SS [3:1]) for a read from one. */
export function ccrBurst(ccr: number, t: number, toDevice: boolean): CcrBurst {
  const beats = toDevice ? ((ccr >>> 18) & 0xf) + 1 : ((ccr >>> 4) & 0xf) + 1;
  const beatBytes = toDevice ? 1 << ((ccr >>> 15) & 7) : 1 << ((ccr >>> 1) & 7);
  const bytes = beats * beatBytes;
  return {
    beats, beatBytes, bytes,
    text: `${plural(beats, "beat")} × ${plural(beatBytes, "byte")} = ${plural(bytes, "byte")} (CCR${t} ${hex(ccr)})`,
  };
}
