// What a result ran on: the board, the machine profile, the kernel behaviour, the System options
// that change results and the dmasim version, so that a report or a JSON file mailed on its own
// still says where its numbers come from. Made once, when the System boots (system.ts), and
// copied into every output (run/sweep --json, HTML reports, the trace's otherData). Nothing in it
// depends on when or where it ran: results are identical every run, and so is this.

import type { SystemOptions } from "./system.js";
import type { KernelVersion } from "./mm/layout.js";
import { BOARDS } from "./boards.js";
import { swiotlbCmdlineText } from "./dma/swiotlb-cmdline.js";

/** package.json's version (a test keeps the two equal): a constant, so the browser bundle and a
 *  worker know it without reading the package. */
export const DMASIM_VERSION = "0.1.0";

/** The System options that change simulated results; the others name the tree (dtb, dts, board,
 *  profile, kernel: their own fields), choose where it runs (worker), the silicon build (debug:
 *  the same results with assertions on) or what is echoed (printkLevel). */
export const RESULT_OPTIONS = [
  "memory", "dmaPeripherals", "swiotlb", "coherentPool", "cma", "dmaDebug", "dmapoolDebug", "zoneDmaBits", "workaroundCleanCache",
] as const;

export type ResultOptions = Pick<SystemOptions, (typeof RESULT_OPTIONS)[number]>;

export interface Provenance {
  /** A built-in board's name ("arm64-ref"); absent when the tree came from a file. */
  board?: string;
  /** The file the tree was read from (--dtb, --dts); absent for a built-in board. */
  file?: string;
  /** The tree's model (its root's `model`, else its first compatible). */
  model: string;
  /** The machine profile's name ("arm64"). */
  profile: string;
  kernel: KernelVersion;
  /** The result-changing options given, as given; absent ones are the defaults. */
  options: ResultOptions;
  /** What dmasim assumed about the board (Board.assumed); absent when nothing was. */
  assumed?: string[];
  /** dmasim's version. */
  dmasim: string;
}

export interface ProvenanceSource {
  builtInBoard?: string;
  treeSource: string;
  model: string;
  profile: string;
  kernel: KernelVersion;
  options: SystemOptions;
  assumed: readonly string[];
}

export function makeProvenance(s: ProvenanceSource): Provenance {
  const options: Record<string, unknown> = {};
  for (const k of RESULT_OPTIONS) if (s.options[k] !== undefined) options[k] = structuredClone(s.options[k]);
  return {
    ...(s.builtInBoard !== undefined ? { board: s.builtInBoard } : { file: s.treeSource }),
    model: s.model,
    profile: s.profile,
    kernel: s.kernel,
    options: options as ResultOptions,
    ...(s.assumed.length ? { assumed: [...s.assumed] } : {}),
    dmasim: DMASIM_VERSION,
  };
}

/** The result-changing options given, each as `swiotlb=force`; `leaveOut` names any to skip. */
export function optionTexts(p: Provenance, leaveOut: readonly string[] = []): string[] {
  return Object.entries(p.options).filter(([k]) => !leaveOut.includes(k)).map(([k, v]) => `${k}=${optionValueText(k, v)}`);
}

/** An option's value as a reader would type it: `swiotlb` as the kernel parameter the CLI's
 *  --swiotlb takes (`1024,force`: slabs of 2 KiB; `0`, no pool; `noforce`), when it can say it
 *  (swiotlbCmdlineText; a pool of bytes that are not whole slabs stays JSON); anything else a
 *  string or JSON. */
export function optionValueText(key: string, v: unknown): string {
  if (typeof v === "string") return v;
  if (key === "swiotlb" && typeof v === "object" && v !== null) {
    const text = swiotlbCmdlineText(v);
    if (text !== undefined) return text;
  }
  return JSON.stringify(v);
}

/** One line for a report or a table's head: `arm64-ref ("…"), profile arm64, v4.9 kernel,
 *  swiotlb=force, dmasim 0.1.0`; the assumptions, being sentences, go on lines of their own. */
export function provenanceText(p: Provenance): string {
  return [`${p.board ?? p.file} (${JSON.stringify(p.model)})`, `profile ${p.profile}`, `${p.kernel} kernel`, ...optionTexts(p), `dmasim ${p.dmasim}`].join(", ");
}

/** What a result ran on as a heading says it, in the demo's words (`… on Zynq-7000 test board
 *  (modern kernel)`): the tree's model, then what else sets the numbers apart: the file the tree
 *  came from, a profile that is not the built-in board's own (--profile), the kernel and the
 *  result-changing options. The version and the assumptions are left to the reports, and so are
 *  the peripheral models (dmaPeripherals): a scenario wires them from its own parameters
 *  (uart-tx's baud), which its result's fields state, and they run to a paragraph of JSON. */
export function ranOnText(p: Provenance): string {
  const ownProfile = p.board !== undefined ? BOARDS[p.board]?.profile.name : undefined;
  const details = [
    ...(p.file !== undefined ? [p.file] : []),
    ...(p.profile !== ownProfile ? [`profile ${p.profile}`] : []),
    `${p.kernel} kernel`,
    ...optionTexts(p, ["dmaPeripherals"]),
  ];
  return `${p.model} (${details.join(", ")})`;
}
