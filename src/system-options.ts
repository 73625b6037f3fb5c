// createSystem's options, checked by name and value before anything boots: a misspelt option or
// a value the kernel cannot take (a negative coherent pool crashed the boot) is one SystemError
// naming it, not a System that quietly ignores it or faults half way up.

import { DMA_DEBUG_CHECKS } from "./dma/debug.js";
import { setup_io_tlb_npages } from "./dma/swiotlb-cmdline.js";
import { type CmaCmdline, early_cma } from "./dma/cma-cmdline.js";
import { parseSize } from "./units.js";
import type { SystemOptions } from "./system.js";
import { isWholeIn, wholeNumberIn } from "./whole-number.js";
import { TREE_CHOSEN_BY } from "./tree-choice.js";

const KNOWN: Record<keyof SystemOptions, true> = {
  dtb: true, dtbName: true, dts: true, dtsName: true, dtsIncludeDirs: true, board: true, variant: true, treeChosenBy: true, profile: true, memory: true,
  dmaPeripherals: true, kernel: true, dmaDebug: true, swiotlb: true, coherentPool: true, cma: true,
  dmapoolDebug: true, zoneDmaBits: true, workaroundCleanCache: true, worker: true, debug: true,
  printkLevel: true,
};
const KERNELS = ["modern", "v4.9"];
const DEBUG_OPTIONS = ["enabled", "allErrors", "numErrors", "driverFilter", "entries", "checks"];

