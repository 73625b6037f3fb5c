// Reading a device tree in whichever form it comes: a blob (FDT magic), .dts source, or
// dmasim's JSON, told apart by content, never by file name.

import type { DeviceTree } from "./node.js";
import { isFdt, parseFdt } from "./fdt.js";
import { compileDts } from "./dts.js";
import { parseJsonTree } from "./json.js";
import { writeFdt } from "./fdt-write.js";
import type { DtsFileReader, DtsSourceOptions } from "./dts-source.js";

export type TreeFormat = "dtb" | "dts" | "json";

/** What the bytes look like: a blob by its magic, or binary (a NUL byte: a damaged blob, whose
 *  parser then says precisely why it is not one); text opening with "{" is JSON; any other text
 *  is .dts source, as dtc takes whatever does not start with the blob magic (guess_input_format
 *  falls back to dts), so a file of /include/ and &label overrides alone is source too. */
export function detectFormat(bytes: Uint8Array): TreeFormat {
  if (isFdt(bytes)) return "dtb";
  const head = bytes.subarray(0, 65536);
  if (head.includes(0)) return "dtb";
  const text = new TextDecoder().decode(head);
  if (/^\s*\{/.test(text)) return "json";
  return "dts";
}

export interface ReadTreeOptions extends DtsSourceOptions {
  /** Force a format instead of detecting it. */
  format?: TreeFormat;
}

export function readDeviceTree(bytes: Uint8Array, options: ReadTreeOptions = {}): { tree: DeviceTree; format: TreeFormat } {
  const format = options.format ?? detectFormat(bytes);
  const name = options.name ?? `<${format}>`;
  if (format === "dtb") return { tree: parseFdt(bytes, name), format };
  if (format === "json") return { tree: parseJsonTree(new TextDecoder().decode(bytes), name), format };
  return { tree: compileDts(bytes, { ...options, name }), format };
}

/** A tree as the blob a System boots from, built here (where its /include/s can be read) so that
 *  it crosses into a worker as data: source and JSON compiled, a blob parsed (a broken one fails
 *  now, naming `options.name`, not in every job that boots it) and kept as it is. */
export function deviceTreeBlob(bytes: Uint8Array, options: ReadTreeOptions = {}): Uint8Array {
  return builtDeviceTree(bytes, options).blob;
}

/** deviceTreeBlob's blob with the tree it holds (for checks on the tree, such as dtc's
 *  warnings, whose positions only a source's tree has). */
export function builtDeviceTree(bytes: Uint8Array, options: ReadTreeOptions = {}): { tree: DeviceTree; blob: Uint8Array } {
  const { tree, format } = readDeviceTree(bytes, options);
  return { tree, blob: format === "dtb" ? bytes : writeFdt(tree) };
}

/** A synchronous file reader for /include/ and /incbin/ where the host has a file system
 *  (Node); undefined in a browser. */
export function hostFileReader(): DtsFileReader | undefined {
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  const fs = getBuiltin?.("node:fs") as typeof import("node:fs") | undefined;
  if (!fs) return undefined;
  return (path) => {
    try {
      return new Uint8Array(fs.readFileSync(path));
    } catch {
      return undefined;
    }
  };
}
