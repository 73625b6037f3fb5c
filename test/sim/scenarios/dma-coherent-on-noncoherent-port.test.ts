// The bug kind dma-coherent-on-noncoherent-port: arm64-ref with dma-coherent on its PL330 whose
// port does not snoop (dmasim,port-coherent = <0>). Linux skips all cache maintenance; the PL330
// fetches the driver's program from DRAM (the CPU's writes of it are still in its caches) and the
// receive never completes; with dma-coherent dropped from the tree the same receive is whole.
//
// By hand: the receive buffer is 4096 bytes that the CPU wrote just before (every byte the
// data's complement), 64 lines of 64 bytes, all in the A53's 32 KiB L1: 4096 bytes cached, and
// as nothing arrives, all 4096 read back stale. Maintenance: none for a dma-coherent device; on
// the fixed tree, map TO_DEVICE cleans 4096, map FROM_DEVICE 4096, unmap FROM_DEVICE 4096:
// 12288 bytes.

import { describe, expect, it } from "vitest";
import { bugSystem, BUG_KINDS, type BugResult } from "../../../src/sim/scenarios/bugs.js";
import { DMA_COHERENT_ON_NONCOHERENT_PORT_VARIANT as VARIANT } from "../../../src/sim/scenarios/dma-coherent-on-noncoherent-port.js";
import type { SystemOptions } from "../../../src/system.js";
import { runBug } from "../../helpers/run-bug.js";
import { withSystem } from "../../helpers/system.js";
import { GFP_KERNEL } from "../../../src/mm/gfp.js";
import { dma_alloc_coherent } from "../../../src/dma/mapping.js";
import { dma_request_chan_by_mask, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_sync_wait } from "../../../src/dmaengine/dmaengine.js";
import { DMA_ERROR, DMA_MEMCPY, DMA_PREP_INTERRUPT } from "../../../src/dmaengine/types.js";

const KIND = "dma-coherent-on-noncoherent-port";
const run = (options: SystemOptions): Promise<BugResult> => runBug(KIND, options);
const DMAC = "/soc/dma-controller@ff6e0000";

