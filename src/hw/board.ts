// Building the silicon for a board from its device tree, as the SoC integrator wired it: DRAM
// from the memory nodes, on-chip SRAM, every PL330 with its register window, interrupt wiring
// and configuration (a known SoC instance's preset, else the profile's), DMA peripheral models
// for the nodes that name PL330 requests in `dmas` (on the request lines the SoC wires them to:
// `dmasim,request-lines` where the board gives it), the PL310 outer cache, an integrated L2's
// size from its cache node (integrated-l2.ts); geometry and timing from the machine profile.

import type { SiliconExports } from "./exports.js";
import { Machine } from "./machine.js";
import { periodPs, type MachineProfile } from "./profile.js";
import { PL330_INSTANCES, type Pl330Preset } from "./pl330-presets.js";
import { profileProblem } from "./profile-problem.js";
import { BoardError } from "./board-error.js";
import { dmaPeripherals, dmasEntries, type PeripheralInstance, type NodePeripheralOptions } from "./board-peripherals.js";
import type { DeviceTree, DeviceNode } from "../of/node.js";
import { ofAddressResources, ofDmaGetRange, type Resource } from "../of/address.js";
import { pl330IrqWiring } from "./pl330-irq-wiring.js";
import { growHeapFor, heapRoomBytes } from "./heap-room.js";
import { integratedL2 } from "./integrated-l2.js";
import { pl330NodeCounts } from "./pl330-node-counts.js";
import { pl330PortCoherence, type PortCoherence } from "./port-coherent.js";
import { gicTyper } from "./gic-config.js";
import { gicNode } from "../of/irq.js";
import { ramBankOverlapping } from "./registers-in-ram.js";

export { BoardError } from "./board-error.js";
export type { PeripheralInstance, NodePeripheralOptions } from "./board-peripherals.js";

export interface DmacInstance {
  node: DeviceNode;
  base: number;
  size: number;
  index: number;
  preset: Pl330Preset;
  /** Whether its port snoops the CPU's caches, and whether the tree says so (port-coherent.ts). */
  coherence: PortCoherence;
}

export interface Board {
  tree: DeviceTree;
  profile: MachineProfile;
  ram: Resource[];
  sram: Resource[];
  dmacs: DmacInstance[];
  peripherals: PeripheralInstance[];
  outerCache?: Resource;
  /** The PL310 whose registers the memory nodes cover: not built (the bus would send those
   *  addresses to DRAM), so the outer cache is absent, as it is on Linux, whose ioremap of them
   *  fails (registers-in-ram.ts). */
  l2cInRam?: { node: DeviceNode; regs: Resource; bank: Resource };
  /** PL330 nodes whose registers the memory nodes cover: not built (the bus would send those
   *  addresses to DRAM), and Linux gives them no device (registers-in-ram.ts). */
  dmacsInRam: { node: DeviceNode; regs: Resource; bank: Resource }[];
  /** What dmasim assumed because the tree does not say it (an unknown SoC's profile or PL330
   *  configuration), and where dmasim's own properties build silicon that disagrees with what
   *  the tree tells Linux (a DMAC port whose coherence is not the tree's), one sentence each,
   *  for tools to show beside their results. */
  assumed: string[];
}

export interface BoardOptions {
  /** DRAM size for boards whose memory node is left to the bootloader. */
  memoryBytes?: number;
  /** DMA peripheral models for nodes with `dmas` (default: all, with default settings):
   *  false for none, or settings per node path or name. */
  dmaPeripherals?: false | Record<string, NodePeripheralOptions>;
}

const DRAM_CONTROLLER = 0;
/** addRam's answer when the address map has no region left (dram.ts). */
const RAM_TOO_MANY_REGIONS = -2;
const SRAM_CONTROLLER = 1;

function memoryNodes(tree: DeviceTree): DeviceNode[] {
  return [...tree.root.walk()].filter((n) => n.string("device_type") === "memory" && n.available);
}

