// The bug kind dma-ranges: virt_to_phys handed to the PL330 faults behind arm64-dma-offset's bus
// (its window puts RAM's first GiB at bus 0xc0000000, BCM2711's), and copies right where DMA
// addresses are physical ones (the bug hides there).

import { describe, expect, it } from "vitest";
import { bugSystem, type BugResult } from "../../../src/sim/scenarios/bugs.js";
import type { SystemOptions } from "../../../src/system.js";
import { runBug } from "../../helpers/run-bug.js";

const dmaRanges = (options: SystemOptions): Promise<BugResult> => runBug("dma-ranges", options);

describe("bug dma-ranges", () => {
  it("runs on the offset board by default", () => {
    expect(bugSystem({ kind: "dma-ranges" })).toEqual({ board: "arm64-dma-offset" });
  });

  for (const kernel of ["modern", "v4.9"] as const) {
    it(`faults on the physical address and copies with the DMA API's (${kernel})`, async () => {
      const r = await dmaRanges({ ...bugSystem({ kind: "dma-ranges" }), kernel });
      const d = r.details;
      expect(r.reproduced).toBe(true);
      expect(d.srcDma).toBe((d.srcPhys as number) + 0xc0000000);
      expect(d.dstDma).toBe((d.dstPhys as number) + 0xc0000000);
      expect(d.status).toBe("DMA_ERROR");
      expect(d.faultStatus).toBe(1 << 18); // data_read_err
      expect(d.busOffset).toBe(0xc0000000);
      expect(d.faultLog).toMatch(/^dma-pl330 ff6e0000\.dma-controller: Reset Channel-\d\t CS-[0-9a-f]+ FTC-40000$/);
      // The channel faulted on its first read: nothing reached the destination.
      expect(d.untouchedBytes).toBe(16384);
      expect(d.statusWithDmaApi).toBe("DMA_COMPLETE");
      expect(d.wrongWithDmaApi).toBe(0);
      expect(r.symptom).toContain("interconnect answered DECERR");
      expect(r.symptom).toContain("(data_read_err, FTR bit 18)");
    });
  }

  it("says the bug is invisible on a board whose DMA addresses are physical", async () => {
    const r = await dmaRanges({ board: "arm64-ref" });
    expect(r.reproduced).toBe(false);
    expect(r.details.srcDma).toBe(r.details.srcPhys);
    expect(r.details.wrongBytes).toBe(0);
    expect(r.symptom).toMatch(/on this board DMA addresses are physical addresses, .*the bug is invisible here, and that is the lesson.*run it without the board option \(arm64-dma-offset/);
  });
});
