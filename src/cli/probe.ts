// `dmasim probe BOARD [-i DIR] [--memory SIZE] [--iterations N] [--seed N] …`: boot a board (a built-in
// name, or a .dtb/.dts/JSON file), show the DMA controllers as the boot log and /sys/class/dma
// show them, run dmatest on every memcpy-capable channel, and end with "N passed, M failed"
// (channels). Exit 0 only when nothing failed: every DMA controller node bound its driver and
// every channel passed all its tests.
//
// A controller may offer more dmaengine channels than it has hardware threads (a PL330 offers
// one per peripheral request), so not all can be held at once, as in a Linux dmatest run. The
// channels are tested in rounds: each round is one dmatest run over the channels not yet
// tested, which takes as many as the controllers can give at the same time.

import { existsSync } from "node:fs";
import { createSystem } from "../create.js";
import type { System } from "../system.js";
import type { DeviceNode } from "../of/node.js";
import { BOARDS } from "../boards.js";
import { dmatest, type DmatestThreadResult } from "../dmaengine/dmatest.js";
import { DMA_MEMCPY } from "../dmaengine/types.js";
import { formatLine } from "../kernel/printk.js";
import { platformDrivers } from "../drivers/registry.js";
import { checkOptions, flag, UsageError, wholeFlag, type ParsedArgs } from "./args.js";
import { systemOptions } from "./system-options.js";
import { printTreeWarnings } from "./tree-warnings.js";
import { writeStdout } from "./stdout.js";
import { bootNotes } from "../sim/boot-notes.js";

export const PROBE_USAGE = `  probe BOARD       boot BOARD (a built-in name, or a .dtb/.dts file), list its DMA
                    controllers and channels, run dmatest on every memcpy channel,
                    end with "N passed, M failed"; exit 0 only if none failed
    --memory SIZE   DRAM size when the tree leaves it to the bootloader (e.g. 1G)
    --iterations N  dmatest tests per channel (default 10)
    --seed N        seed of dmatest's random offsets and lengths (default 1)`;

export interface ProbeOptions {
  iterations?: number;
  seed?: number;
}

export interface ProbeController {
  device: string;
  driver?: string;
  supported: boolean;
  /** The last probe's failure (`device.probe_failure`): "dma-pl330 NAME: probe failed with
   *  -EINVAL: <what the driver gave dev_err_probe>". */
  probeFailure?: string;
  /** The kernel's line when the controller's node got no device at all (a primecell whose
   *  registers something else claims: "OF: amba_device_add() failed (-16) for PATH"). */
  notAdded?: string;
}

export interface ProbeResult {
  /** The DMA controllers found, by device name, with the driver bound to each (if any),
   *  whether dmasim has a driver for them, and why its probe failed when it did. */
  controllers: ProbeController[];
  /** /sys/class/dma */
  channels: string[];
  /** One dmatest thread per tested channel, in channel order. */
  threads: DmatestThreadResult[];
  /** Channels no round could allocate. */
  untested: string[];
  /** Every dmatest line, round after round. */
  log: string[];
  passed: number;
  failed: number;
}

/** The DMA controllers of the board: devices whose node has #dma-cells, as of_dma providers
 *  have, and those dmasim's drivers (all DMA controller drivers: the PL330's) match, which
 *  probe without #dma-cells as Linux's pl330 does; `supported` when dmasim has a driver. Such
 *  nodes that got no device (of_platform_populate could not add it) follow, unbound. */
function dmaControllers(s: System): ProbeController[] {
  const supported = (n: DeviceNode) => platformDrivers.some((drv) => n.compatible.some((c) => drv.compatible.includes(c)));
  const controller = (n: DeviceNode) => n.has("#dma-cells") || supported(n);
  const devices = s.kernel.platformBus.devices
    .filter((d) => d.ofNode && controller(d.ofNode))
    .map((d) => ({ device: d.name, driver: d.driverName, supported: supported(d.ofNode!), ...(d.probe_failure ? { probeFailure: d.probe_failure } : {}) }));
  const notAdded = s.kernel.devicesNotAdded
    .filter((d) => controller(d.node))
    .map((d) => ({ device: d.name, supported: supported(d.node), notAdded: d.message }));
  return [...devices, ...notAdded];
}