/** DRAM banks: the memory nodes' reg, or `memoryBytes` at the node's (or the profile's) base. */
export function dramBanks(tree: DeviceTree, profile: MachineProfile, opts: BoardOptions): Resource[] {
  const nodes = memoryNodes(tree);
  let banks = nodes.flatMap((n) => ofAddressResources(n)).filter((r) => r.size > 0);
  if (opts.memoryBytes !== undefined) {
    const base = nodes.flatMap((n) => ofAddressResources(n))[0]?.start ?? profile.defaultRamBase;
    banks = [{ start: base, size: opts.memoryBytes }];
  }
  if (banks.length === 0) {
    throw new BoardError(
      nodes.length
        ? `${tree.source}: the memory node has no size (the bootloader fills it on this board); give the DRAM size with --memory SIZE`
        : `${tree.source}: no memory node (device_type = "memory"); give the DRAM size with --memory SIZE`,
    );
  }
  return mergeBanks(banks);
}

/** One bank per stretch of RAM: memory nodes that overlap or touch describe the same RAM
 *  (memblock_add merges them too), and the silicon cannot back one address twice. */
function mergeBanks(banks: Resource[]): Resource[] {
  const out: Resource[] = [];
  for (const b of [...banks].sort((x, y) => x.start - y.start)) {
    const last = out[out.length - 1];
    if (last && b.start <= last.start + last.size) last.size = Math.max(last.size, b.start + b.size - last.start);
    else out.push({ ...b });
  }
  return out;
}

const hex = (n: number) => "0x" + n.toString(16);
const formatMiB = (n: number) => `${Math.round((n / 2 ** 20) * 100) / 100} MiB`;

/** The interconnect in front of a PL330 (dma-windows.ts) translates its bus addresses through
 *  its bus's `dma-ranges`, as the kernel's of_dma_configure does for its DMA addresses. A bus
 *  whose windows all keep DMA = CPU address is left untranslated (every address reaches the
 *  memory map, as before windows were modelled). Not modelled, so refused: a window not on
 *  4 KiB boundaries (an AXI transaction must lie in one window), windows that put two bus
 *  ranges on the same memory (the DMAC's hazard tracking compares bus addresses), more windows
 *  than the silicon holds, and DMA peripheral models behind such a bus (their FIFO registers
 *  would have to be reached through a window too). */
function configureDmaWindows(x: SiliconExports, d: { node: DeviceNode; index: number }, peripherals: boolean): void {
  const ranges = d.node.parent ? ofDmaGetRange(d.node.parent) : null;
  if (!ranges || ranges.every((w) => w.cpuStart === w.dmaStart)) return;
  const where = `${d.node.path}: its bus's dma-ranges`;
  // Linux's workaround for a size given as a mask (of_dma_configure) applies to each window.
  const windows = ranges.map((w) => ({ ...w, size: w.size & 1n ? w.size + 1n : w.size }));
  for (const w of windows) {
    if ((w.dmaStart | w.cpuStart | w.size) & 0xfffn) {
      throw new BoardError(`${where} window at DMA 0x${w.dmaStart.toString(16)} is not on 4 KiB boundaries; the emulator's interconnect only models 4 KiB-aligned windows`);
    }
  }
  const byCpu = [...windows].sort((a, b) => (a.cpuStart < b.cpuStart ? -1 : 1));
  for (let i = 1; i < byCpu.length; i++) {
    if (byCpu[i].cpuStart < byCpu[i - 1].cpuStart + byCpu[i - 1].size) {
      throw new BoardError(`${where} put two bus ranges on CPU 0x${byCpu[i].cpuStart.toString(16)}; aliasing windows are not modelled`);
    }
  }
  if (peripherals) {
    throw new BoardError(`${where} translate its addresses, and DMA peripheral models behind such a bus are not modelled (their registers are not reached through the windows)`);
  }
  for (const w of windows) {
    if (!x.addPl330DmaWindow(d.index, Number(w.dmaStart), Number(w.cpuStart), Number(w.size))) {
      throw new BoardError(`${where} have ${windows.length} windows; the emulator's interconnect holds ${MAX_DMA_WINDOWS}`);
    }
  }
}

/** Windows the silicon holds per DMAC (dma-windows.ts MAX_WINDOWS). */
const MAX_DMA_WINDOWS = 8;

/** Whether any available node names `dmac` in its `dmas` (each would get a peripheral model). */
function hasDmaClients(tree: DeviceTree, dmac: DeviceNode): boolean {
  for (const node of tree.root.walk()) {
    const cells = node.cells("dmas");
    if (!cells.length || !node.available) continue;
    for (let at = 0; at < cells.length;) {
      const provider = tree.findByPhandle(cells[at]);
      if (provider === dmac) return true;
      at += 1 + (provider?.u32("#dma-cells") ?? 1);
    }
  }
  return false;
}

