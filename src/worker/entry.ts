// The worker side: boots a System on request and serves its SystemApi over comlink.

import * as Comlink from "comlink";
import { createLocalSystem, type System, type SystemOptions } from "../system.js";
import { systemApi, type SystemApi } from "./api.js";
import { isScenarioModule, resultToSend, runJob, runScenarioOn, type JobSpec } from "./job.js";
import { errorText, installErrorTransfer } from "./errors.js";
import { holdLifeLock } from "./life-lock.js";
import { announceClose, announceUnreadable, closingMessage } from "./closing.js";
import { adoptSilicon } from "./silicon-handover.js";
import type { PtdumpRange } from "../mm/ptdump.js";
import type { DmesgOptions } from "../kernel/printk.js";
import type { ScenarioParams } from "../sim/scenarios.js";

let api: SystemApi | undefined;
/** How this worker's replies are written, to try a job's result on first (job.ts, sendable):
 *  structured clone in a thread or Web Worker, v8's serializer in a child process. */
let sendable: (value: unknown) => unknown = structuredClone;
let system: System | undefined;

function need(): SystemApi {
  if (!api) throw new Error("dmasim worker: no System yet (create() first)");
  return api;
}

/** A scenario module's run on this worker's System, as a sweep job runs one (job.ts): a driver
 *  writer's module runs where its System is, the page's module as `dmasim run ./mod.mjs` runs it. */
async function runModule(url: string, params: ScenarioParams): Promise<unknown> {
  need();
  const result = await runScenarioOn(system!, url, params);
  return resultToSend({ system: {}, scenario: url, params }, result, sendable);
}

const exposed = {
  /** The caller's compiled silicon, before its first call (silicon-handover.ts). */
  adoptSilicon,
  /** One sweep job: a fresh System, one scenario run, plain data back. */
  runJob: async (spec: JobSpec) => {
    const { result, provenance } = await runJob(spec);
    return { result: resultToSend(spec, result, sendable), provenance };
  },
  async create(options: SystemOptions): Promise<void> {
    system = await createLocalSystem({ ...options, worker: false });
    api = systemApi(system);
  },
  now: () => need().now(),
  provenance: () => need().provenance(),
  run: (scenario: string, params?: ScenarioParams) => (isScenarioModule(scenario) ? runModule(scenario, params ?? {}) : need().run(scenario, params)),
  deviceNames: () => need().deviceNames(),
  dmesg: (options?: DmesgOptions) => need().dmesg(options),
  iomem: () => need().iomem(),
  interrupts: () => need().interrupts(),
  dmaChannels: () => need().dmaChannels(),
  readFile: (path: string) => need().readFile(path),
  readdir: (path: string) => need().readdir(path),
  writeFile: (path: string, text: string) => need().writeFile(path, text),
  ptdump: (range?: PtdumpRange) => need().ptdump(range),
  cpu: {
    read: (va: number | bigint, len: number) => need().cpu.read(va, len),
    write: (va: number | bigint, bytes: Uint8Array) => need().cpu.write(va, bytes),
    fill: (va: number | bigint, byte: number, len: number) => need().cpu.fill(va, byte, len),
    copy: (dst: number | bigint, src: number | bigint, len: number) => need().cpu.copy(dst, src, len),
  },
  kernel: {
    kmalloc: (size: number, gfp: number) => need().kernel.kmalloc(size, gfp),
    kfree: (va: number) => need().kernel.kfree(va),
    krealloc: (p: number, newSize: number, gfp: number) => need().kernel.krealloc(p, newSize, gfp),
  },
};

installErrorTransfer(); // the worker's side: errors are sent with their fields

const isNode = typeof process !== "undefined" && !!process.versions?.node;
if (isNode) {
  const { parentPort } = await import("node:worker_threads");
  const nodeEndpoint = (await import("comlink/dist/esm/node-adapter.mjs")).default;
  if (parentPort) {
    announceUnreadable(parentPort);
    Comlink.expose(exposed, nodeEndpoint(parentPort));
  } else if (process.send) {
    // A child process (spawn.ts): serve until the parent disconnects. A call it cannot read is
    // told to the parent, which ends it (closing.ts).
    const { parentProcessEndpoint } = await import("./process-endpoint.js");
    const v8 = await import("node:v8");
    const endpoint = parentProcessEndpoint(v8, (e) =>
      endpoint.postMessage(closingMessage(`dmasim worker process could not read a message from its parent (${errorText(e)})`)),
    );
    sendable = v8.serialize;
    Comlink.expose(exposed, nodeEndpoint(endpoint));
    process.once("disconnect", () => process.exit(0));
  }
} else {
  announceClose(self);
  holdLifeLock(self);
  Comlink.expose(exposed);
}
