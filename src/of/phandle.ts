// Lists of phandles with arguments (`dmas = <&dmac 4>, <&dmac 5>;`, `interrupts-extended`,
// `clocks`…), read as of_parse_phandle_with_args reads them: each entry is a phandle and as
// many argument cells as the target's #…-cells property says. A phandle of 0 is an empty
// entry with no arguments.

import { DtError, type DeviceNode, type DeviceTree } from "./node.js";

export interface PhandleArgs {
  /** The node the phandle names (undefined for an empty entry). */
  np?: DeviceNode;
  args: number[];
}

/** Every entry of `list` in `node`, in order. Throws DtError for a phandle that names no node,
 *  a target without `cellsName`, or a list that ends inside an entry. */
export function ofPhandleList(tree: DeviceTree, node: DeviceNode, list: string, cellsName: string): PhandleArgs[] {
  const cells = node.cells(list);
  const out: PhandleArgs[] = [];
  for (let i = 0; i < cells.length; ) {
    const ph = cells[i];
    if (ph === 0) {
      out.push({ args: [] });
      i++;
      continue;
    }
    const np = tree.findByPhandle(ph);
    if (!np) throw new DtError(`${node.path}: ${list} entry ${out.length} names phandle <0x${ph.toString(16)}>, which no node has`);
    const count = np.u32(cellsName);
    if (count === undefined) throw new DtError(`${node.path}: could not get ${cellsName} for ${np.path}`);
    if (i + 1 + count > cells.length) {
      throw new DtError(`${node.path}: ${list} entry ${out.length} wants ${count} argument cells (${cellsName} of ${np.path}) but the property ends`);
    }
    out.push({ np, args: cells.slice(i + 1, i + 1 + count) });
    i += 1 + count;
  }
  return out;
}

/** of_parse_phandle_with_args: entry `index` of the list, or undefined when there is none (or
 *  it is empty). */
export function ofParsePhandleWithArgs(tree: DeviceTree, node: DeviceNode, list: string, cellsName: string, index: number): PhandleArgs | undefined {
  const entry = ofPhandleList(tree, node, list, cellsName)[index];
  return entry?.np ? entry : undefined;
}
