// A new worker gets the silicon this thread has compiled (hw/wasm.ts), instead of reading and
// compiling the wasm file again. In V8 a WebAssembly.Module sent to a worker thread or Web Worker
// shares its machine code with the sender's: the worker's first System does not wait for the
// module's functions to be compiled on their first calls, and its hot functions are optimized
// once for every worker of the process (a fresh pool's first result: 45-60 ms less CPU time for
// each worker, measured at stop 26). A child process cannot share code (v8.serialize refuses a
// WebAssembly.Module): it compiles its own.

import type * as Comlink from "comlink";
import { adoptCompiledSilicon, compiledSilicon, wasmUrl } from "../hw/wasm.js";

/** What a worker entry offers for it (entry.ts). */
export interface SiliconTaker {
  adoptSilicon(href: string, module: WebAssembly.Module): void;
}

/** The worker side: takes the module as its thread's compilation of the build at `href`. */
export function adoptSilicon(href: string, module: WebAssembly.Module): void {
  adoptCompiledSilicon(href, module);
}

/** The caller's side: sends the release build, compiled here (once per thread), to the worker
 *  behind `api` before any other call of the caller's. If it cannot be compiled here (a missing
 *  build), the worker is left to try for itself and say why, as it would without this. */
export async function handSiliconTo(api: Comlink.Remote<unknown>): Promise<void> {
  const url = wasmUrl();
  let module: WebAssembly.Module;
  try {
    module = await compiledSilicon(url);
  } catch {
    return;
  }
  // comlink posts the call at once, so it is ahead of every call made after this returns; its
  // answer does not matter (a worker that dies before taking it fails those calls instead).
  (api as unknown as Comlink.Remote<SiliconTaker>).adoptSilicon(url.href, module).catch(() => {});
}
