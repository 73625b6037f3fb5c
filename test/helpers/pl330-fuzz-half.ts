// PL330 fuzzing, bounded for CI: 10,000 cases in two halves, one per test file, so that vitest
// runs them side by side (`npm run fuzz -- --count 1000000` runs long, recorded in
// docs/reliability.md). Random configurations, programs (valid, broken, running off the end of
// memory) and register sequences (read-only writes, debug commands at bad moments, DMAGO to busy
// channels): no host exception, every run ends, registers read back what the spec allows, copies
// a driver would program complete with the right bytes, and DMAKILL recovers every thread.

import { describe, expect, it } from "vitest";
import { Pl330FuzzTarget } from "../../src/tools/fuzz/pl330-target.js";
import { runFuzz } from "../../src/tools/fuzz/target.js";

const SEED = 20261121;
const HALF = 5000;

export function pl330FuzzHalf(half: 0 | 1): void {
  describe("PL330 fuzzing", () => {
    it(`${HALF} seeded cases (half ${half} of ${2 * HALF}) keep every invariant`, async () => {
      const summary = await runFuzz(new Pl330FuzzTarget(), { seed: SEED, start: half * HALF, count: HALF });
      expect(summary.failures).toEqual([]);
      // The cases reach every ending: copies that complete, faults, the watchdog, the time bound.
      expect(summary.outcomes["completed"]).toBeGreaterThan(500);
      expect(summary.outcomes["channel faulted"]).toBeGreaterThan(1000);
      expect(summary.outcomes["watchdog"]).toBeGreaterThan(20);
      expect(summary.outcomes["time bound"]).toBeGreaterThan(10);
    }, 120_000);
  });
}
