// comlink over a Node child process's IPC channel, for both ends: a sweep's workers as
// processes (`isolation: "process"`, `--processes`). Jobs in worker threads share one address
// space; while every job faulted in a fresh wasm memory, that made two of them side by side
// 1.6x slower each as threads and 1.2x as processes. Now that Systems hand their memory on
// (hw/memory-reuse.ts), threads are faster (bench/RESULTS.md), and processes are the option.
// Messages use the "advanced" (structured clone) serialization, so typed arrays and bigints
// cross as they do between threads; nothing is transferred.

import type { ChildProcess } from "node:child_process";
import type { NodeEndpoint } from "comlink/dist/esm/node-adapter.mjs";

type Listener = (value: unknown) => void;

/** The parent's end: messages to and from the child. */
export function childEndpoint(child: ChildProcess): NodeEndpoint {
  return {
    // Once the child has gone (a crash, or terminate()), messages have no one to go to: comlink
    // still sends its release, which must not throw.
    postMessage: (message: unknown) => {
      if (child.connected) child.send(message as object, () => {});
    },
    on: (_type: string, listener: Listener) => void child.on("message", listener),
    off: (_type: string, listener: Listener) => void child.off("message", listener),
  };
}

/** The child's end: messages to and from the parent that forked this process. */
export function parentProcessEndpoint(): NodeEndpoint {
  return {
    postMessage: (message: unknown) => {
      if (process.connected) process.send!(message as object, undefined, {}, () => {});
    },
    on: (_type: string, listener: Listener) => void process.on("message", listener),
    off: (_type: string, listener: Listener) => void process.off("message", listener),
  };
}
