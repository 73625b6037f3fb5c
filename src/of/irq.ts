// Resolving a node's interrupts as Linux does (drivers/of/irq.c): `interrupts-extended` names
// the controller per entry; otherwise `interrupts` goes to the interrupt parent, found by
// following `interrupt-parent` or the tree upwards to a node with #interrupt-cells. Nexus nodes
// with `interrupt-map` translate the specifier on the way (of_irq_parse_raw). At an ARM GIC the
// specifier becomes an interrupt ID (gic_irq_domain_translate: SPI n is 32 + n, PPI n is 16 + n,
// the third cell the trigger type): that ID is the line number in the silicon.

import { DtError, type DeviceNode, type DeviceTree } from "./node.js";
import { ofParsePhandleWithArgs } from "./phandle.js";
import { EINVAL, EOVERFLOW } from "../kernel/errno.js";
import type { KernelVersion } from "../mm/layout.js";

/** IRQ_TYPE_* of include/linux/irq.h (the low bits of the GIC's third cell). */
export const IRQ_TYPE_NONE = 0;
export const IRQ_TYPE_EDGE_RISING = 1;
export const IRQ_TYPE_EDGE_FALLING = 2;
export const IRQ_TYPE_LEVEL_HIGH = 4;
export const IRQ_TYPE_LEVEL_LOW = 8;
export const IRQ_TYPE_SENSE_MASK = 0xf;

/** The GIC compatibles of Linux's irq-gic.c and irq-gic-v3.c. */
const GIC_V2 = [
  "arm,gic-400", "arm,arm11mp-gic", "arm,arm1176jzf-devchip-gic", "arm,cortex-a15-gic", "arm,cortex-a9-gic",
  "arm,cortex-a7-gic", "arm,eb11mp-gic", "arm,pl390", "arm,tc11mp-gic", "qcom,msm-8660-qgic", "qcom,msm-qgic2",
];
const GIC_V3 = ["arm,gic-v3"];
/** of_irq_parse_raw's bound on a specifier with its unit address (include/linux/of.h). */
const MAX_PHANDLE_ARGS = 16;
/** Interrupt IDs the silicon has lines for. */
export const NR_LINES = 1024;
/** The most interrupt IDs a GIC implements: gic_init_bases caps 32 × (ITLinesNumber + 1) at
 *  1020 (IDs 1020-1023 are special, 1023 the spurious ID). */
export const GIC_MAX_IRQS = 1020;
/** The distributor's Interrupt Controller Type Register (GICD_TYPER; the A9's ICDICTR). */
export const GICD_TYPER = 0x004;
/** SPI 0's interrupt ID: IDs below it are per-CPU (SGIs 0-15, PPIs 16-31). */
export const GIC_FIRST_SPI = 32;

export interface IrqSpec {
  /** The interrupt controller the specifier ends at. */
  controller: DeviceNode;
  /** The specifier in that controller's cells. */
  cells: number[];
  /** GIC interrupt ID (the silicon's line), or -1 when the controller is not a GIC or the
   *  GIC has no such ID. */
  line: number;
  /** The GIC interrupt ID gic_irq_domain_translate gives, past the GIC's IDs too; -1 when the
   *  controller is not a GIC or the specifier is none of its kinds. */
  hwirq: number;
  /** Trigger type (IRQ_TYPE_*), 0 when the controller does not say. */
  type: number;
}

/** gic_init_bases (irq-gic.c; irq-gic-v3.c's GICD_TYPER_IRQS, 4.9 and 6.x): the interrupt IDs a
 *  distributor implements, 32 × (ITLinesNumber + 1), at most 1020. */
export function gicIrqsFromTyper(typer: number): number {
  return Math.min(32 * ((typer & 0x1f) + 1), GIC_MAX_IRQS);
}

/** The interrupt controller Linux's irqchip init takes: the first available GIC node. */
export function gicNode(tree: DeviceTree): DeviceNode | undefined {
  for (const n of tree.root.walk()) if (isGic(n) && n.has("interrupt-controller") && n.available) return n;
  return undefined;
}

