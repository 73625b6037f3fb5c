// The demo's report: whether the copies verified, where the time of each buffer kind went (DMA, cache maintenance, bounce
// copies, CPU access), the cache hits and misses of each phase, and the phase table.

import { stackedBars, groupedBars } from "./svg.js";
import { renderReport, type ReportSection } from "./html.js";
import type { Provenance } from "../provenance.js";
import { formatVerify, type DemoResult } from "../sim/demo.js";
import type { PhaseResult } from "../sim/phase.js";
import { formatBytes, formatTime } from "../units.js";

/** Splits a phase's time into DMA, cache maintenance, bounce copies and CPU access. */
export function timeBreakdown(p: PhaseResult): { dma: number; maintenance: number; bounce: number; cpu: number } {
  const dma = /DMA/.test(p.name) ? p.timePs : 0;
  const maintenance = p.maintenancePs;
  const bounce = p.bouncePs;
  const cpu = Math.max(0, p.timePs - dma - maintenance - bounce);
  return { dma, maintenance, bounce, cpu };
}

export function demoSections(r: DemoResult): ReportSection[] {
  const kinds: [string, PhaseResult[]][] = [["coherent", r.coherent], ["streaming", r.streaming]];
  const sum = (ps: PhaseResult[], k: keyof ReturnType<typeof timeBreakdown>) => ps.reduce((n, p) => n + timeBreakdown(p)[k], 0) / 1e6;
  const phases = kinds.flatMap(([k, ps]) => ps.map((p) => ({ kind: k, p })));
  const ok = r.coherentOk && r.streamingOk;
  return [
    {
      heading: "Verify",
      text: `${formatVerify(r)}: ${ok ? "every destination read back by the CPU matched its source" : "a destination read back by the CPU differed from its source (the demo exits 1)"}.`,
    },
    {
      heading: "Where the time went",
      text: `${formatBytes(r.bytes)} copied by the PL330 on ${r.board} (${r.kernel} kernel), per buffer kind, in simulated µs.`,
      svg: stackedBars({
        title: "Simulated time by activity",
        yLabel: "µs",
        categories: kinds.map(([k]) => k),
        segments: (["dma", "maintenance", "bounce", "cpu"] as const).map((seg) => ({
          name: { dma: "DMA", maintenance: "cache maintenance", bounce: "bounce copies", cpu: "CPU access" }[seg],
          values: kinds.map(([, ps]) => sum(ps, seg)),
        })),
      }),
    },
    {
      heading: "Cache hits and misses per phase",
      svg: groupedBars({
        title: "CPU cache accesses",
        yLabel: "accesses",
        categories: phases.map(({ kind, p }) => `${kind}: ${p.name}`),
        series: [
          { name: "L1 hits", values: phases.map(({ p }) => p.cache.l1Hits) },
          { name: "L1 misses", values: phases.map(({ p }) => p.cache.l1Misses) },
          { name: "L2 hits", values: phases.map(({ p }) => p.cache.l2Hits) },
          { name: "L2 misses", values: phases.map(({ p }) => p.cache.l2Misses) },
        ],
      }),
    },
    {
      heading: "Phases",
      table: {
        header: ["buffers", "phase", "sim time", "CPU cycles", "MB/s", "maintenance", "bounce", "L1 hit/miss", "L2 hit/miss"],
        rows: phases.map(({ kind, p }) => [
          kind, p.name, formatTime(p.timePs), p.cpuCycles, p.mbPerSec, formatTime(p.maintenancePs), formatTime(p.bouncePs),
          `${p.cache.l1Hits}/${p.cache.l1Misses}`, `${p.cache.l2Hits}/${p.cache.l2Misses}`,
        ]),
      },
    },
    {
      heading: "The missing-sync bug",
      text: `A reused receive buffer read without dma_sync_single_for_cpu: ${r.bug.staleBytes} of ${r.bug.bytes} bytes were stale; with the sync, ${r.bug.withSyncStaleBytes}.`,
    },
  ];
}

export function demoReport(r: DemoResult, provenance?: Provenance): string {
  return renderReport(`dmasim demo: ${formatBytes(r.bytes)} PL330 memcpy on ${r.board}`, demoSections(r), provenance);
}
