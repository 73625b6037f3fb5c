// Errors across the worker boundary. comlink sends a thrown error as its message, name and stack,
// and the caller gets a plain Error. This handler also sends the error's own fields (errno of a
// KernelError; kind, address and arch of a CpuFault) and rebuilds dmasim's classes, and the
// built-in ones, by name on the caller's side: `instanceof KernelError` and `e.errno` then hold
// for a System in a worker as they do in-thread. Both sides install it (spawn.ts, entry.ts).

import * as Comlink from "comlink";
import { KernelBug, KernelError, KernelPanic } from "../kernel/errno.js";
import { CpuFault } from "../hw/machine.js";
import { PeripheralError } from "../hw/dma-peripherals.js";
import { SiliconAbort } from "../hw/wasm.js";
import { SystemError } from "../system.js";
import { BoardError } from "../hw/board.js";
import { DtError } from "../of/node.js";

interface SentError {
  message: string;
  name: string;
  stack?: string;
  /** The error's own enumerable fields with plain values (errno, address…). */
  fields: Record<string, unknown>;
}

/** Looked up when an error arrives, not when this module loads: system.ts imports the worker
 *  code that imports this file. */
function classNamed(name: string): { prototype: Error } | undefined {
  const classes: Record<string, { prototype: Error }> = {
    KernelError, KernelBug, KernelPanic, CpuFault, PeripheralError, SiliconAbort, SystemError, BoardError, DtError,
    RangeError, TypeError, SyntaxError, ReferenceError,
  };
  return Object.hasOwn(classes, name) ? classes[name] : undefined;
}

function plain(v: unknown): boolean {
  return v === null || ["string", "number", "bigint", "boolean", "undefined"].includes(typeof v);
}

function send(e: Error): SentError {
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) if (k !== "name" && k !== "message" && plain(v)) fields[k] = v;
  return { message: e.message, name: e.name, stack: e.stack, fields };
}

function rebuild(s: SentError): Error {
  const cls = classNamed(s.name);
  const e = cls ? (Object.create(cls.prototype) as Error) : new Error(s.message);
  // The instance's own properties as the class's constructor would have left them.
  Object.defineProperties(e, {
    message: { value: s.message, writable: true, configurable: true },
    stack: { value: s.stack, writable: true, configurable: true },
  });
  if (e.name !== s.name) e.name = s.name; // as the classes' constructors set it
  return Object.assign(e, s.fields);
}

/** A thrown value as one line, `name: message` (`DataCloneError: … could not be cloned.`), for
 *  the messages that say a value could not cross the boundary. */
export function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

let installed = false;

/** Replaces comlink's handler of thrown values (its "throw" transfer handler) in this realm. */
export function installErrorTransfer(): void {
  if (installed) return;
  installed = true;
  const builtin = Comlink.transferHandlers.get("throw")!;
  Comlink.transferHandlers.set("throw", {
    canHandle: builtin.canHandle,
    serialize: ({ value }: { value: unknown }) => [value instanceof Error ? { isError: true, value: send(value) } : { isError: false, value }, []],
    deserialize: (sent: { isError: boolean; value: unknown }) => {
      throw sent.isError ? rebuild(sent.value as SentError) : sent.value;
    },
  });
}
