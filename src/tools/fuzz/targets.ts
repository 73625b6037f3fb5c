// The fuzz targets by name. A target is created inside the thread that runs it (a worker of
// the fuzz pool, or the caller's), from plain-data options. The PL330 fuzzer registers here.

import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { builtinDtSeeds, fileSeed, type DtSeed } from "./dt-corpus.js";
import { DtFuzzTarget } from "./dt-target.js";
import type { FuzzTarget } from "./target.js";

export interface FuzzTargetOptions {
  /** Extra seed files (paths) for targets that mutate files. */
  corpus?: string[];
  /** DT target: share of surviving trees that are booted (0 … 1). */
  bootShare?: number;
}

export interface FuzzTargetEntry {
  description: string;
  create(options: FuzzTargetOptions): Promise<FuzzTarget>;
}

function fileSeeds(paths: string[]): DtSeed[] {
  return paths.map((p) => fileSeed(basename(p), new Uint8Array(readFileSync(p))));
}

export const FUZZ_TARGETS: Record<string, FuzzTargetEntry> = {
  dt: {
    description: "device trees: mutated blobs, .dts source and trees through the reader, checks, writers and boot",
    create: async (o) => new DtFuzzTarget([...(await builtinDtSeeds()), ...fileSeeds(o.corpus ?? [])], { bootShare: o.bootShare }),
  },
};
