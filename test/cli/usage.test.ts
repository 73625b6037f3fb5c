// What `dmasim help` tells a user about the system options: every machine profile --profile
// takes is named there (the list once read "zynq-7000, arm64" after three more were added).

import { describe, expect, it } from "vitest";
import { SYSTEM_USAGE } from "../../src/cli/system-options.js";
import { createSystem } from "../../src/create.js";

describe("the system options' usage text", () => {
  it("names every profile --profile takes, and each of them boots", async () => {
    const line = SYSTEM_USAGE.slice(SYSTEM_USAGE.indexOf("--profile NAME"), SYSTEM_USAGE.indexOf("--worker"));
    const named = ["zynq-7000", "arm64", "cortex-a7", "cortex-a15", "cortex-a17"];
    for (const p of named) expect(line).toContain(p);
    for (const p of named) {
      const s = await createSystem({ board: p === "arm64" ? "arm64-ref" : "zynq-7000", profile: p });
      expect(s.board.profile.name).toBe(p);
      s.dispose();
    }
  });
});
