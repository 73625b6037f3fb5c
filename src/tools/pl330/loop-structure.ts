// Which loops a listing can write with DMALP / DMALPFE / DMALPEND so that the assembler builds
// the same bytes back (spec pl330 §2.1). The assembler computes a DMALPEND's backward jump from
// the loop it closes: a counted loop's body starts right after its DMALP, a forever loop's body
// at its DMALPFE marker (which emits no byte), loops nest, and a counted loop inside another must
// use the other loop counter. Bytes that do not fit — a loop end jumping anywhere else, a DMALP
// nothing closes, loops that cross — are valid encodings all the same, and are listed as .byte.

/** One decoded instruction: where it is and its bytes. */
export interface LoopInsn {
  offset: number;
  bytes: Uint8Array;
}

export interface LoopStructure {
  /** Indexes of the DMALP and DMALPEND instructions written as loops. */
  paired: Set<number>;
  /** Offset → how many DMALPFE markers go before the instruction there. */
  foreverAt: Map<number, number>;
}

interface Loop {
  end: number;
  /** The DMALP's index; null for a forever loop. */
  open: number | null;
  target: number;
  lc: number;
}

export function isLoopStart(insn: LoopInsn): boolean {
  return insn.bytes.length === 2 && (insn.bytes[0] === 0x20 || insn.bytes[0] === 0x22);
}

/** A DMALPEND with a valid condition; 0x29/0x2B are DMASTP (nf=0, LC0, S/B). */
export function isLoopEnd(insn: LoopInsn): boolean {
  const b0 = insn.bytes[0];
  return insn.bytes.length === 2 && (b0 & 0xe8) === 0x28 && (b0 & 3) !== 2 && b0 !== 0x29 && b0 !== 0x2b;
}

export function loopStructure(insns: LoopInsn[]): LoopStructure {
  const indexAt = new Map(insns.map((insn, i) => [insn.offset, i]));
  const opened = new Set<number>();
  let loops: Loop[] = [];
  insns.forEach((insn, i) => {
    if (!isLoopEnd(insn)) return;
    const b0 = insn.bytes[0];
    const lc = (b0 >> 2) & 1;
    const target = insn.offset - insn.bytes[1];
    if (b0 & 0x10) {
      const open = indexAt.get(target - 2);
      if (open === undefined || !isLoopStart(insns[open]) || ((insns[open].bytes[0] >> 1) & 1) !== lc || opened.has(open)) return;
      opened.add(open);
      loops.push({ end: i, open, target, lc });
    } else if (indexAt.has(target)) {
      loops.push({ end: i, open: null, target, lc });
    }
  });
  for (let bad = firstMisfit(insns, loops); bad; bad = firstMisfit(insns, loops)) loops = loops.filter((l) => l !== bad);
  const paired = new Set<number>();
  const foreverAt = new Map<number, number>();
  for (const l of loops) {
    paired.add(l.end);
    if (l.open === null) foreverAt.set(l.target, (foreverAt.get(l.target) ?? 0) + 1);
    else paired.add(l.open);
  }
  return { paired, foreverAt };
}

/** Runs the assembler's loop stack over the candidate loops; the first one it would refuse. */
function firstMisfit(insns: LoopInsn[], loops: Loop[]): Loop | null {
  const byOpen = new Map(loops.filter((l) => l.open !== null).map((l) => [l.open!, l]));
  const byEnd = new Map(loops.map((l) => [l.end, l]));
  // Forever loops starting at the same place: the one ending last is the outermost.
  const foreverAt = new Map<number, Loop[]>();
  for (const l of loops) if (l.open === null) foreverAt.set(l.target, [...(foreverAt.get(l.target) ?? []), l]);
  for (const ls of foreverAt.values()) ls.sort((a, b) => b.end - a.end);
  const stack: Loop[] = [];
  for (let i = 0; i < insns.length; i++) {
    stack.push(...(foreverAt.get(insns[i].offset) ?? []));
    const open = byOpen.get(i);
    if (open) {
      if (stack.some((l) => l.open !== null && l.lc === open.lc)) return open;
      stack.push(open);
    }
    const end = byEnd.get(i);
    if (end) {
      if (stack[stack.length - 1] !== end) return end;
      stack.pop();
    }
  }
  return null;
}
