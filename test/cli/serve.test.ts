// `dmasim serve`: a port it cannot listen on is a one-line error, not a stack trace.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
const cli = join(root, "dist/src/cli.js");

describe("dmasim serve", () => {
  it("says in one line that the port is taken", async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
    const port = (taken.address() as { port: number }).port;
    try {
      const r = spawnSync(process.execPath, [cli, "serve", "--port", String(port)], { encoding: "utf8", cwd: root, timeout: 10_000 });
      expect(r.stderr).toBe(`dmasim: error: listen EADDRINUSE: address already in use 127.0.0.1:${port}\n`);
      expect(r.status).toBe(1);
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });
});