/** dmatest on every memcpy-capable channel of the System, round after round. */
export function probeDma(s: System, o: ProbeOptions = {}): ProbeResult {
  const controllers = dmaControllers(s);
  const memcpyChannels = s.kernel.dmaengine.devices.filter((d) => d.cap_mask.has(DMA_MEMCPY)).flatMap((d) => d.channels.map((c) => c.name));
  const untested = new Set(memcpyChannels);
  const threads: DmatestThreadResult[] = [];
  const log: string[] = [];
  for (let round = 0; untested.size; round++) {
    const r = dmatest(s, { iterations: o.iterations ?? 10, seed: (o.seed ?? 1) + round, channels: [...untested] });
    if (!r.threads.length) break;
    log.push(...r.log);
    for (const t of r.threads) {
      untested.delete(t.channel);
      threads.push(t);
    }
  }
  threads.sort((a, b) => memcpyChannels.indexOf(a.channel) - memcpyChannels.indexOf(b.channel));
  const unbound = controllers.filter((c) => c.supported && !c.driver).length;
  const failed = threads.filter((t) => t.failures > 0 || t.tests === 0).length + untested.size + unbound;
  return {
    controllers, channels: s.dmaChannels().map((c) => c.name), threads, untested: [...untested], log,
    passed: threads.length - threads.filter((t) => t.failures > 0 || t.tests === 0).length, failed,
  };
}

/** "probe failed with -EINVAL: why", without the "driver device: " the line already names,
 *  and without the why when a boot line printed above already says it. */
function probeFailed(c: ProbeController, printed: string[]): string {
  // No probe ran: on the AMBA bus, no driver's id_table matched the peripheral ID (boot's notes).
  if (!c.probeFailure) return "never probed: no driver matched it, see the notes above";
  const at = c.probeFailure.indexOf("probe failed");
  if (at < 0) return "probe failed";
  const failed = c.probeFailure!.slice(at);
  const why = failed.indexOf(": ");
  return why >= 0 && printed.some((l) => l.includes(failed.slice(why + 2))) ? failed.slice(0, why) : failed;
}

/** `ls`'s columns: names padded to the widest, as many per line as fit in 80 columns. */
function columns(names: string[]): string {
  if (!names.length) return "";
  const w = Math.max(...names.map((n) => n.length)) + 2;
  const per = Math.max(1, Math.floor(80 / w));
  const lines: string[] = [];
  for (let i = 0; i < names.length; i += per) lines.push(names.slice(i, i + per).map((n) => n.padEnd(w)).join("").trimEnd());
  return lines.join("\n");
}

export async function probeCommand(a: ParsedArgs): Promise<number> {
  // --board, --dtb and --dts are refused below with what to do instead.
  checkOptions(a, "probe", ["memory", "iterations", "seed", "kernel", "dma-debug", "profile", "board", "dtb", "dts", "include"]);
  const board = a.positionals.shift();
  if (!board || a.positionals.length) throw new UsageError("usage: dmasim probe BOARD [-i DIR] [--memory SIZE] [--iterations N] [--seed N] [--kernel modern|v4.9] [--dma-debug] [--profile NAME]");
  if (flag(a, "board") ?? flag(a, "dtb") ?? flag(a, "dts")) throw new UsageError("probe takes the board as its argument, not --board/--dtb/--dts");
  if (BOARDS[board]) a.flags.set("board", [board]);
  else if (existsSync(board)) a.flags.set("dtb", [board]);
  else throw new UsageError(`no built-in board or file "${board}" (built in: ${Object.keys(BOARDS).join(", ")})`);
  const iterations = wholeFlag(a, "iterations", 10, 1);
  const seed = wholeFlag(a, "seed", 1, 1);
  const options = await systemOptions(a);
  const s = await createSystem({ ...options, worker: false });

  const r = probeDma(s, { iterations, seed });
  const names = r.controllers.map((c) => c.device);
  // The controllers' own lines, and kernel WARNINGs that name one (request_irq's on a PPI).
  const boot = s.kernel.printk.dmesg().filter((l) => names.some((n) => l.text.includes(` ${n}: `) || (l.text.startsWith("WARNING:") && l.text.includes(` ${n} `))));
  // Boot's notes (the device registers the memory covers among them) before the controllers:
  // most such nodes are not DMA controllers.
  const out: string[] = [`${board}: ${s.kernel.tree.model} (${s.board.profile.name})`, ...bootNotes(s).map((n) => `note: ${n}`), ""];
  out.push(`DMA controllers: ${r.controllers.length}`);
  out.push(...boot.map(formatLine));
  for (const c of r.controllers) {
    if (c.notAdded) out.push(`${c.device}: no device (${c.notAdded})`);
    else if (!c.driver) out.push(`${c.device}: ${c.supported ? `no driver bound (${probeFailed(c, boot.map((l) => l.text))})` : "no dmasim driver for this controller"}`);
  }
  out.push("", "$ ls /sys/class/dma", columns(r.channels), "");
  out.push(...r.log);
  for (const ch of r.untested) out.push(`${ch}: could not be allocated for dmatest`);
  if (!r.controllers.length) out.push("no DMA controllers on this board");
  out.push("", `${r.passed} passed, ${r.failed} failed`);
  // A controller's probe failure in the boot log says why in the kernel's words.
  printTreeWarnings(options, boot.map((l) => l.text));
  await writeStdout(out.join("\n") + "\n");
  return r.failed === 0 ? 0 : 1;
}
