// The bug kind poll-irqs-off: polling a completion flag inside spin_lock_irqsave times out with
// the DMA finished and its interrupt pending; polling with the lock released completes.

import { describe, expect, it } from "vitest";
import { bugSystem } from "../../../src/sim/scenarios/bugs.js";
import { runBug } from "../../helpers/run-bug.js";

describe("bug poll-irqs-off", () => {
  it("runs on zynq-7000 by default", () => {
    expect(bugSystem({ kind: "poll-irqs-off" })).toEqual({ board: "zynq-7000" });
  });

  for (const kernel of ["modern", "v4.9"] as const) {
    it(`times out with the line pending and the bytes copied; the fix completes (${kernel})`, async () => {
      const r = await runBug("poll-irqs-off", { ...bugSystem({ kind: "poll-irqs-off" }), kernel });
      const d = r.details;
      expect(r.reproduced).toBe(true);
      expect(d.pollRet).toBe(-110); // -ETIMEDOUT
      // timeout 1000 us counted down by 10 us + 1 ns a lap: 100 udelays before it goes negative,
      // plus 101 loads of the flag and the laps' cpu_relax (well under 5 us).
      expect(d.pollUs).toBeGreaterThanOrEqual(1000);
      expect(d.pollUs).toBeLessThan(1005);
      // The first channel takes event 0: INTSTATUS bit 0 (spec pl330: bit n is event n); Zynq's
      // interrupt ID 46 is DMAC event 0 (the second of the DMAC's lines, after abort on 45).
      expect(d.intstatus).toBe(1);
      expect(d.pendingIrq).toBe(46);
      // The symptom names GIC lines beside that one: the PL330's interrupts as GIC IDs (abort
      // SPI 13, events 0-3 SPIs 14-17, events 4-7 SPIs 40-43; ID = 32 + SPI), not the irq
      // numbers Linux gave them (24-32 on 6.x, 18-26 on 4.9).
      expect(r.symptom).toContain("the GIC had line 46 pending (the DMAC's: 45, 46, 47, 48, 49, 72, 73, 74, 75)");
      expect(d.txStatus).toBe("DMA_IN_PROGRESS");
      expect(d.wrongBytes).toBe(0);
      expect(d.callbackAfterUnlockUs).toBeGreaterThan(0);
      // Measured from the unlock, not from issue: the exception entry (400 cycles, 0.6 us at
      // 667 MHz) and the handler's and tasklet's register accesses (60 ns each), far below the
      // 1000 us the poll took before it.
      expect(d.callbackAfterUnlockUs).toBeLessThan(10);
      expect(d.fixedPollRet).toBe(0);
      expect(d.fixedWrongBytes).toBe(0);
      // The poll returns at the end of the udelay in which the callback ran.
      expect(d.fixedPollUs).toBeGreaterThanOrEqual(d.fixedCallbackUs as number);
      expect(d.fixedPollUs).toBeLessThan((d.fixedCallbackUs as number) + 10 + 1);
    });
  }
});
