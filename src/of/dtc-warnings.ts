// The warnings dtc prints (checks.c) for the properties dmasim itself reads: reg, ranges and
// dma-ranges against #address-cells/#size-cells, dmas against #dma-cells, interrupts-extended
// against #interrupt-cells, and interrupts with its interrupt parent. They change nothing dtc
// writes (it still exits 0), so dmasim prints them beside its output in dtc's words.
//
// dtc runs its checks as a table in a fixed order, each after its prerequisites; a check whose
// prerequisite failed does not run and says "Failed prerequisite '<name>'". The table below
// keeps dtc's order and prerequisites for the checks implemented here and for the checks of
// dtc's that depend on them (which then name the failed prerequisite as dtc does, though
// dmasim does not run their own tests). The text is dtc 1.6.1's (the dtc tests compare with).

import type { DeviceNode, DeviceTree } from "./node.js";
import { CHECK_FUNCTIONS, type CheckContext } from "./dtc-warning-checks.js";

/** One warning, before it is printed (where a node or property stands is only known for a tree
 *  from source; dtc then names its output file instead). */
export interface DtWarning {
  check: string;
  /** dtc's position of the property or node ("board.dts:12.3-20"). */
  at?: string;
  /** The node (none for a failed prerequisite). */
  path?: string;
  property?: string;
  message: string;
  /** The node's other definitions (`&label { … }` bodies), for a warning about a node. */
  also: string[];
}

interface CheckEntry {
  name: string;
  prereqs: string[];
  /** A CHECK of dtc's, off by default: it runs for its dependents but never speaks. */
  silent?: boolean;
}

const entry = (name: string, prereqs: string[] = [], silent = false): CheckEntry => ({ name, prereqs, silent });

/** checks.c's check_table, the entries that bear on the checks implemented, in its order. */
const CHECK_TABLE: CheckEntry[] = [
  entry("address_cells_is_cell"),
  entry("size_cells_is_cell"),
  entry("device_type_is_string"),
  entry("compatible_is_string_list"),
  entry("addr_size_cells", ["address_cells_is_cell", "size_cells_is_cell"]),
  entry("reg_format", ["addr_size_cells"]),
  entry("ranges_format", ["addr_size_cells"]),
  entry("dma_ranges_format", ["addr_size_cells"]),
  entry("unit_address_format", ["node_name_format", "pci_bridge", "simple_bus_bridge"]),
  entry("pci_bridge", ["device_type_is_string", "addr_size_cells"]),
  entry("pci_device_reg", ["reg_format", "pci_bridge"]),
  entry("pci_device_bus_num", ["reg_format", "pci_bridge"]),
  entry("simple_bus_bridge", ["addr_size_cells", "compatible_is_string_list"]),
  entry("simple_bus_reg", ["reg_format", "simple_bus_bridge"]),
  entry("i2c_bus_bridge", ["addr_size_cells"]),
  entry("i2c_bus_reg", ["reg_format", "i2c_bus_bridge"]),
  entry("spi_bus_bridge", ["addr_size_cells"]),
  entry("spi_bus_reg", ["reg_format", "spi_bus_bridge"]),
  entry("avoid_default_addr_size", ["addr_size_cells"]),
  entry("avoid_unnecessary_addr_size", ["avoid_default_addr_size"]),
  entry("unique_unit_address", ["avoid_default_addr_size"]),
  entry("unique_unit_address_if_enabled", ["avoid_default_addr_size"], true),
  entry("dmas_property", ["dmas_is_cell", "phandle_references"]),
  entry("dmas_is_cell"),
  entry("interrupts_extended_property", ["interrupts_extended_is_cell", "phandle_references"]),
  entry("interrupts_extended_is_cell"),
  entry("interrupts_property", ["phandle_references"]),
  entry("interrupt_provider", ["interrupts_extended_is_cell"]),
];

/** Prerequisites outside the table above: dtc's errors, which a tree dmasim accepted passed. */
const PASSED_ERRORS = ["node_name_format", "phandle_references"];

type Status = "passed" | "failed" | "prereq";

/** dtc's warnings for the tree, in the order dtc prints them. */
export function dtcWarnings(tree: DeviceTree): DtWarning[] {
  const out: DtWarning[] = [];
  const status = new Map<string, Status>(PASSED_ERRORS.map((n) => [n, "passed"]));
  const byName = new Map(CHECK_TABLE.map((c) => [c.name, c]));
  const positions = tree.sourcePositions;
  const nodes = [...tree.root.walk()];
  const addrCells = new Map<DeviceNode, number>();
  const sizeCells = new Map<DeviceNode, number>();

  const run = (c: CheckEntry): void => {
    if (status.has(c.name)) return;
    let failed = false;
    const say = (w: Omit<DtWarning, "check" | "also">, also: string[] = []) => {
      failed = true;
      if (!c.silent) out.push({ check: c.name, ...w, also });
    };
    for (const name of c.prereqs) {
      if (!status.has(name)) run(byName.get(name)!);
      if (status.get(name) !== "passed") {
        status.set(c.name, "prereq");
        if (!c.silent) out.push({ check: c.name, message: `Failed prerequisite '${name}'`, also: [] });
      }
    }
    if (status.has(c.name)) return;
    const fn = CHECK_FUNCTIONS[c.name];
    if (fn) {
      const ctx: CheckContext = {
        tree,
        addrCells: (n) => addrCells.get(n) ?? -1,
        sizeCells: (n) => sizeCells.get(n) ?? -1,
        setCells: (n, a, s) => (addrCells.set(n, a), sizeCells.set(n, s)),
        references: positions ? (n, name) => positions.references(n, name) : undefined,
        fail: (node, message) => {
          const [at, ...also] = positions?.node(node) ?? [];
          say({ at, path: node.path, message }, also);
        },
        failProp: (node, property, message, owner = node) => {
          say({ at: positions?.property(owner, property), path: node.path, property, message });
        },
      };
      for (const n of nodes) fn(ctx, n);
    }
    status.set(c.name, failed ? "failed" : "passed");
  };
  for (const c of CHECK_TABLE) run(c);
  return out;
}

/** A warning as dtc prints it (check_msg): where, the check, the node and property, the text;
 *  `outName` stands in for a position the tree does not have (dtc: its output file, or
 *  "<stdout>"). */
export function formatDtWarning(w: DtWarning, outName: string): string {
  const where = w.path === undefined ? "" : w.property === undefined ? `${w.path}: ` : `${w.path}:${w.property}: `;
  const also = w.also.map((a) => `\n  also defined at ${a}`).join("");
  return `${w.at ?? outName}: Warning (${w.check}): ${where}${w.message}${also}`;
}