export function isGic(node: DeviceNode): 2 | 3 | 0 {
  if (GIC_V3.some((c) => node.isCompatible(c))) return 3;
  if (GIC_V2.some((c) => node.isCompatible(c))) return 2;
  return 0;
}

/** gic_irq_domain_translate: [interrupt ID, trigger type], or undefined for a bad specifier
 *  (-EINVAL). The first cell's kinds, by kernel:
 *  - GICv2 6.x: 0 SPI (32 + n), 1 PPI (16 + n), any other -EINVAL. Linux 4.9's irq-gic.c had no
 *    such check: it added 16 to skip the SGIs and 16 more only when the first cell was 0, so any
 *    nonzero first cell read as a PPI (<2 3 4> is ID 19).
 *  - GICv3: 0 SPI, 1 PPI; 6.x also 2 ESPI (4096 + n) and 3 EPPI (1056 + n), which came in 5.4:
 *    4.9's switch returns -EINVAL for them. */
export function gicTranslate(version: 2 | 3, cells: number[], kernel: KernelVersion = "modern"): [number, number] | undefined {
  if (cells.length < 3) return undefined;
  const [kind, n, flags] = cells;
  const base = gicSpecifierBase(version, kind, kernel);
  if (base < 0) return undefined;
  return [base + n, flags & IRQ_TYPE_SENSE_MASK];
}

/** The interrupt ID of n = 0 for a specifier's first cell, -1 for a kind the kernel refuses. */
function gicSpecifierBase(version: 2 | 3, kind: number, kernel: KernelVersion): number {
  if (kind === 0) return 32;
  if (kind === 1) return 16;
  if (version === 2) return kernel === "v4.9" ? 16 : -1;
  if (kernel === "v4.9") return -1;
  return kind === 2 ? 4096 : kind === 3 ? 1056 : -1;
}

/** The WARN gic_irq_domain_translate gives a specifier whose trigger type is IRQ_TYPE_NONE
 *  ("Make it clear that broken DTs are... broken"), or undefined. Linux 4.9 says nothing: the
 *  WARN_ONs came after it (irq-gic.c 83a86fbb5b56, irq-gic-v3.c 6ef6386ef7c1, 2018), and
 *  irq-gic.c's took its message, the hardware interrupt ID, in 5.19. */
export function gicTranslateWarning(spec: IrqSpec, version: string): string | undefined {
  const v = isGic(spec.controller);
  if (!v || spec.hwirq < 0 || spec.type !== IRQ_TYPE_NONE || version === "v4.9") return undefined;
  return v === 2
    ? `WARNING: drivers/irqchip/irq-gic.c: gic_irq_domain_translate: HW irq ${spec.hwirq} has invalid type`
    : "WARNING: drivers/irqchip/irq-gic-v3.c: gic_irq_domain_translate: WARN_ON(*type == IRQ_TYPE_NONE && fwspec->param[0] != GIC_IRQ_TYPE_PARTITION)";
}

/** of_irq_find_parent: follow interrupt-parent (or the parent node) to a node with
 *  #interrupt-cells. Linux loops forever on an interrupt-parent cycle (a node whose parent
 *  chain leads back to itself without #interrupt-cells); dmasim refuses the tree instead. */
export function ofIrqFindParent(tree: DeviceTree, child: DeviceNode): DeviceNode | undefined {
  const seen = new Set<DeviceNode>();
  let n: DeviceNode | undefined = child;
  do {
    if (seen.has(n)) throw new DtError(`${child.path}: interrupt-parent loop through ${n.path}`);
    seen.add(n);
    const ph: number | undefined = n.u32("interrupt-parent");
    n = ph !== undefined ? tree.findByPhandle(ph) : (n.parent ?? undefined);
  } while (n && !n.has("#interrupt-cells"));
  return n;
}

/** of_irq_parse_raw: walks the interrupt tree from `np` with specifier `args` (and the device's
 *  unit address `addr`) to the controller that takes it. */
