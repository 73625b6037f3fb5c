// The device-tree fuzz target. Each case mutates a seed tree (its blob bytes, its source text,
// or the tree itself, written back as a blob or as source) and feeds the result to what a
// user's file meets: the reader (format detection, blob parser, .dts compiler, JSON), dtc's
// checks, the three writers, and — for a share of the trees that survive — a boot.
//
// Invariants: a bad input ends in one clear error (a DtError for the reader and checks; at boot
// also BoardError, SystemError, KernelError, KernelPanic, or the CpuFault of a bus error where
// the tree put a device's registers), one line, never any other
// exception; a tree that reads back writes a blob that reads back to the same blob, and its
// .dts and JSON compile to that blob too; a booted System answers its /proc and /sys views and
// runs a small DMA copy when it has a memcpy channel.

import { readDeviceTree, type TreeFormat } from "../../of/load.js";
import { checkTree } from "../../of/checks.js";
import { parseFdt } from "../../of/fdt.js";
import { writeFdt } from "../../of/fdt-write.js";
import { writeDts } from "../../of/dts-write.js";
import { compileDts } from "../../of/dts.js";
import { parseJsonTree, writeJson } from "../../of/json.js";
import { DtError, type DeviceTree } from "../../of/node.js";
import { BoardError } from "../../hw/board.js";
import { CpuFault } from "../../hw/machine.js";
import { createLocalSystem, SystemError, type System } from "../../system.js";
import { KernelError, KernelPanic } from "../../kernel/errno.js";
import { DMA_MEMCPY } from "../../dmaengine/types.js";
import { dma_request_chan_by_mask, dma_release_channel, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_sync_wait } from "../../dmaengine/dmaengine.js";
import { dma_alloc_coherent, dma_free_coherent } from "../../dma/mapping.js";
import { GFP_KERNEL } from "../../mm/gfp.js";
import { mutateBlob, type Mutant } from "./blob-mutations.js";
import { mutateSource } from "./source-mutations.js";
import { mutateTree } from "./tree-mutations.js";
import { seedFormat, type DtSeed } from "./dt-corpus.js";
import { FuzzFailure, describeError, type FuzzCaseResult, type FuzzTarget } from "./target.js";
import type { Random } from "../../random.js";

export interface DtTargetOptions {
  /** Share of the trees that read back which are also booted (0 … 1; default 0.25). */
  bootShare?: number;
}

/** CpuFault kinds (machine.ts FAULT_NAMES) a tree can cause: registers placed where the bus
 *  answers with an error, or at an odd address. A translation or permission fault while booting
 *  would be a fault of dmasim's own page tables. */
const BUS_FAULTS = [4, 6];

/** The error classes a bad tree may end in: the kernel's and the emulator's own, never a bare
 *  TypeError or RangeError of the host. */