describe("bug dma-coherent-on-noncoherent-port", () => {
  it("is a bug kind, run on arm64-ref with dma-coherent on a PL330 whose port does not snoop", () => {
    expect(BUG_KINDS).toContain(KIND);
    // arm64-ref's own tree with the two properties (test/board-variant.test.ts checks the whole tree).
    expect(bugSystem({ kind: KIND })).toEqual({ variant: VARIANT });
    expect([VARIANT.board, VARIANT.name]).toEqual(["arm64-ref", "arm64-ref-dma-coherent-on-noncoherent-port.dtb"]);
    expect(VARIANT.edits).toContainEqual({ node: DMAC, property: "dma-coherent", cells: [] });
    expect(VARIANT.edits).toContainEqual({ node: DMAC, property: "dmasim,port-coherent", cells: [0] });
  });

  it("skips maintenance, runs a stale program and reads 4096 stale bytes; the fixed tree maintains 12288 and reads none", async () => {
    const r = await run(bugSystem({ kind: KIND }));
    const d = r.details;
    expect(r.reproduced).toBe(true);
    expect([d.dmac, d.bytes, d.treeCoherent, d.portCoherent]).toEqual([DMAC, 4096, "yes", "no"]);
    expect([d.status, d.maintainedBytes, d.cachedBytes, d.staleBytes]).toEqual(["DMA_ERROR", 0, 4096, 4096]);
    // What DRAM held under the driver's program: zeros, DMAEND (opcode 0x00).
    expect(d.hangNote).toContain("dma_sync_wait timed out (dmasim): dma0chan0 (PL330 thread 0, request line 0): CSR0 0x0 (Stopped)");
    expect(d.hangNote).toContain(": DMAEND; the instruction was fetched from DRAM, while the CPU's L1 holds a newer copy of its line: " +
      `${DMAC} is dma-coherent in the tree`);
    expect(r.symptom).toContain("Linux maintained 0 bytes for the two mappings, and the 4096-byte receive ended DMA_ERROR with 4096 of 4096 bytes stale (4096 were in the CPU's caches)");
    expect([d.statusFixed, d.maintainedBytesFixed, d.staleBytesFixed]).toEqual(["DMA_COMPLETE", 12288, 0]);
    expect(r.fixed).toBe("with dma-coherent dropped from the tree (or the port wired coherent) Linux maintained 12288 bytes and the receive ended DMA_COMPLETE with 0 stale bytes");
  });

  it("puts the tree back: a second run on the same System shows the bug again", async () => {
    await withSystem(bugSystem({ kind: KIND }) as SystemOptions & { worker?: false }, (s) => {
      const first = s.run("bug", { kind: KIND }) as BugResult;
      const second = s.run("bug", { kind: KIND }) as BugResult;
      expect([first.reproduced, second.reproduced]).toEqual([true, true]);
      expect(second.details.staleBytes).toBe(4096);
      expect(s.device("ff6e0000.dma-controller")!.dma_coherent).toBe(true);
    });
  });

  it("refuses boards where tree and port agree, saying why", async () => {
    // The advice names the createSystem option that chose the tree: board, or a variant.
    const cases: [SystemOptions, string, string][] = [
      [{ board: "arm64-ref" }, `${DMAC} is not dma-coherent in the tree, so Linux does the cache maintenance itself, whatever its port does`, "board"],
      [{ board: "zynq-7000" }, "/axi/dma-controller@f8003000 is not dma-coherent in the tree", "board"],
      [{ variant: { ...VARIANT, edits: VARIANT.edits.map((e) => (e.property === "dmasim,port-coherent" ? { ...e, cells: [1] } : e)) } },
        `${DMAC} is dma-coherent in the tree and its port does snoop the CPU's caches, as the tree says`, "variant"],
    ];
    for (const [options, why, option] of cases) {
      const r = await run(options);
      expect(r.reproduced).toBe(false);
      expect([r.details.status, r.details.staleBytes]).toEqual(["DMA_COMPLETE", 0]);
      expect(r.symptom).toContain(why);
      expect(r.symptom).toMatch(new RegExp(`; this board cannot show the bug; run it without the ${option} option$`));
    }
  });

  it("on a port that snoops, a hang is not blamed on a stale program, though the program's line is dirty in the CPU's cache", async () => {
    // Entry 0 cut short (<0 7>, no trigger cell): the AMBA bus gives 0, pl330_probe requests no
    // interrupt, and a transfer finishes unseen. The driver's program is in cacheable memory
    // Linux never cleans (dma-coherent), but the PL330 read it through its snooping port.
    const variant = {
      ...VARIANT,
      edits: [
        ...VARIANT.edits.map((e) => (e.property === "dmasim,port-coherent" ? { ...e, cells: [1] } : e)),
        { node: DMAC, property: "interrupts", cells: [0, 7] },
      ],
    };
    await withSystem({ variant }, (s) => {
      expect(s.board.dmacs[0].coherence).toEqual({ treeCoherent: true, portCoherent: true });
      const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
      const a = dma_alloc_coherent(chan.device.dev, 64, GFP_KERNEL)!;
      const b = dma_alloc_coherent(chan.device.dev, 64, GFP_KERNEL)!;
      const cookie = dmaengine_submit(dmaengine_prep_dma_memcpy(chan, b.dmaAddr, a.dmaAddr, 64, DMA_PREP_INTERRUPT)!);
      expect(dma_sync_wait(chan, cookie)).toBe(DMA_ERROR);
      const notes = s.dmesg().split("\n").filter((l) => l.includes("timed out (dmasim)"));
      expect(notes).toHaveLength(1);
      expect(notes[0]).toContain(": DMAEND; the channel finished and raised event 0, but the interrupt that event raises (interrupts entry 0");
      expect(notes[0]).not.toContain("fetched from DRAM");
    });
  });
});
