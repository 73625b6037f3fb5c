// The device trees the DT fuzzer starts from: the built-in boards as blobs and as source, and
// whatever else a caller adds. A seed's include files travel with it, so that compiling a
// mutant never reads the host's file system.

import { loadBytes, packageUrl } from "../../resources.js";
import { detectFormat, readDeviceTree } from "../../of/load.js";

export interface DtSeed {
  /** A file name, for messages and as the anchor of /include/. */
  name: string;
  bytes: Uint8Array;
  /** DRAM size to boot with when the tree has no memory node of its own ("64M"). */
  memory?: string;
  /** Files /include/ and /incbin/ may name, by path relative to `name`'s directory. */
  files?: Record<string, Uint8Array>;
}

const BOARDS = ["zynq-7000", "arm64-ref", "arm64-highmem"];

/** The built-in boards (examples/boards), each as .dtb and .dts. */
export async function builtinDtSeeds(): Promise<DtSeed[]> {
  const seeds: DtSeed[] = [];
  for (const board of BOARDS) {
    for (const ext of ["dtb", "dts"]) {
      const name = `${board}.${ext}`;
      seeds.push({ name, bytes: await loadBytes(packageUrl(`examples/boards/${name}`)) });
    }
  }
  return seeds;
}

export function seedFormat(seed: DtSeed): "dtb" | "dts" | "json" {
  return detectFormat(seed.bytes);
}

/** A seed from a file. A tree whose memory node is left to the bootloader (or missing) boots
 *  with 64 MiB, as a bootloader would fill it in; other trees keep their own, mutants included. */
export function fileSeed(name: string, bytes: Uint8Array): DtSeed {
  const { tree } = readDeviceTree(bytes, { name });
  const sized = [...tree.root.walk()].some((n) => n.string("device_type") === "memory" && (n.prop("reg")?.length ?? 0) > 0);
  return sized ? { name, bytes } : { name, bytes, memory: "64M" };
}