function isClearError(e: unknown, booting: boolean): e is Error {
  if (!(e instanceof Error) || !e.message || e.message.includes("\n")) return false;
  if (e instanceof DtError) return true;
  if (!booting) return false;
  if (e instanceof CpuFault) return BUS_FAULTS.includes(e.kind);
  return e instanceof BoardError || e instanceof SystemError || e instanceof KernelError || e instanceof KernelPanic;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export class DtFuzzTarget implements FuzzTarget {
  readonly name = "dt";
  private readonly bootShare: number;

  constructor(
    private readonly seeds: DtSeed[],
    options: DtTargetOptions = {},
  ) {
    if (!seeds.length) throw new Error("the DT fuzzer needs at least one seed tree");
    this.bootShare = options.bootShare ?? 0.25;
  }

  /** A mutant of a random seed. */
  mutant(r: Random): { seed: DtSeed; mutant: Mutant } {
    const seed = r.pick(this.seeds);
    const format = seedFormat(seed);
    const kind = r.int(3);
    if (kind === 0 && format === "dtb") return { seed, mutant: mutateBlob(r, seed.bytes) };
    if (kind === 0 || (kind === 1 && format !== "dtb")) return { seed, mutant: mutateSource(r, seed.bytes) };
    const tree = this.read(seed, seed.bytes).tree;
    const label = mutateTree(r, tree);
    if (r.chance(0.3)) return { seed, mutant: { bytes: new TextEncoder().encode(writeDts(tree)), label: `tree as .dts: ${label}` } };
    return { seed, mutant: { bytes: writeFdt(tree), label: `tree: ${label}` } };
  }

  private read(seed: DtSeed, bytes: Uint8Array): { tree: DeviceTree; format: TreeFormat } {
    const files = seed.files ?? {};
    return readDeviceTree(bytes, { name: seed.name, readFile: (path) => files[path] });
  }

  describeCase(r: Random, index: number): { label: string; input: Uint8Array } {
    const { seed, mutant } = this.mutant(r);
    return { label: `case ${index} from ${seed.name}: ${mutant.label}`, input: mutant.bytes };
  }

  async runCase(r: Random, index: number): Promise<FuzzCaseResult> {
    const { seed, mutant } = this.mutant(r);
    const label = `case ${index} from ${seed.name}: ${mutant.label}`;
    const fail = (what: string, e?: unknown): never => {
      throw new FuzzFailure(label, e === undefined ? what : `${what}: ${describeError(e)}`, mutant.bytes);
    };
    let tree: DeviceTree;
    let format: TreeFormat;
    try {
      ({ tree, format } = this.read(seed, mutant.bytes));
      if (format !== "dts") checkTree(tree);
    } catch (e) {
      if (isClearError(e, false)) return { outcome: `rejected (${e.constructor.name})` };
      return fail("reading", e);
    }
    const blob = this.roundTrip(tree, fail);
    if (!r.chance(this.bootShare)) return { outcome: "tree" };
    let system: System;
    try {
      system = await createLocalSystem({ dtb: blob, dtbName: seed.name, memory: seed.memory });
    } catch (e) {
      if (isClearError(e, true)) return { outcome: `boot refused (${e.constructor.name})` };
      return fail("booting", e);
    }
    try {
      return { outcome: exerciseSystem(system) };
    } catch (e) {
      return fail("using the booted System", e);
    } finally {
      system.dispose(); // its memory serves the next case's System (hw/memory-reuse.ts)
    }
  }

  /** The writers' invariants; returns the tree's blob. */
  private roundTrip(tree: DeviceTree, fail: (what: string, e?: unknown) => never): Uint8Array {
    let blob: Uint8Array;
    try {
      blob = writeFdt(tree);
    } catch (e) {
      return fail("writing the blob", e);
    }
    const again = (what: string, read: () => DeviceTree) => {
      let back: Uint8Array;
      try {
        const t = read();
        // .dts has no boot_cpuid_phys (dtc guesses it from /cpus, or takes -b).
        t.bootCpu = tree.bootCpu;
        back = writeFdt(t);
      } catch (e) {
        return fail(`reading back the ${what}`, e);
      }
      if (!equalBytes(back, blob)) fail(`the ${what} reads back as a different tree`);
    };
    again("blob", () => parseFdt(blob, "<written blob>"));
    again(".dts", () => compileDts(writeDts(tree), { name: "<written dts>" }));
    again("JSON", () => parseJsonTree(writeJson(tree), "<written json>"));
    return blob;
  }
}

/** What a user does first with a System: its views, and a small copy on a memcpy channel. */
function exerciseSystem(system: System): string {
  system.readFile("/proc/iomem");
  system.readFile("/proc/interrupts");
  system.readdir("/sys/class/dma");
  system.dmesg();
  let chan;
  try {
    chan = dma_request_chan_by_mask(system, DMA_MEMCPY);
  } catch (e) {
    if (e instanceof KernelError) return "booted";
    throw e;
  }
  const dev = chan.device.dev;
  const src = dma_alloc_coherent(dev, 4096, GFP_KERNEL);
  const dst = dma_alloc_coherent(dev, 4096, GFP_KERNEL);
  if (!src || !dst) throw new Error("dma_alloc_coherent failed on a freshly booted System");
  system.cpu.fill(src.cpuAddr, 0xa5, 4096);
  const tx = dmaengine_prep_dma_memcpy(chan, dst.dmaAddr, src.dmaAddr, 4096, 0);
  let outcome = "booted, memcpy refused";
  if (tx) {
    dma_sync_wait(chan, dmaengine_submit(tx));
    outcome = system.cpu.read(dst.cpuAddr, 4096).every((b) => b === 0xa5) ? "booted, memcpy ok" : "booted, memcpy incomplete";
  }
  dma_free_coherent(dev, 4096, dst.cpuAddr, dst.dmaAddr);
  dma_free_coherent(dev, 4096, src.cpuAddr, src.dmaAddr);
  dma_release_channel(chan);
  return outcome;
}
