// The bug kind wrong-request-line: a UART whose TX dmas cell names request line 2 on a Zynq that
// wires its TX FIFO to line 0 sends nothing (the channel waits in DMAWFP on line 2, and the hang
// note names the wiring); with the cell fixed, all 256 bytes leave on the line. Both kernels.

import { describe, expect, it } from "vitest";
import { bugSystem, BUG_KINDS, type BugResult } from "../../../src/sim/scenarios/bugs.js";
import { createSystem } from "../../../src/create.js";
import type { SystemOptions } from "../../../src/system.js";
import { runBug } from "../../helpers/run-bug.js";
import type { TxFifoDevice } from "../../../src/hw/dma-peripherals.js";

const wrongRequestLine = (options: SystemOptions): Promise<BugResult> => runBug("wrong-request-line", options);

/** The UART's line time for one character at the model's default 115200 baud, 10 bits (ps). */
const CHAR_PS = (10 * 1e12) / 115200;

describe("bug wrong-request-line", () => {
  it("is a bug kind, run on its own board by default", () => {
    expect(BUG_KINDS).toContain("wrong-request-line");
    // zynq-7000's own tree with the wrong cell (test/board-variant.test.ts checks the whole tree).
    const v = bugSystem({ kind: "wrong-request-line" }).variant!;
    expect([v.board, v.name]).toEqual(["zynq-7000", "zynq-7000-wrong-request-line.dtb"]);
    expect(v.edits).toContainEqual({ node: "/axi/serial@e0001000", property: "dmas", at: 1, cells: [2] });
    expect(v.edits).toContainEqual({ node: "/axi/serial@e0001000", property: "dmasim,request-lines", cells: [0, 1] });
  });

  for (const kernel of ["modern", "v4.9"] as const) {
    it(`hangs in DMAWFP on the line dmas names, and sends every byte once fixed (${kernel})`, async () => {
      const r = await wrongRequestLine({ ...bugSystem({ kind: "wrong-request-line" }), kernel });
      const d = r.details;
      expect(r.reproduced).toBe(true);
      expect(d.peripheral).toBe("/axi/serial@e0001000");
      expect([d.dmasLine, d.wiredLine, d.channelLine]).toEqual([2, 0, 2]);
      expect(d.status).toBe("DMA_IN_PROGRESS");
      expect(d.sentBytes).toBe(0);
      expect(d.hangNote).toMatch(/CSR\d 0x27 \(Waiting for peripheral\), CPC\d 0x[0-9a-f]+: DMAWFP P2, single; request line 2 has no peripheral wired to it; \/axi\/serial@e0001000 \("tx"\) drives line 0/);
      expect(d.fixedChannelLine).toBe(0);
      expect(d.statusFixed).toBe("DMA_COMPLETE");
      expect(d.sentBytesFixed).toBe(256);
      expect(d.wrongBytesFixed).toBe(0);
      expect(r.symptom).toContain("names request line 2, but the SoC wires its TX FIFO to line 0");
    });
  }

  it("shows the bug again on a second run of the same System (the tree is put back)", async () => {
    const s = await createSystem({ ...bugSystem({ kind: "wrong-request-line" }), worker: false });
    try {
      const first = s.run("bug", { kind: "wrong-request-line" }) as BugResult;
      const second = s.run("bug", { kind: "wrong-request-line" }) as BugResult;
      expect([first.reproduced, second.reproduced]).toEqual([true, true]);
      expect(second.details.sentBytes).toBe(0);
      expect(second.details.sentBytesFixed).toBe(256);
    } finally {
      s.dispose();
    }
  });

  it("says the bug cannot show on a board whose dmas name the wired lines", async () => {
    const r = await wrongRequestLine({ board: "zynq-7000" });
    expect(r.reproduced).toBe(false);
    expect([r.details.dmasLine, r.details.wiredLine]).toEqual([0, 0]);
    expect(r.details.sentBytes).toBe(256);
    expect(r.details.hangNote).toBe("");
    expect(r.symptom).toContain("this board's tree is right");
  });

  describe("onto=adc: the wrong cell names the ADC's line", () => {
    it("picks its own board; the default board is unchanged; an unknown onto is refused", () => {
      const nodes = (kind: Record<string, string>) => bugSystem({ kind: "wrong-request-line", ...kind }).variant!.edits.map((e) => e.node);
      expect(bugSystem({ kind: "wrong-request-line", onto: "adc" }).variant!.name).toBe("zynq-7000-wrong-request-line-onto-adc.dtb");
      expect(nodes({ onto: "adc" })).toContain("/axi/adc@e0008000");
      expect(nodes({ onto: "adc" })).toContain("/axi/serial@e0001000");
      expect(bugSystem({ kind: "wrong-request-line", onto: "none" })).toEqual(bugSystem({ kind: "wrong-request-line" }));
      expect(nodes({})).not.toContain("/axi/adc@e0008000");
      expect(() => bugSystem({ kind: "wrong-request-line", onto: "spi" })).toThrow(/onto must be one of none, adc, not "spi"/);
    });

    it("sends at the ADC's pace: the TX FIFO overruns, the ADC's requests are taken with nothing read", async () => {
      const s = await createSystem({ ...bugSystem({ kind: "wrong-request-line", onto: "adc" }), worker: false });
      try {
        const r = s.run("bug", { kind: "wrong-request-line", onto: "adc" }) as BugResult;
        const d = r.details;
        expect(r.reproduced).toBe(true);
        expect([d.dmasLine, d.wiredLine, d.channelLine]).toEqual([2, 0, 2]);
        expect(d.otherPeripheral).toBe("/axi/adc@e0008000");
        // The ADC has sampled since reset with nothing reading it: its FIFO is full, so its
        // request is up whenever the channel reaches DMAWFP and the transfer runs at the PL330's
        // pace, well inside one character time: it completes, and nothing hangs.
        expect(d.status).toBe("DMA_COMPLETE");
        expect(d.hangNote).toBe("");
        expect(d.sendPs).toBeGreaterThan(0);
        expect(d.sendPs as number).toBeLessThan(CHAR_PS);
        // So the wire gets the 64 bytes the TX FIFO holds plus the one the shifter took at once,
        // the first 65 in order; every later byte found the FIFO full.
        expect(d.sentBytes).toBe(64 + 1);
        expect(d.wrongSentBytes).toBe(0);
        expect(d.txOverruns).toBe(256 - 65);
        // One single request per byte (1-byte accesses, maxburst 1), each acknowledged and then
        // flushed (DMAFLUSHP after each store, Linux's M2P loop); not one sample read.
        expect([d.otherRequests, d.otherAcks, d.otherFlushes, d.otherDmaBytes]).toEqual([256, 256, 256, 0]);
        expect(r.symptom).toContain(`and line 2 to /axi/adc@e0008000 ("rx"): the channel is paced by that device's requests`);
        expect(d.fixedChannelLine).toBe(0);
        expect(d.statusFixed).toBe("DMA_COMPLETE");
        expect(d.sentBytesFixed).toBe(256);
        expect(d.wrongBytesFixed).toBe(0);
        const wire = (s.board.peripherals.find((p) => p.dmaName === "tx")!.device as TxFifoDevice).transmitted();
        expect(wire.length).toBe(65 + 256);
        expect(() => s.run("bug", { kind: "missing-sync", onto: "adc" })).toThrow(`bug kind "missing-sync" has no parameter "onto"`);
      } finally {
        s.dispose();
      }
    });

    it("says at dma_request_chan whose line the cell names and which line the UART drives, in the symptom and as wiringNote, on every run", async () => {
      // dma0chan2: with a DT node the pl330's channel n serves request line n.
      const note = `WARNING: dmaengine: e0001000.serial: dma_request_chan "tx" (dmasim): dma0chan2 (request line 2): ` +
        `request line 2 is wired to /axi/adc@e0008000 ("rx"), not to /axi/serial@e0001000 ("tx"), which drives line 0 ` +
        `(its dmas entry names line 2: a wrong dmas cell); the channel's transfers wait for and acknowledge that device's requests`;
      const s = await createSystem({ ...bugSystem({ kind: "wrong-request-line", onto: "adc" }), worker: false });
      try {
        for (const run of [1, 2]) {
          const r = s.run("bug", { kind: "wrong-request-line", onto: "adc" }) as BugResult;
          expect(r.details.wiringNote, `run ${run}`).toBe(note);
          expect(r.symptom, `run ${run}`).toMatch(/ with 0 bytes read from it; at dma_request_chan dmasim said: (.*)$/);
          expect(r.symptom.endsWith(`; at dma_request_chan dmasim said: ${note}`), `run ${run}`).toBe(true);
          // Nothing hung, so no hang note; the fixed tree's request (line 0, the UART's) gets no note.
          expect(r.details.hangNote).toBe("");
        }
        // One note per probe of the wrong tree, none for the fixed tree's.
        expect(s.kernel.printk.dmesg().map((l) => l.text).filter((t) => t.includes("(dmasim)"))).toEqual([note, note]);
      } finally {
        s.dispose();
      }
    });

    it("the empty line's result has no wiringNote (its hang note names the cell)", async () => {
      const r = await wrongRequestLine(bugSystem({ kind: "wrong-request-line" }));
      expect(r.details).not.toHaveProperty("wiringNote");
      expect(r.details.hangNote).toContain("request line 2 has no peripheral wired to it");
    });
  });
});
