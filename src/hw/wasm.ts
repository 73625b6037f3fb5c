// Loading the silicon. The module is compiled once per thread and instantiated once per System,
// so every System has its own memory (all zeros: fresh, or handed on from a disposed System by
// memory-reuse.ts), caches and devices. Node reads the file; a browser
// fetches it. `debug` selects the build with assertions and a source map.

import type { SiliconExports } from "./exports.js";
import { bundledAwayAdvice, loadBytes, packageUrl } from "../resources.js";
import { giveBackMemory, takeMemory } from "./memory-reuse.js";

const compiled = new Map<string, Promise<WebAssembly.Module>>();

/** URL of a built wasm file. */
export function wasmUrl(debug = false): URL {
  return packageUrl(`build/${debug ? "debug" : "release"}/dmasim.wasm`);
}

async function compile(url: URL): Promise<WebAssembly.Module> {
  let bytes: Uint8Array;
  try {
    bytes = await loadBytes(url);
  } catch {
    // In the repository a missing build is the likely cause; in a consumer's bundle, the move.
    const advice = bundledAwayAdvice();
    throw new Error(`dmasim: cannot load ${url.pathname}${advice ? `: ${advice}` : "; run `npm run build` first"}`);
  }
  return WebAssembly.compile(bytes as BufferSource);
}

export class SiliconAbort extends Error {
  override name = "SiliconAbort";
}

/** The silicon compiled, once per thread (`url`: the release build by default). A worker pool
 *  hands it to its workers (adoptCompiledSilicon) so that they share one compilation. */
export function compiledSilicon(url: URL = wasmUrl()): Promise<WebAssembly.Module> {
  let module = compiled.get(url.href);
  if (!module) {
    module = compile(url);
    compiled.set(url.href, module);
  }
  return module;
}

/** Takes `module`, compiled by another thread from the build at `href`, as this thread's
 *  compilation of it. In V8 (Node, Chromium) a WebAssembly.Module posted to a worker shares the
 *  sender's machine code: the worker neither compiles the module's functions again on their
 *  first call nor optimizes its hot ones again, and starts with what other threads have
 *  optimized already. The code is the same build's, so no result changes. */
export function adoptCompiledSilicon(href: string, module: WebAssembly.Module): void {
  if (!compiled.has(href)) compiled.set(href, Promise.resolve(module));
}

export async function instantiateSilicon(options: { debug?: boolean; url?: URL } = {}): Promise<SiliconExports> {
  const compiledModule = await compiledSilicon(options.url ?? wasmUrl(options.debug));
  // Taken once the module is there: a build that fails to load must not use up the spare.
  const memory = takeMemory();
  const imports = {
    env: {
      memory,
      abort(message: number, file: number, line: number, column: number) {
        throw new SiliconAbort(
          `silicon abort: ${readString(memory, message)} at ${readString(memory, file)}:${line}:${column}`,
        );
      },
    },
  };
  const instance = await WebAssembly.instantiate(compiledModule, imports);
  // A copy of the exports, not the instance's own object: every part of a System holds this
  // one, so releaseSilicon can cut them all from the instance at once.
  return { ...instance.exports } as unknown as SiliconExports;
}

/** Cuts `x` from its wasm instance: every export throws `gone()` from now on, and nothing of
 *  dmasim's keeps the instance reachable, whatever references to the System's objects a caller
 *  still holds. Its memory, zeroed, goes to the next System of this thread (memory-reuse.ts). */
export function releaseSilicon(x: SiliconExports, gone: () => Error): void {
  giveBackMemory(x);
  const fail = () => {
    throw gone();
  };
  for (const key of Object.keys(x)) {
    Object.defineProperty(x, key, key === "memory" ? { get: fail, configurable: true } : { value: fail, configurable: true, writable: true });
  }
}

/** Reads an AssemblyScript string (UTF-16, length in the header word before it). */
function readString(memory: WebAssembly.Memory, ptr: number): string {
  if (!ptr) return "?";
  const bytes = new Uint32Array(memory.buffer)[(ptr - 4) >>> 2];
  return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, bytes >>> 1));
}