/** Throws `fail(message)` for the first option that is unknown or out of range. */
export function checkSystemOptions(o: SystemOptions, fail: (message: string) => Error): void {
  const unknown = (what: string, keys: string[], known: string[]) => {
    const bad = keys.find((k) => !known.includes(k));
    if (bad !== undefined) throw fail(`${what}unknown option "${bad}" (known: ${known.join(", ")})`);
  };
  const whole = (name: string, v: unknown, min: number, max?: number) => {
    if (v !== undefined && !isWholeIn(v, min, max)) throw fail(`${name} must be ${wholeNumberIn(min, max)}, not ${JSON.stringify(v) ?? String(v)}`);
  };
  const flag = (name: string, v: unknown) => {
    if (v !== undefined && typeof v !== "boolean") throw fail(`${name} must be true or false, not ${JSON.stringify(v)}`);
  };
  const object = (name: string, v: unknown): v is Record<string, unknown> => {
    if (v === undefined) return false;
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw fail(`${name} must be an object, not ${JSON.stringify(v)}`);
    return true;
  };

  unknown("", Object.keys(o), Object.keys(KNOWN));
  if (o.kernel !== undefined && !KERNELS.includes(o.kernel)) {
    throw fail(`kernel must be ${KERNELS.map((k) => `"${k}"`).join(" or ")}, not ${JSON.stringify(o.kernel)}`);
  }
  const dirs = o.dtsIncludeDirs;
  if (dirs !== undefined && (!Array.isArray(dirs) || dirs.some((d) => typeof d !== "string"))) {
    throw fail(`dtsIncludeDirs must be an array of directory names, not ${JSON.stringify(dirs)}`);
  }
  if (object("variant", o.variant)) {
    unknown("variant: ", Object.keys(o.variant), ["board", "name", "edits"]);
    const v = o.variant;
    if (typeof v.board !== "string" || typeof v.name !== "string" || !Array.isArray(v.edits)) {
      throw fail(`variant must be { board, name, edits } (a built-in board's name, the variant's, and its property edits), not ${JSON.stringify(v)}`);
    }
    const other = (["dtb", "dts", "board"] as const).find((k) => o[k] !== undefined);
    if (other) throw fail(`variant is a whole tree (${v.name}), and so is ${other}: give one of them`);
  }
  if (o.treeChosenBy !== undefined && !(TREE_CHOSEN_BY as readonly unknown[]).includes(o.treeChosenBy)) {
    throw fail(`treeChosenBy must be ${TREE_CHOSEN_BY.map((c) => `"${c}"`).join(", ")}, not ${JSON.stringify(o.treeChosenBy)}`);
  }
  // Sizes are read here, not only as the System boots, so that a sweep comparing them names a bad
  // one before any job runs, in the words createSystem uses.
  if (o.memory !== undefined) memorySize(o.memory, fail);
  if (o.cma !== undefined) cmaOption(o.cma, fail);
  whole("coherentPool", o.coherentPool, 0);
  whole("zoneDmaBits", o.zoneDmaBits, 1, 64);
  whole("printkLevel", o.printkLevel, 0, 7);
  for (const name of ["dmapoolDebug", "workaroundCleanCache", "worker", "debug"] as const) flag(name, o[name]);
  if (typeof o.swiotlb === "string") {
    try {
      setup_io_tlb_npages(o.swiotlb);
    } catch (e) {
      throw fail(`swiotlb: ${(e as Error).message}`);
    }
  } else if (o.swiotlb !== undefined && (typeof o.swiotlb !== "object" || o.swiotlb === null || Array.isArray(o.swiotlb))) {
    throw fail(`swiotlb must be an object ({ size, force, noforce }) or swiotlb='s text ("force", "noforce", "N" or "N,force"), not ${JSON.stringify(o.swiotlb)}`);
  } else if (object("swiotlb", o.swiotlb)) {
    unknown("swiotlb: ", Object.keys(o.swiotlb), ["size", "force", "noforce"]);
    whole("swiotlb.size", o.swiotlb.size, 0);
    flag("swiotlb.force", o.swiotlb.force);
    flag("swiotlb.noforce", o.swiotlb.noforce);
    // swiotlb= carries one word: the kernel can be told to bounce everything or nothing, not both.
    if (o.swiotlb.force && o.swiotlb.noforce) throw fail("swiotlb: force (bounce every mapping) and noforce (no bounce pool at all) contradict each other: give one");
  }
  if (typeof o.dmaDebug !== "boolean" && object("dmaDebug", o.dmaDebug)) {
    const d = o.dmaDebug;
    unknown("dmaDebug: ", Object.keys(d), DEBUG_OPTIONS);
    flag("dmaDebug.enabled", d.enabled);
    flag("dmaDebug.allErrors", d.allErrors);
    whole("dmaDebug.numErrors", d.numErrors, 0);
    whole("dmaDebug.entries", d.entries, 1);
    if (d.driverFilter !== undefined && typeof d.driverFilter !== "string") throw fail(`dmaDebug.driverFilter must be a driver name, not ${JSON.stringify(d.driverFilter)}`);
    if (object("dmaDebug.checks", d.checks)) {
      unknown("dmaDebug.checks: ", Object.keys(d.checks), [...DMA_DEBUG_CHECKS]);
      for (const [k, v] of Object.entries(d.checks)) flag(`dmaDebug.checks.${k}`, v);
    }
  }
  if (o.dmaPeripherals !== false && object("dmaPeripherals", o.dmaPeripherals)) {
    for (const [node, settings] of Object.entries(o.dmaPeripherals)) {
      if (object(`dmaPeripherals["${node}"]`, settings)) unknown(`dmaPeripherals["${node}"]: `, Object.keys(settings), ["tx", "rx"]);
    }
  }
}

/** The `memory` option in bytes: a positive whole number, or a size as people write it ("1G"). */
export function memorySize(v: unknown, fail: (message: string) => Error, name = "memory", min = 1): number {
  let n: number;
  try {
    n = typeof v === "number" || typeof v === "string" ? parseSize(v) : NaN;
  } catch (e) {
    throw fail(`${name}: ${(e as Error).message}`);
  }
  if (!Number.isSafeInteger(n) || n < min) throw fail(`${name}: ${String(v)} is not a size in bytes (try 64M, 1G)`);
  return n;
}

/** The `cma` option: a size as `memory` takes it (0: no area), or cma='s SIZE@BASE[-LIMIT] form. */
export function cmaOption(v: unknown, fail: (message: string) => Error): number | CmaCmdline {
  if (typeof v !== "string" || !v.includes("@")) return memorySize(v, fail, "cma", 0);
  try {
    return early_cma(v);
  } catch (e) {
    throw fail(`cma: ${(e as Error).message}`);
  }
}
