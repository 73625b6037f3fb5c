// Starting one dmasim worker and wrapping it with comlink: on Node a worker thread (comlink's
// node adapter) or, for a sweep's pool, a child process (process-endpoint.ts); in a browser a
// module Web Worker. The script is the compiled worker entry.

import * as Comlink from "comlink";
import { packageUrl } from "../resources.js";
import { installErrorTransfer } from "./errors.js";
import { isClosingNotice } from "./closing.js";

const isNode = typeof process !== "undefined" && !!process.versions?.node;

/** The worker entry, compiled (workers cannot start from TypeScript sources on Node 20). In a
 *  browser bundle it sits beside the bundle. On Node, `bundled` picks the entry built into one
 *  file (dist/node/worker.js): it loads in about 12 ms where the entry's hundred-odd modules take
 *  about 60, on every worker start. Its modules are its own copies, though, so a worker that may
 *  import a caller's scenario module (which imports "dmasim", i.e. dist/src/) must not use it:
 *  the scenario's Device would not be the worker's. */
export function workerEntryUrl(bundled = false): URL {
  if (import.meta.url.includes("/dist/browser/")) return new URL("./worker.js", import.meta.url);
  return packageUrl(bundled ? "dist/node/worker.js" : "dist/src/worker/entry.js");
}

export interface SpawnedWorker<T> {
  api: Comlink.Remote<T>;
  /** Rejects when the worker ends: with how, if it ended by itself (a crash, running out of
   *  memory, a Web Worker's close(): closing.ts), or with terminate()'s reason. comlink would
   *  wait for a gone worker's answers forever, so callers race their calls against it. */
  died: Promise<never>;
  /** Ends the worker; calls still waiting for its answers get `why` instead. */
  terminate(why?: Error): Promise<void>;
}

export interface SpawnOptions {
  /** On Node, run the worker as a child process instead of a thread (ignored in a browser). */
  process?: boolean;
  /** On Node, start from the one-file build of the worker (see workerEntryUrl); only for workers
   *  that run built-in scenarios. */
  bundled?: boolean;
}

export async function spawnWorker<T>(options: SpawnOptions = {}): Promise<SpawnedWorker<T>> {
  installErrorTransfer(); // the caller's side: errors arrive as their own classes
  let endpoint: Comlink.Endpoint;
  let stop: () => Promise<unknown>;
  // Settled once: after terminate() has given its reason, the exit that follows changes nothing.
  let die: (why: Error) => void = () => {};
  const died = new Promise<never>((_, reject) => (die = reject));
  died.catch(() => {}); // nobody may be racing against it when it happens
  if (isNode && options.process) {
    const { fork } = await import("node:child_process");
    const { fileURLToPath } = await import("node:url");
    const nodeEndpoint = (await import("comlink/dist/esm/node-adapter.mjs")).default;
    const { childEndpoint } = await import("./process-endpoint.js");
    const child = fork(fileURLToPath(workerEntryUrl(options.bundled)), [], { execArgv: [], serialization: "advanced", stdio: "inherit" });
    const exited = new Promise<void>((resolve) =>
      child.once("exit", (code, signal) => {
        die(new Error(`dmasim worker process ended (${signal ?? `exit code ${code}`})`));
        resolve();
      }),
    );
    endpoint = nodeEndpoint(childEndpoint(child));
    stop = async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill();
      await exited;
    };
  } else if (isNode) {
    const { Worker } = await import("node:worker_threads");
    const nodeEndpoint = (await import("comlink/dist/esm/node-adapter.mjs")).default;
    const w = new Worker(workerEntryUrl(options.bundled));
    w.once("error", (e) => die(e instanceof Error ? e : new Error(String(e))));
    w.once("exit", (code) => die(new Error(`dmasim worker thread ended (exit code ${code})`)));
    endpoint = nodeEndpoint(w);
    stop = () => w.terminate();
  } else {
    const url = workerEntryUrl();
    const w = new Worker(url, { type: "module" });
    // A module worker that cannot be fetched or parsed reports a plain Event, with no message.
    w.addEventListener("error", (e) => die(new Error(`dmasim worker failed: ${e.message ?? `cannot load ${url}`}`)));
    w.addEventListener("message", (e) => {
      if (isClosingNotice(e.data)) die(new Error("dmasim worker closed itself (close() in the worker)"));
    });
    endpoint = w;
    stop = async () => w.terminate();
  }
  const api = Comlink.wrap<T>(endpoint);
  return {
    api,
    died,
    terminate: async (why = new Error("dmasim worker was terminated")) => {
      die(why);
      api[Comlink.releaseProxy]();
      await stop();
    },
  };
}
