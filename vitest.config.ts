import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Each test file writes its temporary files in a directory of its own, which the run
    // removes and checks is empty: `npm test` leaves /tmp as it found it (test/setup/).
    globalSetup: ["test/setup/run-tmpdir.ts"],
    setupFiles: ["test/setup/file-tmpdir.ts"],
  },
});
