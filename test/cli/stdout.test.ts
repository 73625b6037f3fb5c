// What the CLI does when the reader of its output goes away early, as `| head` does.

import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
const cli = join(root, "dist/src/cli.js");
const rk3399 = join(root, "../shared/devicetree/rk3399-rockpro64.dtb");

/** Runs the CLI, reads its first chunk of stdout and then closes the pipe. */
function readFirstChunk(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.once("data", () => child.stdout.destroy());
    child.on("close", (status) => resolve({ status, stderr }));
  });
}

describe("dmasim writing into a pipe that closes", () => {
  it("stops quietly, with the status a shell shows for SIGPIPE", async () => {
    // The RK3399 tree as JSON is about 600 KB: far more than a pipe holds once its reader is gone.
    const r = await readFirstChunk(["dt", rk3399, "-O", "json"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(128 + 13);
  });
});