function parseRaw(tree: DeviceTree, device: DeviceNode, addr: number[], np: DeviceNode, spec: number[]): { np: DeviceNode; args: number[] } {
  const fail = (why: string): never => {
    throw new DtError(`${device.path}: interrupt <${spec.join(" ")}> does not resolve: ${why}`);
  };
  // An acyclic interrupt tree visits each node at most once on the way to its controller, so
  // more hops than nodes is a loop of interrupt-map or interrupt-parent links (Linux would spin).
  let hops = 0;
  const maxHops = nodeCount(tree);
  let ipar: DeviceNode | undefined = np;
  let intsize: number | undefined;
  while (ipar && (intsize = ipar.u32("#interrupt-cells")) === undefined) {
    if (++hops > maxHops) return fail(`the interrupt tree loops at ${ipar.path}`);
    ipar = ofIrqFindParent(tree, ipar);
  }
  if (!ipar || intsize === undefined) return fail("no interrupt parent with #interrupt-cells");
  if (spec.length !== intsize) return fail(`${ipar.path} takes ${intsize} cells`);
  // Linux's old trick: #address-cells of the parent or, failing that, of its ancestors.
  let addrsize = 2;
  for (let n: DeviceNode | null = ipar; n; n = n.parent) {
    const a = n.u32("#address-cells");
    if (a !== undefined) {
      addrsize = a;
      break;
    }
  }
  if (addrsize + intsize > MAX_PHANDLE_ARGS) return fail(`${ipar.path}: #address-cells + #interrupt-cells = ${addrsize + intsize} is more than ${MAX_PHANDLE_ARGS}`);
  let match = [...Array.from({ length: addrsize }, (_, i) => addr[i] ?? 0), ...spec];
  let args = spec;
  while (ipar) {
    if (++hops > maxHops) return fail(`the interrupt tree loops at ${ipar.path}`);
    const imap = ipar.has("interrupt-map") ? ipar.cells("interrupt-map") : undefined;
    if (ipar.has("interrupt-controller") && !imap) return { np: ipar, args };
    if (!imap) {
      ipar = ofIrqFindParent(tree, ipar);
      continue;
    }
    const mask = ipar.has("interrupt-map-mask") ? ipar.cells("interrupt-map-mask") : [];
    let newpar: DeviceNode | undefined;
    let newaddr = 0;
    let newint = 0;
    let found: number[] | undefined;
    for (let i = 0; i + addrsize + intsize + 1 <= imap.length && !found; ) {
      let ok = true;
      for (let k = 0; k < addrsize + intsize; k++) {
        if (((match[k] ^ imap[i + k]) & (mask[k] ?? 0xffffffff)) !== 0) ok = false;
      }
      i += addrsize + intsize;
      newpar = tree.findByPhandle(imap[i++]);
      if (!newpar) return fail(`interrupt-map of ${ipar.path} names a phandle no node has`);
      if (!newpar.available) ok = false;
      const ni = newpar.u32("#interrupt-cells");
      if (ni === undefined) return fail(`${newpar.path} has no #interrupt-cells`);
      newint = ni;
      newaddr = newpar.u32("#address-cells") ?? 0;
      if (newaddr + newint > MAX_PHANDLE_ARGS) return fail(`${newpar.path}: #address-cells + #interrupt-cells = ${newaddr + newint} is more than ${MAX_PHANDLE_ARGS}`);
      if (i + newaddr + newint > imap.length) return fail(`interrupt-map of ${ipar.path} is malformed`);
      if (ok) found = imap.slice(i, i + newaddr + newint);
      i += newaddr + newint;
    }
    if (!found || !newpar) return fail(`no interrupt-map entry of ${ipar.path} matches`);
    match = found;
    args = found.slice(newaddr);
    intsize = newint;
    addrsize = newaddr;
    if (newpar === ipar) return { np: ipar, args };
    ipar = newpar;
  }
  return fail("the interrupt tree ends without a controller");
}

