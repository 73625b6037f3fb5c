// Starting one dmasim worker and wrapping it with comlink: Node worker_threads with comlink's
// node adapter, or a browser module Web Worker. The script is the compiled worker entry.

import * as Comlink from "comlink";
import { packageUrl } from "../resources.js";

const isNode = typeof process !== "undefined" && !!process.versions?.node;

/** The worker entry, compiled (workers cannot start from TypeScript sources on Node 20). In a
 *  browser bundle it sits beside the bundle. */
export function workerEntryUrl(): URL {
  if (import.meta.url.includes("/dist/browser/")) return new URL("./worker.js", import.meta.url);
  return packageUrl("dist/src/worker/entry.js");
}

export interface SpawnedWorker<T> {
  api: Comlink.Remote<T>;
  terminate(): Promise<void>;
}

export async function spawnWorker<T>(): Promise<SpawnedWorker<T>> {
  let endpoint: Comlink.Endpoint;
  let stop: () => Promise<unknown>;
  if (isNode) {
    const { Worker } = await import("node:worker_threads");
    const nodeEndpoint = (await import("comlink/dist/esm/node-adapter.mjs")).default;
    const w = new Worker(workerEntryUrl());
    endpoint = nodeEndpoint(w);
    stop = () => w.terminate();
  } else {
    const w = new Worker(workerEntryUrl(), { type: "module" });
    endpoint = w;
    stop = async () => w.terminate();
  }
  const api = Comlink.wrap<T>(endpoint);
  return {
    api,
    terminate: async () => {
      api[Comlink.releaseProxy]();
      await stop();
    },
  };
}
