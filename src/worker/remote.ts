// A System running in a worker, reached through comlink: the same calls as SystemApi, each
// returning a Promise. Node uses worker_threads with comlink's node adapter; browsers a module
// Web Worker. The worker script is the compiled dist/src/worker/entry.js.

import type { SystemOptions } from "../system.js";
import type { SystemApi } from "./api.js";
import { spawnWorker } from "./spawn.js";

type Promisified<T> = {
  [K in keyof T]: T[K] extends (...a: infer A) => infer R ? (...a: A) => Promise<Awaited<R>> : Promisified<T[K]>;
};

export type RemoteSystem = Promisified<SystemApi> & {
  /** Ends the worker; the System is gone afterwards. */
  close(): Promise<void>;
};

interface WorkerFactory {
  create(options: Omit<SystemOptions, "worker">): Promise<void>;
}

export async function createWorkerSystem(options: SystemOptions): Promise<RemoteSystem> {
  const { worker: _w, ...rest } = options;
  const w = await spawnWorker<WorkerFactory & SystemApi>();
  const factory = w.api;
  try {
    await factory.create(rest);
  } catch (e) {
    await w.terminate();
    throw e;
  }
  const remote = factory as unknown as RemoteSystem;
  return Object.assign(Object.create(null), {
    now: () => remote.now(),
    run: (scenario: string, params?: Record<string, string | number | boolean>) => remote.run(scenario, params),
    deviceNames: () => remote.deviceNames(),
    dmesg: () => remote.dmesg(),
    iomem: () => remote.iomem(),
    interrupts: () => remote.interrupts(),
    dmaChannels: () => remote.dmaChannels(),
    readFile: (path: string) => remote.readFile(path),
    readdir: (path: string) => remote.readdir(path),
    cpu: remote.cpu,
    kernel: remote.kernel,
    close: () => w.terminate(),
  }) as RemoteSystem;
}