/** RAM the silicon can still back, in MiB. */
function ramRoomMiB(x: SiliconExports): number {
  return Math.floor(heapRoomBytes(x) / 2 ** 20);
}

/** The known SoC instance (root compatible and register base) a PL330 node is, if any. */
function knownPl330(node: DeviceNode, tree?: DeviceTree): (typeof PL330_INSTANCES)[number] | undefined {
  const socs = tree?.root.compatible ?? [];
  const base = ofAddressResources(node)[0]?.start;
  return PL330_INSTANCES.find((i) => socs.includes(i.soc) && (i.base === undefined || i.base === base));
}

/** The highest request line an available node's `dmas` names on `dmac` (one-cell specifiers),
 *  or -1. */
function highestRequest(tree: DeviceTree, dmac: DeviceNode): number {
  let max = -1;
  for (const node of tree.root.walk()) {
    if (!node.available) continue;
    for (const { provider, n, spec } of dmasEntries(tree, node)) {
      if (provider === dmac && n === 1 && spec.length === 1) max = Math.max(max, spec[0]);
    }
  }
  return max;
}

/** What the board was built on without the tree saying so, for a PL330 of no known SoC
 *  instance: the profile's configuration (the counts the node gives named as its), and the
 *  request lines its clients need beyond it. */
function pl330Assumption(d: DmacInstance, profile: MachineProfile, tree: DeviceTree): string | undefined {
  if (knownPl330(d.node, tree)) return undefined;
  const p = d.preset;
  const soc = tree.root.compatible.map((c) => `"${c}"`).join(", ") || "a root without compatible";
  const highest = highestRequest(tree, d.node);
  const beyond = highest >= p.requests
    ? `; its clients' dmas name request line ${highest}, which this configuration lacks (their dma_request_chan fails with -ENODEV): give the node #dma-requests = <${highest + 1}> or more`
    : "";
  // each count from the node where it gives one, else the profile's; the hint names the
  // properties that would set the others
  const given = pl330NodeCounts(d.node);
  const fromNode: string[] = [], fromProfile: string[] = [], unset: string[] = [];
  if (given.channels !== undefined) fromNode.push(`${p.channels} channels`);
  else fromProfile.push(`${p.channels} channels`), unset.push("#dma-channels");
  if (given.requests !== undefined) fromNode.push(`${p.requests} request lines`);
  else fromProfile.push(`${p.requests} request lines`), unset.push("#dma-requests");
  fromProfile.push(`${p.events} events`, `${p.bufferDepth}-line MFIFO`, `the ${profile.name} profile's`);
  const counts = (fromNode.length ? `${fromNode.join(" and ")} from the node; ` : "") + fromProfile.join(", ");
  const hint = unset.length ? `; ${unset.join(" / ")} in the node set${unset.length === 1 ? "s" : ""} the count${unset.length === 1 ? "" : "s"}` : "";
  return `${d.node.path}: PL330 configuration assumed (${counts}): dmasim has no preset for ${soc} at 0x${d.base.toString(16)}` +
    `${hint}${beyond}`;
}

/** The PL330 configuration for a DT node: a known SoC instance's (by the root compatible and
 *  the register base), else the profile's; channel and request counts from the binding when
 *  the node gives ones a DMA-330 can have (pl330-node-counts.ts). */
export function pl330Preset(node: DeviceNode, profile: MachineProfile, tree?: DeviceTree): Pl330Preset {
  const p = { ...(knownPl330(node, tree)?.preset ?? profile.dmac.preset) };
  const { channels, requests } = pl330NodeCounts(node);
  if (channels !== undefined) p.channels = channels;
  if (requests !== undefined) p.requests = requests;
  return p;
}

/** Drives the GIC lines from the DMAC's outputs as its node lists them (pl330-irq-wiring.ts). */
function wireDmacIrqs(x: SiliconExports, tree: DeviceTree, d: DmacInstance): void {
  const w = pl330IrqWiring(tree, d.node, d.preset.events);
  if (!w) return;
  if (w.abort >= 0) x.wirePl330Abort(d.index, w.lines[w.abort]);
  w.events.forEach((entry, e) => {
    if (entry >= 0) x.wirePl330Irq(d.index, e, w.lines[entry]);
  });
}

