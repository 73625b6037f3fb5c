// Cache model speed: the exact trace of ../shared/anchors/c/cache.c (xorshift32, 70 % sweep /
// 30 % random, 25 % writes) replayed inside the module through hierarchy.l1Line — the path of
// every cacheable CPU access, with real line data and DRAM timing — on caches configured as the C
// program's (L1 32 KB 4-way 32 B LRU; L1 + L2 512 KB 8-way). The hit/miss/writeback counts must
// equal the C program's, printed in its format; its rate, measured in the same run, is beside ours.
// Also the simulated-time cost of reading 1 MiB uncached versus cached, per profile.

import { instantiateSilicon } from "../src/hw/wasm.js";
import { STAT, type SiliconExports } from "../src/hw/exports.js";
import { ZYNQ_7000 } from "../src/hw/profile.js";
import { configureMemorySystem } from "../src/hw/board.js";
import { createSystem } from "../src/create.js";
import { GFP_KERNEL } from "../src/mm/gfp.js";
import { dma_alloc_coherent } from "../src/dma/mapping.js";
import { runAnchor, anchorRate } from "./anchors.js";
import { medianRate, runSliced } from "./replay.js";
import type { BenchTask, MetricValue } from "./suite.js";

const N = 20_000_000;
const REPS = 3;
const LRU = 0;

function check(x: SiliconExports, withL2: boolean): string {
  const s = (id: number) => x.stat(id);
  const l1 = `h${s(STAT.l1Hits)} m${s(STAT.l1Misses)} wb${s(STAT.l1Writebacks)}`;
  return withL2 ? `${l1} / h${s(STAT.l2Hits)} m${s(STAT.l2Misses)} wb${s(STAT.l2Writebacks)}` : l1;
}

async function cacheModel(): Promise<Record<string, MetricValue>> {
  const x = await instantiateSilicon();
  configureMemorySystem(x, ZYNQ_7000);
  x.addRam(0, 0x0c000000, 0); // the trace touches [0, 1 MB) and [0x08000000, 0x0c000000)
  x.benchCacheTraceGenerate(N);
  const out: Record<string, MetricValue> = {};
  for (const withL2 of [false, true]) {
    x.configureCaches(32 * 1024, 4, 32, LRU, withL2 ? 512 * 1024 : 0, 8, LRU, 1);
    const rate = medianRate(N, REPS, () => x.resetCaches(), () => runSliced(N, (f, c) => x.benchCacheTraceReplay(f, c)));
    const name = withL2 ? "cache.l1l2" : "cache.l1";
    out[`${name}.accessesPerSec`] = rate;
    out[`${name}.check`] = check(x, withL2);
  }
  const c = runAnchor("cache", { CACHE_N: String(N), REPS: String(REPS) });
  if (c) {
    for (const [name, kernel] of [["cache.l1", "cache-L1"], ["cache.l1l2", "cache-L1L2"]] as const) {
      const a = anchorRate(c, kernel);
      if (!a) continue;
      out[`${name}.anchor.accessesPerSec`] = a.rate;
      out[`${name}.anchor.check`] = a.check;
      out[`${name}.ofAnchor`] = (out[`${name}.accessesPerSec`] as number) / a.rate;
      out[`${name}.checkMatchesAnchor`] = out[`${name}.check`] === a.check ? "yes" : "NO";
    }
  }
  return out;
}

/** Simulated time of a 1 MiB CPU read through a Normal-NC coherent buffer and through a cold
 *  cacheable kmalloc buffer, on a booted board. */
async function uncachedVsCached(board: "zynq-7000" | "arm64-ref"): Promise<{ nc: number; wb: number }> {
  const system = await createSystem({ board });
  const MiB = 1 << 20;
  const dev = system.device(board === "zynq-7000" ? "f8003000.dma-controller" : "ff6e0000.dma-controller");
  const nc = dma_alloc_coherent(dev, MiB, GFP_KERNEL)!;
  const wb = system.kernel.kmalloc(MiB, GFP_KERNEL);
  const time = (f: () => void) => {
    const t0 = system.now();
    f();
    return system.now() - t0;
  };
  return { nc: time(() => system.cpu.read(nc.cpuAddr, MiB)), wb: time(() => system.cpu.read(wb, MiB)) };
}

export async function cacheBenchmarks(): Promise<BenchTask[]> {
  return [
    { name: "cache.model", run: cacheModel },
    {
      name: "cache.uncached",
      run: async () => {
        const out: Record<string, MetricValue> = {};
        for (const [board, key] of [["zynq-7000", "zynq"], ["arm64-ref", "arm64"]] as const) {
          const r = await uncachedVsCached(board);
          out[`cpu.read1M.${key}.uncachedSimPs`] = r.nc;
          out[`cpu.read1M.${key}.cachedSimPs`] = r.wb;
          out[`cpu.read1M.${key}.uncachedSlowdown`] = r.nc / r.wb;
        }
        return out;
      },
    },
  ];
}
