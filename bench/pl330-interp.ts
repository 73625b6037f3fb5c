// PL330 instruction rate: the program of ../shared/anchors/c/interp.c in real DMA-330 encodings
// on the timed model (16-beat: a 64 MiB copy; 1-beat: dispatch-bound), beside the C program's
// own rates measured in the same run (bench/anchors.ts).

import { BarePl330, interpProgram } from "./pl330-bare.js";
import { runAnchor, anchorRate } from "./anchors.js";
import type { BenchTask } from "./suite.js";

const PROG = 0x0c000000; // above the 128 MiB the copies use

/** The C program's destination checksum: sum of the 32-bit words at 64..128 MiB. */
function checksum(b: BarePl330): number {
  let s = 0;
  const chunk = 4 << 20;
  for (let off = 64 << 20; off < 128 << 20; off += chunk) {
    const w = new Uint32Array(b.m.backdoor.read(off, chunk).buffer);
    for (let i = 0; i < w.length; i++) s = (s + w[i]) >>> 0;
  }
  return s;
}

async function machineFor(beats: 16 | 1): Promise<{ b: BarePl330; insns: number }> {
  const b = await BarePl330.create();
  // The C program's source: word k of the first 64 MiB is k × 0x9E3779B1.
  const chunk = 4 << 20;
  for (let off = 0; off < 64 << 20; off += chunk) {
    const w = new Uint32Array(chunk / 4);
    for (let i = 0; i < w.length; i++) w[i] = Math.imul(off / 4 + i, 0x9e3779b1) >>> 0;
    b.m.backdoor.write(off, new Uint8Array(w.buffer));
  }
  b.load(PROG, interpProgram(beats));
  const insns = b.run(PROG);
  // Same check value as interp.c prints (sum of the destination words after the copy).
  const want = beats === 16 ? 662700032 : 846725120;
  if (checksum(b) !== want) throw new Error(`pl330 interp ${beats}-beat: destination checksum differs from interp.c's`);
  return { b, insns };
}

export async function pl330InterpBenchmarks(): Promise<BenchTask[]> {
  const tasks: BenchTask[] = [];
  for (const beats of [16, 1] as const) {
    let m: { b: BarePl330; insns: number } | undefined;
    tasks.push({
      name: `pl330.insnPerSec.burst${beats}`,
      setup: async () => {
        m ??= await machineFor(beats);
      },
      fn: () => {
        m!.b.run(PROG);
      },
      metrics: (ms) => ({ [`pl330.insnPerSec.burst${beats}`]: m!.insns / (ms / 1000) }),
    });
  }
  tasks.push({
    name: "anchor.interp",
    run: () => {
      const lines = runAnchor("interp");
      if (!lines) return {};
      const r16 = anchorRate(lines, "interp-16beat");
      const r1 = anchorRate(lines, "interp-1beat");
      return {
        ...(r16 ? { "anchor.interp16.insnPerSec": r16.rate } : {}),
        ...(r1 ? { "anchor.interp1.insnPerSec": r1.rate } : {}),
      };
    },
  });
  return tasks;
}
