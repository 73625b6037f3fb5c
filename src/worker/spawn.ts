// Starting one dmasim worker and wrapping it with comlink: on Node a worker thread (comlink's
// node adapter) or, for a sweep's pool, a child process (process-endpoint.ts); in a browser a
// module Web Worker (web-worker.ts). The script is the compiled worker entry.

import type * as Comlink from "comlink";
import { packageUrl } from "../resources.js";
import { errorText, installErrorTransfer } from "./errors.js";
import { closingNotice } from "./closing.js";
import { deathNotice, spawned, type SpawnedWorker } from "./spawned.js";
import { webWorker } from "./web-worker.js";
import { lifeLockName } from "./life-lock.js";
import { handSiliconTo } from "./silicon-handover.js";

export type { SpawnedWorker } from "./spawned.js";

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

export interface SpawnOptions {
  /** On Node, run the worker as a child process instead of a thread (ignored in a browser). */
  process?: boolean;
  /** On Node, start from the one-file build of the worker (see workerEntryUrl); only for workers
   *  that run built-in scenarios. */
  bundled?: boolean;
  /** In a browser, how long a new Web Worker may take to say it has started before it is ended
   *  and fails as one whose script could not load (milliseconds; DEFAULT_START_TIMEOUT_MS, 30 s;
   *  Infinity waits for ever): start-deadline.ts says why there is one. Not used on Node, where
   *  a worker's end is always an exit event. */
  startTimeoutMs?: number;
}

// A child busy with a job hears its parent's end (the IPC channel's disconnect) only when the job
// is over: a parent that exits (Ctrl-C on a sweep) ends its children outright instead, by
// SIGKILL, since an exiting parent cannot wait for a scenario module that traps SIGTERM. One
// "exit" listener for them all, however many a pool or the fuzzer has running.
type Killable = { kill(signal?: NodeJS.Signals): boolean };
const liveChildren = new Set<Killable>();

function endOnExit(child: Killable): void {
  if (!process.listeners("exit").includes(endChildren)) process.on("exit", endChildren);
  liveChildren.add(child);
}

function endChildren(): void {
  for (const child of liveChildren) child.kill("SIGKILL");
}

/** How long terminate() lets a worker process outlive its SIGTERM before it sends SIGKILL, as
 *  process managers do: a process exits on SIGTERM at once, busy or not, unless a scenario module
 *  it imported traps the signal (process.on("SIGTERM")), and then nothing else would end it. */
export const KILL_GRACE_MS = 2000;

export async function spawnWorker<T>(options: SpawnOptions = {}): Promise<SpawnedWorker<T>> {
  installErrorTransfer(); // the caller's side: errors arrive as their own classes
  if (!isNode) {
    const url = workerEntryUrl();
    const w = webWorker<T>(new Worker(url, { type: "module", name: lifeLockName() }), url.href, globalThis.navigator, options.startTimeoutMs);
    await handSiliconTo(w.api);
    // No job before the page watches the worker's end: one the browser ended before it held its
    // life lock would leave that job unanswered forever (a busy machine can grant the worker its
    // lock after its first job has ended, and a pool then sends the next at once).
    await w.watched;
    return w;
  }
  const notice = deathNotice();
  let endpoint: Comlink.Endpoint;
  let stop: () => Promise<unknown>;
  // As in a browser (web-worker.ts): a reply this side cannot read is a call lost, and which one
  // is unknown, so the worker is ended and every call fails; so is a worker that says it could
  // not read a call (closing.ts).
  const end = (why: Error) => {
    notice.die(why);
    void stop();
  };
  const heard = (message: unknown) => {
    const why = closingNotice(message);
    if (why !== undefined) end(new Error(why));
  };
  if (options.process) {
    const { fork } = await import("node:child_process");
    const { fileURLToPath } = await import("node:url");
    const nodeEndpoint = (await import("comlink/dist/esm/node-adapter.mjs")).default;
    const { childEndpoint } = await import("./process-endpoint.js");
    const child = fork(fileURLToPath(workerEntryUrl(options.bundled)), [], { execArgv: [], serialization: "advanced", stdio: "inherit" });
    endOnExit(child);
    const exited = new Promise<void>((resolve) => {
      child.once("exit", (code, signal) => {
        liveChildren.delete(child);
        notice.die(new Error(`dmasim worker process ended (${signal ?? `exit code ${code}`})`));
        resolve();
      });
      // A child that could not be started (no executable at process.execPath) has no exit, only
      // this error, which unheard would end the host.
      child.on("error", (e) => {
        notice.die(new Error(`dmasim worker process failed: ${e.message}`));
        if (child.pid === undefined) resolve();
      });
    });
    const channel = childEndpoint(child, await import("node:v8"), (e) =>
      end(new Error(`a message from the dmasim worker process could not be read (${errorText(e)}); the worker was ended`)),
    );
    channel.on("message", heard);
    endpoint = nodeEndpoint(channel);
    stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill();
        const kill = setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"), KILL_GRACE_MS);
        await exited;
        clearTimeout(kill);
      }
      await exited;
    };
  } else {
    const { Worker } = await import("node:worker_threads");
    const nodeEndpoint = (await import("comlink/dist/esm/node-adapter.mjs")).default;
    const w = new Worker(workerEntryUrl(options.bundled));
    w.once("error", (e) => notice.die(e instanceof Error ? e : new Error(String(e))));
    w.once("exit", (code) => notice.die(new Error(`dmasim worker thread ended (exit code ${code})`)));
    w.on("messageerror", (e) =>
      end(new Error(`a message from the dmasim worker thread could not be read (${errorText(e)}); the worker was ended`)),
    );
    w.on("message", heard);
    endpoint = nodeEndpoint(w);
    stop = () => w.terminate();
  }
  const worker = spawned<T>(endpoint, stop, notice);
  if (!options.process) await handSiliconTo(worker.api);
  return worker;
}
