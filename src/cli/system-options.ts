// The options every command that boots a System shares: --board, --dtb, --dts, --memory,
// --kernel, --cma, --swiotlb, --profile, --worker.

import type { SystemOptions } from "../system.js";
import { builtDeviceTree, hostFileReader } from "../of/load.js";
import type { DeviceTree } from "../of/node.js";
import { noteTreeWarnings } from "./tree-warnings.js";
import { flag, has, UsageError, type ParsedArgs } from "./args.js";
import { readInput } from "./dt.js";
import { parseSize } from "../units.js";
import { isWholeIn } from "../whole-number.js";
import { early_cma } from "../dma/cma-cmdline.js";
import { setup_io_tlb_npages } from "../dma/swiotlb-cmdline.js";
import { PROFILES } from "../hw/profile.js";
import { BOARDS, unknownBoardText } from "../boards.js";
import { dmaDebugValue } from "../sim/system-axis-text.js";

export const SYSTEM_USAGE = `  --board NAME      built-in board (zynq-7000, arm64-ref, arm64-highmem,
                    arm64-dma-offset); default zynq-7000
  --dtb FILE        boot this device tree instead (a blob, or .dts source: the
                    content tells)
  --dts FILE        boot this .dts source (/include/ files are read from its directory)
  -i, --include DIR another directory to search for the source's /include/ and /incbin/
                    files (dtc -i; repeatable): the original's, when cpp wrote the .dts elsewhere
  --memory SIZE     DRAM size when the tree leaves it to the bootloader (e.g. 1G)
  --kernel VERSION  modern (default) or v4.9 DMA behaviour
  --cma SIZE[@BASE[-LIMIT]]
                    cma=: a default CMA area of SIZE (e.g. 64M) for coherent allocations,
                    exactly at BASE, or between BASE and LIMIT (64M@0x50000000-0x60000000)
  --swiotlb [N][,force|noforce]
                    swiotlb= (arm64 boards): a bounce pool of N slabs of 2 KiB (rounded up to
                    128; 0: none), and/or force every streaming mapping through it (force,
                    32768,force); noforce: no pool at all, a mapping the device cannot reach
                    fails (modern kernel; 4.9 ignores the word)
  --dma-debug       CONFIG_DMA_API_DEBUG: check every DMA API call, report with the kernel's texts
                    (--dma-debug=off: not; a sweep compares --dma-debug=off,on)
  --profile NAME    machine profile (${Object.keys(PROFILES).join(", ")});
                    chosen from the tree's CPU otherwise
  --worker          run the System in a worker thread (demo, cat, ls)`;

/** The options systemOptions reads. */
export const SYSTEM_OPTIONS = ["board", "dtb", "dts", "include", "memory", "kernel", "profile", "worker", "dma-debug", "cma", "swiotlb"] as const;

function sizeOrNaN(text: string): number {
  try {
    return parseSize(text);
  } catch {
    return NaN;
  }
}

/** The tree option given, --dtb or --dts (refusing both), with its text (one file, or a sweep's
 *  comma list of them). */
export function treeOption(a: ParsedArgs): { option: "dtb" | "dts"; text: string } | undefined {
  const dtb = flag(a, "dtb");
  const dts = flag(a, "dts");
  if (dtb && dts) throw new UsageError("give --dtb or --dts, not both");
  if (dtb) return { option: "dtb", text: dtb };
  return dts ? { option: "dts", text: dts } : undefined;
}

/** A --dtb or --dts file as the blob a System boots: source is compiled here, where its
 *  /include/ files can be read, and handed on as a blob (which also crosses into a worker); a
 *  blob is parsed here too. A file that cannot be read, or a tree that does not build, is an
 *  error naming the file. */
export function readTreeFile(file: string, option: "dtb" | "dts", includeDirs: string[]): Uint8Array {
  return readBuiltTree(file, option, includeDirs).blob;
}

/** readTreeFile's blob with the tree it holds. */
function readBuiltTree(file: string, option: "dtb" | "dts", includeDirs: string[]): { tree: DeviceTree; blob: Uint8Array } {
  return builtDeviceTree(readInput(file), { name: file, format: option === "dts" ? "dts" : undefined, readFile: hostFileReader(), includeDirs });
}

export async function systemOptions(a: ParsedArgs): Promise<SystemOptions> {
  const o: SystemOptions = {};
  const tree = treeOption(a);
  const file = tree?.text;
  const includeDirs = a.flags.get("include") ?? [];
  // A tree replaces the built-in board: given both, one would be ignored without a word.
  const board = flag(a, "board");
  if (tree && board !== undefined) {
    throw new UsageError(`give --board or --${tree.option}, not both: --${tree.option} ${tree.text} boots that tree, and --board ${board} would go unused`);
  }
  if (tree) {
    const built = readBuiltTree(tree.text, tree.option, includeDirs);
    o.dtb = built.blob;
    o.dtbName = tree.text;
    o.treeChosenBy = `--${tree.option}`;
    noteTreeWarnings(o, built.tree, tree.text);
  } else if (includeDirs.length) throw new UsageError("-i/--include names directories for a --dts or --dtb source file's /include/s: give one");
  o.board = board;
  if (board !== undefined) o.treeChosenBy = "--board";
  // Checked here too, so that the way to a tree of one's own is named as the CLI takes it (the
  // library's message says createSystem's "dtb").
  if (o.board !== undefined && !file && !BOARDS[o.board]) throw new UsageError(unknownBoardText(o.board, "pass --dtb FILE or --dts FILE"));
  o.memory = flag(a, "memory");
  // Checked here too, so that the message names the option as the user typed it.
  if (o.memory !== undefined && !isWholeIn(sizeOrNaN(o.memory), 1)) {
    throw new UsageError(`--memory must be a size in bytes (try 64M, 1G), not "${o.memory}"`);
  }
  const cma = flag(a, "cma");
  if (cma !== undefined) {
    if (!cma.includes("@")) {
      if (!isWholeIn(sizeOrNaN(cma), 0)) throw new UsageError(`--cma must be a size in bytes (try 64M), not "${cma}"`);
    } else {
      try {
        early_cma(cma);
      } catch (e) {
        throw new UsageError(`--cma must be SIZE, SIZE@BASE or SIZE@BASE-LIMIT: ${(e as Error).message}`);
      }
    }
    o.cma = cma;
  }
  const swiotlb = flag(a, "swiotlb");
  if (swiotlb !== undefined) {
    try {
      o.swiotlb = setup_io_tlb_npages(swiotlb);
    } catch (e) {
      throw new UsageError(`--swiotlb must be N (slabs), force, noforce or N,force: ${(e as Error).message}`);
    }
  }
  o.profile = flag(a, "profile");
  const k = flag(a, "kernel");
  if (k !== undefined) {
    if (k !== "modern" && k !== "v4.9") throw new UsageError(`--kernel must be modern or v4.9, not "${k}"`);
    o.kernel = k;
  }
  if (has(a, "worker")) o.worker = true;
  if (has(a, "dma-debug") && dmaDebugSwitch(flag(a, "dma-debug") ?? "true")) o.dmaDebug = true;
  return o;
}

/** --dma-debug is a switch: given alone it reads "true" (cli.ts's BOOLEANS); `--dma-debug=off`
 *  (or false) leaves it off, as a sweep comparing `--dma-debug=off,on` needs, rather than turning
 *  it on for any text at all. */
export function dmaDebugSwitch(text: string): boolean {
  const on = dmaDebugValue(text);
  if (on === undefined) throw new UsageError(`--dma-debug is a switch (--dma-debug, or --dma-debug=on or =off), not "${text}"`);
  return on;
}
