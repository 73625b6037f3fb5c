// createSystem's options are checked before anything boots: a misspelt option, or a value the
// kernel cannot take, is one SystemError (a BoardError for a peripheral setting no node takes)
// naming it. A negative coherent pool used to fault half way through the boot; the others were
// ignored without a word.

import { describe, expect, it } from "vitest";
import { createSystem } from "../src/create.js";
import { SystemError, type SystemOptions } from "../src/system.js";
import { BoardError } from "../src/hw/board.js";

describe("createSystem options", () => {
  it.each([
    [{ bogus: 1 }, /^unknown option "bogus" \(known: dtb, dtbName, .*printkLevel\)$/],
    [{ kernel: "v5" }, /^kernel must be "modern" or "v4\.9", not "v5"$/],
    [{ coherentPool: -5 }, /^coherentPool must be a whole number ≥ 0, not -5$/],
    [{ coherentPool: "256K" }, /^coherentPool must be a whole number ≥ 0, not "256K"$/],
    [{ zoneDmaBits: 99 }, /^zoneDmaBits must be a whole number from 1 to 64, not 99$/],
    [{ printkLevel: 9 }, /^printkLevel must be a whole number from 0 to 7, not 9$/],
    [{ debug: "yes" }, /^debug must be true or false, not "yes"$/],
    [{ swiotlb: 4096 }, /^swiotlb must be an object \(\{ size, force, noforce \}\) or swiotlb='s text \("force", "noforce", "N" or "N,force"\), not 4096$/],
    [{ swiotlb: "forced" }, /^swiotlb: "forced" is not a slab count or "force" \(try force, 32768 or 32768,force\)$/],
    [{ swiotlb: "99999999999999999999" }, /^swiotlb: "99999999999999999999": 99999999999999999999 slabs is beyond any memory \(try force, 32768 or 32768,force\)$/],
    [{ swiotlb: { force: true, noforce: true } }, /^swiotlb: force \(bounce every mapping\) and noforce \(no bounce pool at all\) contradict each other: give one$/],
    [{ swiotlb: { noforce: 1 } }, /^swiotlb\.noforce must be true or false, not 1$/],
    [{ swiotlb: { size: 1.5 } }, /^swiotlb\.size must be a whole number ≥ 0, not 1\.5$/],
    [{ swiotlb: { sise: 4096 } }, /^swiotlb: unknown option "sise" \(known: size, force, noforce\)$/],
    [{ dmaDebug: { entries: 0 } }, /^dmaDebug\.entries must be a whole number ≥ 1, not 0$/],
    [{ dmaDebug: { checks: { stak: false } } }, /^dmaDebug\.checks: unknown option "stak" \(known: unmap, .*, leak\)$/],
    [{ dmaPeripherals: { "serial@e0001000": { tc: {} } } }, /^dmaPeripherals\["serial@e0001000"\]: unknown option "tc" \(known: tx, rx\)$/],
    [{ variant: { board: "arm64-ref", edits: [] } }, /^variant must be \{ board, name, edits \} .*, not \{"board":"arm64-ref","edits":\[\]\}$/],
    [{ variant: { board: "arm64-ref", name: "v.dtb", edits: [] }, board: "zynq-7000" }, /^variant is a whole tree \(v\.dtb\), and so is board: give one of them$/],
  ])("refuses %j", async (options, message) => {
    const err = await createSystem({ ...(options as SystemOptions), worker: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SystemError);
    expect((err as Error).message).toMatch(message);
  });

  it("refuses peripheral settings for a node that has no DMA peripheral, naming the ones it has", async () => {
    const err = await createSystem({ dmaPeripherals: { "serial@e0002000": { tx: { baud: 9600 } } }, worker: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BoardError);
    expect((err as Error).message).toBe('dmaPeripherals: no node "serial@e0002000" with a "tx" or "rx" PL330 request on this board (nodes: /axi/serial@e0001000)');
  });

  it.each([
    [{ board: "zynq-7000", kernel: "modern" }, "zynq-7000"],
    [{ board: "zynq-7000", kernel: "v4.9" }, "zynq-7000"],
    [{}, "zynq-7000"], // the default board
  ] as const)("refuses a swiotlb option on an arm board (%j): neither kernel has a swiotlb there", async (options, board) => {
    const err = await createSystem({ ...options, swiotlb: { size: 4 << 20 }, worker: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SystemError);
    expect((err as Error).message).toBe(`swiotlb: ${board} is arm without LPAE, which has no swiotlb on either kernel (its RAM is all within 32 bits); leave the option out`);
  });

  it("takes swiotlb= as text, as --swiotlb does: N slabs rounded up to 128-slab segments, and force", async () => {
    const s = await createSystem({ board: "arm64-ref", swiotlb: "1000,force", worker: false });
    try {
      // 1000 slabs are 8 segments of 128.
      expect([s.kernel.dma.swiotlb?.nslabs, s.kernel.dma.swiotlb?.force]).toEqual([1024, true]);
    } finally {
      s.dispose();
    }
    const t = await createSystem({ board: "arm64-ref", swiotlb: "0x100", worker: false });
    try {
      expect([t.kernel.dma.swiotlb?.nslabs, t.kernel.dma.swiotlb?.force]).toEqual([256, false]);
    } finally {
      t.dispose();
    }
  });

  it("takes good values, and a worker System reports a bad one as the same SystemError", async () => {
    const s = await createSystem({
      board: "arm64-highmem", kernel: "v4.9", coherentPool: 256 << 10, swiotlb: { size: 4 << 20, force: false },
      dmaDebug: { entries: 128, numErrors: 0, checks: { stack: false } }, printkLevel: 0, zoneDmaBits: 32, worker: false,
    });
    expect(s.kernel.version).toBe("v4.9");
    s.dispose();
    await expect(createSystem({ coherentPool: -1, worker: true })).rejects.toThrow(SystemError);
    await expect(createSystem({ coherentPool: -1, worker: true })).rejects.toThrow("coherentPool must be a whole number ≥ 0, not -1");
    await expect(createSystem({ dmaPeripherals: { nope: {} }, worker: true })).rejects.toBeInstanceOf(BoardError);
  });
});