function nodeCount(tree: DeviceTree): number {
  let n = 0;
  for (const _ of tree.root.walk()) n++;
  return n;
}

function toSpec(np: DeviceNode, args: number[], kernel: KernelVersion): IrqSpec {
  const v = isGic(np);
  const t = v ? gicTranslate(v, args, kernel) : undefined;
  const line = t && t[0] < NR_LINES ? t[0] : -1;
  return { controller: np, cells: args, line, hwirq: t?.[0] ?? -1, type: t?.[1] ?? IRQ_TYPE_NONE };
}

/** A GIC interrupt ID past the `gicIrqs` IDs the GIC implements (SPI 2000 is ID 2032; on a
 *  Zynq-7000, with 96 IDs, SPI 64 is ID 96): no line of the silicon. */
export function irqSpecPastGic(spec: IrqSpec, gicIrqs: number): boolean {
  return isGic(spec.controller) !== 0 && spec.hwirq >= gicIrqs;
}

/** The GIC interrupt ID (hwirq) of_irq_get maps for a resolved interrupt (the irq number it gets
 *  is the domain's: kernel/irq-desc.ts), -1 when it maps none, for a GIC that implements `gicIrqs` IDs. An ID past them still maps
 *  on a GICv2: gic_irq_domain_translate (irq-gic.c, 4.9 and 6.x) checks no range,
 *  gic_irq_domain_map neither, and the domain, a hierarchy one (it has .alloc:
 *  irq_domain_check_hierarchy), keeps a hwirq past its linear revmap in its radix tree
 *  (irq_domain_set_mapping). A GICv3 on 4.9 refuses it: gic_irq_domain_map returns -EPERM for
 *  hw >= irq_nr below 8192 (the LPIs, which dmasim does not model, start there). On 6.x,
 *  gic_irq_domain_map takes any ID of the SPI range (__get_intid_range: 32-1019) whatever
 *  GICD_TYPER says, and refuses -EPERM outside the ranges it knows; dmasim maps no extended
 *  PPI or SPI either. */
export function ofIrqNumber(spec: IrqSpec, gicIrqs: number, kernel: KernelVersion = "modern"): number {
  const v = isGic(spec.controller);
  if (!v || spec.hwirq < 0) return -1;
  if (spec.hwirq < gicIrqs) return spec.hwirq;
  if (v === 2) return spec.hwirq;
  return kernel !== "v4.9" && spec.hwirq >= GIC_FIRST_SPI && spec.hwirq < GIC_MAX_IRQS ? spec.hwirq : -1;
}

/** Why a resolved interrupt has no GIC line (`line` -1, or an ID past the `gicIrqs` the GIC
 *  implements), in the tree's terms, for the message of a driver that needs the interrupt. */
export function irqSpecWithoutLine(spec: IrqSpec, gicIrqs: number, kernel: KernelVersion = "modern"): string {
  const cells = `<${spec.cells.join(" ")}>`;
  const v = isGic(spec.controller);
  if (!v) return `${cells} ends at ${spec.controller.path}, not at a GIC: dmasim wires GIC interrupts only`;
  if (spec.hwirq < 0) return `${cells} is no GICv${v} specifier (its first cell is 0 for an SPI, 1 for a PPI)`;
  // Past every ID any GIC has (the architecture ends at 1019): no count to name.
  if (spec.hwirq >= GIC_MAX_IRQS && gicIrqs >= GIC_MAX_IRQS) {
    const special = spec.hwirq < NR_LINES ? ", IDs 1020-1023 being special (1023: spurious)" : "";
    return `${cells} is GIC interrupt ID ${spec.hwirq}, and the GIC has none past ${GIC_MAX_IRQS - 1}${special} (SPI N is ID 32 + N)`;
  }
  const itLines = Math.ceil(gicIrqs / 32) - 1;
  const refused = v !== 3 || ofIrqNumber(spec, gicIrqs, kernel) >= 0 ? ""
    : kernel === "v4.9" ? "; Linux 4.9's gic_irq_domain_map refuses it (-EPERM: hw >= irq_nr)"
    : "; gic_irq_domain_map refuses it (-EPERM: an ID of no range it knows)";
  return `${cells} is GIC interrupt ID ${spec.hwirq}, past the ${gicIrqs} IDs the GIC implements (GICD_TYPER.ITLinesNumber ${itLines}: IDs 0-${gicIrqs - 1}, SPI N is ID 32 + N)${refused}`;
}