const psPerKiB = (mbps: number) => Math.round((1024 * 1e12) / (mbps * 1e6));

/** The CPU side of the silicon from a profile: memory controllers' timing, caches, TLB, table
 *  walker, prefetcher, CPU port costs. Everything but RAM and devices. */
export function configureMemorySystem(x: SiliconExports, profile: MachineProfile): void {
  const problem = profileProblem(profile);
  if (problem) throw new BoardError(`profile ${profile.name}: ${problem}`);
  const cpuPs = 1e6 / profile.cpu.clockMHz;
  x.configureMemController(DRAM_CONTROLLER, profile.dram.latencyNs * 1000, psPerKiB(profile.dram.bandwidthMBps));
  x.configureMemController(SRAM_CONTROLLER, profile.sram.latencyNs * 1000, psPerKiB(profile.sram.bandwidthMBps));
  const l2 = profile.l2;
  x.configureCaches(
    profile.l1d.sizeBytes, profile.l1d.ways, profile.l1d.lineBytes, profile.l1d.replacement === "lru" ? 0 : 1,
    l2?.sizeBytes ?? 0, l2?.ways ?? 0, l2?.replacement === "lru" ? 0 : 1,
    l2 && !l2.outer ? 3 : 1,
  );
  x.configureCacheCosts(
    Math.round(profile.cpu.l1HitCycles * cpuPs), Math.round(profile.cpu.l2HitCycles * cpuPs),
    Math.round(profile.cpu.maintCycles * cpuPs), profile.cpu.outstandingMisses,
  );
  const tlbSets = profile.tlb.entries > 0 ? Math.max(1, profile.tlb.entries / profile.tlb.ways) : 0;
  x.configureTlb(tlbSets, profile.tlb.ways, Math.round(profile.cpu.tlbMissCycles * cpuPs));
  x.configureWalks(profile.walk.allocateInL2 ? 1 : 0);
  x.configureWalkCache(profile.walk.cacheEntries, profile.walk.cacheWays);
  const pf = profile.cpu.prefetch;
  x.configurePrefetch(pf.nextLine ? 1 : 0, pf.speculativeEvery, pf.speculativeWindow);
  x.configureZva(profile.cpu.zvaBytes);
  x.configureSnoop(Math.round((profile.cpu.snoopLookupCycles ?? 0) * cpuPs), Math.round((profile.cpu.snoopHitCycles ?? 0) * cpuPs));
  x.configureCpu(Math.round(cpuPs), profile.cpu.mmioNs * 1000, Math.round(profile.cpu.ncIssueCycles * cpuPs),
    profile.cpu.ncReadBytes, profile.cpu.ncWriteBytes, profile.cpu.writeBufferSlots);
}

/** The outer cache controller Linux would enable (l2x0_of_init): the first available
 *  "arm,pl310-cache" node with a register window. */
function outerCacheController(tree: DeviceTree): { node: DeviceNode; regs: Resource } | undefined {
  for (const node of tree.compatibleNodes("arm,pl310-cache")) {
    const regs = ofAddressResources(node)[0];
    if (regs) return { node, regs };
  }
  return undefined;
}

/** The window of the GIC distributor's registers (its GICD_TYPER is set before any device is
 *  built: gic-config.ts), where the GIC node gives one outside memory. Mapped after every other
 *  device, so a device an odd tree puts at the same address keeps it; a GIC node whose registers
 *  cannot be read, or lie in memory, gets none (the tree boots as before). */
function mapGicDistributor(x: SiliconExports, tree: DeviceTree, memory: Resource[]): void {
  const node = gicNode(tree);
  let regs: Resource | undefined;
  try {
    regs = node && ofAddressResources(node)[0];
  } catch {
    return;
  }
  const r = regs;
  if (!r || r.size <= 0 || ramBankOverlapping(memory, r)) return;
  x.addGicDistributor(r.start, r.size);
}

