// comlink over a Node child process's IPC channel, for both ends: a sweep's workers as
// processes (`isolation: "process"`, `--processes`). Jobs in worker threads share one address
// space; while every job faulted in a fresh wasm memory, that made two of them side by side
// 1.6x slower each as threads and 1.2x as processes. Now that Systems hand their memory on
// (hw/memory-reuse.ts), threads are faster (bench/RESULTS.md), and processes are the option.
//
// Messages are structured-clone bytes (v8.serialize), so typed arrays and bigints cross as they
// do between threads; nothing is transferred. Each end turns the bytes back into a value itself
// rather than leaving it to the channel's "advanced" serialization: a value one side can write
// may be one the other cannot read (an object nested a couple of thousand deep overflows the
// reader's stack first), and Node throws that failure from inside the channel, where nothing
// can catch it but a handler of every uncaught exception of the host. Here it is the end's
// `unreadable`, as a Worker's `messageerror` is for a thread.

import type { ChildProcess } from "node:child_process";
import type { NodeEndpoint } from "comlink/dist/esm/node-adapter.mjs";

type Listener = (value: unknown) => void;

/** node:v8's serialize and deserialize, given by the caller: a static import of a node: module
 *  would stop the browser bundle, which holds this file, from loading. */
export type V8Codec = Pick<typeof import("node:v8"), "serialize" | "deserialize">;

/** What one end does with a message it cannot read: the call it answered, or asked, is lost. */
export type Unreadable = (error: unknown) => void;

/** on/off of one end: each listener hears the messages read back from their bytes. */
function reader(
  channel: { on(type: "message", l: Listener): unknown; off(type: "message", l: Listener): unknown },
  { deserialize }: V8Codec,
  unreadable: Unreadable,
): Pick<NodeEndpoint, "on" | "off"> {
  const readers = new Map<Listener, Listener>();
  return {
    on: (_type: string, listener: Listener) => {
      const read = (bytes: unknown) => {
        let message: unknown;
        try {
          message = deserialize(bytes as Uint8Array);
        } catch (e) {
          unreadable(e);
          return;
        }
        listener(message);
      };
      readers.set(listener, read);
      channel.on("message", read);
    },
    off: (_type: string, listener: Listener) => {
      const read = readers.get(listener);
      if (!read) return;
      readers.delete(listener);
      channel.off("message", read);
    },
  };
}

/** The parent's end: messages to and from the child. */
export function childEndpoint(child: ChildProcess, v8: V8Codec, unreadable: Unreadable): NodeEndpoint {
  return {
    // Once the child has gone (a crash, or terminate()), messages have no one to go to: comlink
    // still sends its release, which must not throw. A value that cannot be cloned throws here,
    // failing the call that carried it.
    postMessage: (message: unknown) => {
      const bytes = v8.serialize(message);
      if (child.connected) child.send(bytes, () => {});
    },
    ...reader(child, v8, unreadable),
  };
}

/** The child's end: messages to and from the parent that forked this process. */
export function parentProcessEndpoint(v8: V8Codec, unreadable: Unreadable): NodeEndpoint {
  return {
    postMessage: (message: unknown) => {
      const bytes = v8.serialize(message);
      if (process.connected) process.send!(bytes, undefined, {}, () => {});
    },
    ...reader(process, v8, unreadable),
  };
}