/** Every whole interrupt of the node, in order (of_irq_parse_one for each index). Throws
 *  DtError for an entry that does not resolve; an `interrupts` entry cut short by the end of
 *  the property is left out (ofIrqShortEntry says which). */
export function ofIrqResolve(tree: DeviceTree, node: DeviceNode, kernel: KernelVersion = "modern"): IrqSpec[] {
  // Linux 6.x copies up to three cells of reg (zeros without one) as the unit address.
  const addr = node.has("reg") && node.prop("reg")!.length % 4 === 0 ? node.cells("reg").slice(0, 3) : [];
  const out: IrqSpec[] = [];
  if (node.has("interrupts-extended")) {
    for (let i = 0; ; i++) {
      const e = ofParsePhandleWithArgs(tree, node, "interrupts-extended", "#interrupt-cells", i);
      if (!e) break;
      const r = parseRaw(tree, node, addr, e.np!, e.args);
      out.push(toSpec(r.np, r.args, kernel));
    }
    return out;
  }
  if (!node.has("interrupts")) return out;
  const parent = ofIrqFindParent(tree, node);
  if (!parent) throw new DtError(`${node.path}: has interrupts but no interrupt parent`);
  const n = parent.u32("#interrupt-cells")!;
  const cells = node.cells("interrupts");
  // Linux would read empty specifiers for ever (of_irq_count never stops).
  if (n === 0) throw new DtError(`${node.path}: "interrupts" with #interrupt-cells = 0 (${parent.path})`);
  // Whole entries only: one cut short by the property's end does not resolve (ofIrqShortEntry).
  for (let i = 0; i + n <= cells.length; i += n) {
    const r = parseRaw(tree, node, addr, parent, cells.slice(i, i + n));
    out.push(toSpec(r.np, r.args, kernel));
  }
  return out;
}

/** An `interrupts` entry that the property's end cuts short (its length is no multiple of the
 *  parent's #interrupt-cells). of_irq_parse_one fails for that index only: the entries before
 *  it resolve (dtc warns, the board builds). */
export interface IrqShortEntry {
  index: number;
  /** Cells in "interrupts". */
  cells: number;
  /** The interrupt parent's #interrupt-cells. */
  intsize: number;
  parent: DeviceNode;
}

export function ofIrqShortEntry(tree: DeviceTree, node: DeviceNode): IrqShortEntry | undefined {
  if (node.has("interrupts-extended") || !node.has("interrupts")) return undefined;
  const parent = ofIrqFindParent(tree, node);
  const intsize = parent?.u32("#interrupt-cells");
  if (!parent || !intsize) return undefined;
  const cells = node.cells("interrupts").length;
  if (cells % intsize === 0) return undefined;
  return { index: Math.floor(cells / intsize), cells, intsize, parent };
}

/** What of_irq_parse_one's caller hears for the short entry: of_property_read_u32_index's
 *  -EOVERFLOW for a cell past the property's end (Linux 6.x); 4.9 checked the index against
 *  the length first and returned -EINVAL. */
export function shortEntryErrno(version: string): number {
  return version === "v4.9" ? -EINVAL : -EOVERFLOW;
}

/** The short entry in the tree's terms, for the log of a driver that needs it. */
export function irqShortEntryText(node: DeviceNode, e: IrqShortEntry): string {
  return `interrupts entry ${e.index} of ${node.path} is cut short: "interrupts" has ${e.cells} cells, not a multiple of #interrupt-cells = ${e.intsize} (${e.parent.path})`;
}
