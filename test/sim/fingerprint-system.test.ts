// fingerprint boots the System the scenario it runs asks for, as `dmasim run` of that scenario
// would (worker/job.ts systemFor): uart-tx's UART model from its parameters, a bug kind's own
// board; on a board given by name it refuses what `run` refuses.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { createSystem } from "../../src/create.js";
import { runJob } from "../../src/worker/job.js";
import type { Fingerprint } from "../../src/sim/scenarios/fingerprint.js";
import type { UartTxResult } from "../../src/sim/scenarios/uart-tx.js";
import type { BugResult } from "../../src/sim/scenarios/bugs.js";

const root = new URL("../..", import.meta.url).pathname;
const cli = (args: string[]) => spawnSync(process.execPath, [join(root, "dist/src/cli.js"), ...args], { encoding: "utf8", cwd: root });

describe("fingerprint's System", () => {
  it("gives uart-tx's burst=16 to the UART model, as run uart-tx does", () => {
    const r = cli(["run", "fingerprint", "--param", "scenario=uart-tx", "--param", "burst=16", "--param", "size=256", "--json"]);
    expect(r.stderr).toBe("");
    const f = JSON.parse(r.stdout) as Fingerprint;
    expect((f.result as UartTxResult).burstBytes).toBe(16);
  });

  it("refuses uart-tx's burst on a board given by name, with run uart-tx's words", () => {
    const args = ["--param", "burst=16", "--board", "zynq-7000"];
    const fingerprint = cli(["run", "fingerprint", "--param", "scenario=uart-tx", ...args]);
    const direct = cli(["run", "uart-tx", ...args]);
    expect(fingerprint.status).not.toBe(0);
    expect(fingerprint.stderr).toMatch(/^dmasim: error: uart-tx: burst=16 cannot apply on a board given with --board\/--dtb: /);
    expect(fingerprint.stderr).toBe(direct.stderr);
  });

  it("runs a bug kind on the kind's own System (mask-overflow: arm64-highmem, no swiotlb), where it shows", async () => {
    const { result, provenance } = await runJob({ scenario: "fingerprint", params: { scenario: "bug", kind: "mask-overflow" }, system: {} });
    expect(provenance.board).toBe("arm64-highmem");
    expect(((result as Fingerprint).result as BugResult).reproduced).toBe(true);
  });

  it("captures adc-rx at its default 48 kHz (README), as run adc-rx does, not the default board's own converter", async () => {
    const params = { periods: 2, count: 4 };
    const { result } = await runJob({ scenario: "fingerprint", params: { scenario: "adc-rx", ...params }, system: {} });
    const direct = await runJob({ scenario: "adc-rx", params, system: {} });
    expect(((result as Fingerprint).result as { sampleRateHz: number }).sampleRateHz).toBe(48000);
    expect((result as Fingerprint).result).toEqual(direct.result);
  });

  it("keeps uart-tx's digest with default parameters: its own board is the default board's UART as it was", async () => {
    const { result } = await runJob({ scenario: "fingerprint", params: { scenario: "uart-tx", size: 256 }, system: {} });
    const s = await createSystem({ board: "zynq-7000", worker: false });
    const plain = s.run("fingerprint", { scenario: "uart-tx", size: 256 }) as Fingerprint;
    s.dispose();
    expect((result as Fingerprint).trace.digest).toBe(plain.trace.digest);
    expect(result).toEqual(plain);
  });
});
