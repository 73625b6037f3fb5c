// Table-walk speed over the page tables of ../shared/anchors/c/ptw.c (48-bit VA, 1 GB mapped
// with 2 MB blocks and 4 KB pages, tables in simulated RAM at 0x4000_0000), with its VA streams,
// replayed inside the module through mmu.translate — the translation of every CPU access —
// with the arm64 profile's caches under the walker. `mmu.walksPerSec`: the uniform stream with
// the TLB off (every access walks); `mmu.translationsPerSec`: the 90 %-hot stream through a
// 512-entry 4-way round-robin TLB as in ptw.c. Checks in the C program's format, beside its rates.

import { instantiateSilicon } from "../src/hw/wasm.js";
import { STAT, type SiliconExports } from "../src/hw/exports.js";
import { ARM64_A53 } from "../src/hw/profile.js";
import { configureMemorySystem } from "../src/hw/board.js";
import { MMU_V8_4K } from "../src/hw/machine.js";
import { runAnchor, anchorRate } from "./anchors.js";
import { medianRate, runSliced } from "./replay.js";
import type { BenchTask, MetricValue } from "./suite.js";

const N = 10_000_000;
const REPS = 3;
const UNIFORM = 0;
const HOT = 1;

function check(x: SiliconExports, tlb: boolean): string {
  const base = `lo${x.benchPtwCheck(0)} hi${x.benchPtwCheck(1)} f${x.benchPtwCheck(2)}`;
  return tlb ? `${base} tlbhit${x.stat(STAT.tlbHits)} miss${x.stat(STAT.tlbMisses)}` : base;
}

/** The machine of ptw.c: the arm64 profile's memory system without prefetching, ptw.c's tables
 *  in RAM at 0x4000_0000 under TTBR0 (48-bit VA), its streams of `n` entries generated. The
 *  TLB is the caller's to configure. */
export async function ptwMachine(n: number): Promise<SiliconExports> {
  const x = await instantiateSilicon();
  configureMemorySystem(x, ARM64_A53);
  x.configurePrefetch(0, 0, 0);
  x.addRam(0x40000000, 4 << 20, 0);
  const l0 = x.benchPtwBuildTables();
  x.benchPtwStreamsGenerate(n);
  x.mmuSetMair(0x440c0400, 0x0000bbff);
  x.mmuSetTtbr(0, l0);
  x.mmuSetFormat(MMU_V8_4K, 48);
  return x;
}

async function walker(): Promise<Record<string, MetricValue>> {
  const x = await ptwMachine(N);
  const missPs = Math.round((ARM64_A53.cpu.tlbMissCycles * 1e6) / ARM64_A53.cpu.clockMHz);
  const out: Record<string, MetricValue> = {};
  const pass = (stream: number) => () => runSliced(N, (f, c) => x.benchPtwTranslateReplay(stream, f, c));

  x.configureTlb(0, 0, missPs);
  out["mmu.walksPerSec"] = medianRate(N, REPS, () => x.benchPtwCheck(-1), pass(UNIFORM));
  out["mmu.walks.check"] = check(x, false);

  out["mmu.translationsPerSec"] = medianRate(N, REPS, () => {
    x.benchPtwCheck(-1);
    x.configureTlb(128, 4, missPs);
  }, pass(HOT));
  out["mmu.translations.check"] = check(x, true);

  const c = runAnchor("ptw", { PTW_N: String(N), REPS: String(REPS) });
  if (c) {
    for (const [name, kernel, unit] of [
      ["mmu.walks", "ptw-walk-uniform", "walksPerSec"],
      ["mmu.translations", "ptw-tlb-hot90", "translationsPerSec"],
    ] as const) {
      const a = anchorRate(c, kernel);
      if (!a) continue;
      const ours = out[`mmu.${unit}`] as number;
      out[`${name}.anchor.${unit}`] = a.rate;
      out[`${name}.anchor.check`] = a.check;
      out[`${name}.ofAnchor`] = ours / a.rate;
      out[`${name}.checkMatchesAnchor`] = out[`${name}.check`] === a.check ? "yes" : "NO";
    }
  }
  return out;
}

export async function mmuBenchmarks(): Promise<BenchTask[]> {
  return [{ name: "mmu.walker", run: walker }];
}
