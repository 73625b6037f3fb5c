// The fuzz targets by name. A target is created inside the thread that runs it (a worker of
// the fuzz pool, or the caller's), from plain-data options. A
// target under development can also come from a module (a path or URL exporting
// createTarget(options)).

import { readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { builtinDtSeeds, fileSeed, type DtSeed } from "./dt-corpus.js";
import { DtFuzzTarget } from "./dt-target.js";
import { Pl330FuzzTarget } from "./pl330-target.js";
import type { FuzzTarget } from "./target.js";

export interface FuzzTargetOptions {
  /** Extra seed files (paths) for targets that mutate files. */
  corpus?: string[];
  /** DT target: share of surviving trees that are booted (0 … 1). */
  bootShare?: number;
}

export interface FuzzTargetEntry {
  description: string;
  /** The options the target reads: the CLI refuses the others for it rather than ignore them. */
  reads: readonly (keyof FuzzTargetOptions)[];
  /** What its cases are made from, said when it is given an option it does not read. */
  madeFrom: string;
  create(options: FuzzTargetOptions): Promise<FuzzTarget>;
}

function fileSeeds(paths: string[]): DtSeed[] {
  return paths.map((p) => fileSeed(basename(p), new Uint8Array(readFileSync(p))));
}

export const FUZZ_TARGETS: Record<string, FuzzTargetEntry> = {
  pl330: {
    description: "the PL330: random configurations, programs and register sequences against the invariants of spec pl330 §4–§7",
    // Generated, not mutated: there is no input file to seed it with, and a case is replayed by
    // its seed and index (describeCase has no input bytes to save).
    reads: [],
    madeFrom: "it generates each case from the seed alone (a random configuration, programs and register sequence) and reads no seed files or trees",
    create: async () => new Pl330FuzzTarget(),
  },
  dt: {
    description: "device trees: mutated blobs, .dts source and trees through the reader, checks, writers and boot",
    reads: ["corpus", "bootShare"],
    madeFrom: "it mutates the built-in seed trees and the --corpus files",
    create: async (o) => new DtFuzzTarget([...(await builtinDtSeeds()), ...fileSeeds(o.corpus ?? [])], { bootShare: o.bootShare }),
  },
};

/** Whether a target module is named by URL; any other module name is a file path. */
export function isTargetUrl(name: string): boolean {
  return /^(file|https?|data):/.test(name);
}

/** Whether `name` names a module rather than a registered target. */
export function isTargetModule(name: string): boolean {
  return isTargetUrl(name) || name.includes("/") || /\.m?js$/.test(name);
}

export async function createTarget(name: string, options: FuzzTargetOptions): Promise<FuzzTarget> {
  const entry = FUZZ_TARGETS[name];
  if (entry) return entry.create(options);
  if (!isTargetModule(name)) throw new Error(`unknown fuzz target "${name}" (known: ${Object.keys(FUZZ_TARGETS).join(", ")}, or a module)`);
  const url = isTargetUrl(name) ? name : pathToFileURL(resolve(name)).href;
  const mod = (await import(url)) as { createTarget?: (o: FuzzTargetOptions) => FuzzTarget | Promise<FuzzTarget> };
  if (typeof mod.createTarget !== "function") throw new Error(`${name} does not export createTarget(options)`);
  return mod.createTarget(options);
}