export function buildBoard(x: SiliconExports, tree: DeviceTree, profile: MachineProfile, opts: BoardOptions = {}): { machine: Machine; board: Board } {
  const ram = dramBanks(tree, profile, opts);
  const l2c = profile.l2?.outer ? outerCacheController(tree) : undefined;
  const l2cBank = l2c && ramBankOverlapping(ram, l2c.regs);
  const l2cInRam = l2c && l2cBank ? { ...l2c, bank: l2cBank } : undefined;
  // Only l2x0_of_init turns an outer L2 on, and it needs the controller's node: on a board
  // without one the cache stays off. Modelling it on would leave lines no kernel cleans. A
  // controller whose registers RAM covers is not built either: Linux's ioremap of them fails,
  // and the cache stays off (the kernel's side: arch/l2x0-of-init.ts).
  if (profile.l2?.outer && (!l2c || l2cInRam)) profile = { ...profile, l2: undefined };
  const l2 = integratedL2(tree, profile);
  profile = l2.profile;
  configureMemorySystem(x, profile);
  x.configureGic(gicTyper(tree));

  const total = ram.reduce((n, b) => n + b.size, 0);
  for (const bank of ram) {
    const room = ramRoomMiB(x);
    const refused = bank.size <= room * 2 ** 20 ? growHeapFor(x, bank.size) : undefined;
    if (refused) {
      throw new BoardError(
        `${formatMiB(total)} of DRAM: the host would not grow the emulator's wasm memory for the bank at ${hex(bank.start)} ` +
          `(${refused}); use a smaller --memory`,
      );
    }
    const r = x.addRam(bank.start, bank.size, DRAM_CONTROLLER);
    if (r === RAM_TOO_MANY_REGIONS) throw new BoardError(`${tree.source}: too many DRAM banks (${ram.length}) for the emulator's address map`);
    if (r < 0) {
      throw new BoardError(
        `${formatMiB(total)} of DRAM does not fit in the emulator's wasm32 memory (4 GiB, of which about ${room} MiB are left for ` +
          `the bank at ${hex(bank.start)}); use a smaller --memory`,
      );
    }
  }
  const sram: Resource[] = [];
  for (const n of tree.compatibleNodes("mmio-sram")) {
    for (const r of ofAddressResources(n)) {
      if (x.addRam(r.start, r.size, SRAM_CONTROLLER) < 0) throw new BoardError(`${n.path}: cannot add ${r.size} bytes of SRAM`);
      sram.push(r);
    }
  }

  let outerCache: Resource | undefined;
  if (l2c && profile.l2) {
    x.addPl310(l2c.regs.start, l2c.regs.size, (profile.l2.registerNs ?? profile.cpu.mmioNs) * 1000);
    outerCache = l2c.regs;
  }

  const dmacs: DmacInstance[] = [];
  const dmacsInRam: Board["dmacsInRam"] = [];
  for (const node of tree.compatibleNodes("arm,pl330")) {
    const r = ofAddressResources(node)[0];
    if (!r) continue;
    const regs = { start: r.start, size: r.size || 0x1000 };
    const bank = ramBankOverlapping(ram, regs);
    if (bank) {
      dmacsInRam.push({ node, regs, bank });
      continue;
    }
    const preset = pl330Preset(node, profile, tree);
    const coherence = pl330PortCoherence(node);
    const index = x.addPl330(
      r.start, r.size || 0x1000, preset.channels, preset.requests, preset.events, preset.dataWidthBits,
      preset.bufferDepth, preset.rdCap, preset.wrCap, preset.rdQueue, preset.wrQueue, preset.icacheLines,
      preset.icacheLineBytes, preset.revision, 0, 0, 0, periodPs(profile.dmac.axiClockMHz),
      coherence.portCoherent ? 1 : 0, profile.dmac.deviceLatencyNs * 1000,
    );
    if (index < 0) throw new BoardError(`${node.path}: too many devices for the emulator's address map`);
    const d = { node, base: r.start, size: r.size, index, preset, coherence };
    configureDmaWindows(x, d, opts.dmaPeripherals !== false && hasDmaClients(tree, node));
    wireDmacIrqs(x, tree, d);
    dmacs.push(d);
  }

  const machine = new Machine(x, profile);
  const peripherals = opts.dmaPeripherals === false ? [] : dmaPeripherals(machine, tree, dmacs, opts.dmaPeripherals ?? {}, ram);
  mapGicDistributor(x, tree, [...ram, ...sram]);
  const assumed = [
    ...l2.notes,
    ...dmacs.flatMap((d) => [pl330Assumption(d, profile, tree) ?? [], pl330NodeCounts(d.node).ignored, d.coherence.note ?? []].flat()),
  ];
  return { machine, board: { tree, profile, ram, sram, dmacs, peripherals, outerCache, l2cInRam, dmacsInRam, assumed } };
}
