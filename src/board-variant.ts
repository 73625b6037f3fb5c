// A variant of a built-in board: its shipped blob with a few properties added, changed or
// removed, as a bug kind needs a board that differs from one of dmasim's own in exactly the
// properties its bug is about. The edits are plain data, so a variant crosses to a worker as the
// other System options do, and are applied to the board's own tree with the kernel's OF functions
// (of/dynamic.ts) when the System boots: the variant follows its board's source when that changes,
// which a copied source would not.

import { BOARDS, unknownBoardText } from "./boards.js";
import { loadBytes, packageUrl } from "./resources.js";
import { readDeviceTree } from "./of/load.js";
import { writeFdt } from "./of/fdt-write.js";
import { DeviceNode, type DeviceTree } from "./of/node.js";
import { cellsValue, of_add_property, of_remove_property, of_update_property, stringValue } from "./of/dynamic.js";

/** One edit: a property set (`cells` or `string`; added after the node's others when the node
 *  has none), part of one changed (`at`), one removed (`remove`), or, without `property`, a node
 *  added. */
export interface TreeEdit {
  /** The node's full path ("/soc/dma-controller@ff6e0000"). */
  node: string;
  /** Absent: `node` is added, empty, after its parent's other children (as dtc places a node a
   *  later fragment of the source adds); its parent must exist. */
  property?: string;
  cells?: number[];
  /** The value begins with the phandle of the node at this path (`<&label …>` in source). */
  phandleOf?: string;
  /** `cells` replace the property's cells from this one on, the others as they were (one cell
   *  of a `dmas` list changed). */
  at?: number;
  string?: string;
  remove?: true;
}

export interface BoardVariant {
  /** The built-in board the variant is made from (BOARDS). */
  board: string;
  /** The variant's name in headings and messages, as a file name would be. */
  name: string;
  edits: TreeEdit[];
}

/** Applies `edits` to `tree` in order; an edit naming a node the tree lacks is an error. */
export function applyTreeEdits(tree: DeviceTree, edits: readonly TreeEdit[]): void {
  const find = (path: string, why: string): DeviceNode => {
    const np = tree.findByPath(path);
    if (!np) throw new Error(`${tree.source}: no node ${path} ${why}`);
    return np;
  };
  for (const e of edits) {
    if (e.property === undefined) {
      addNode(tree, e.node);
      continue;
    }
    const np = find(e.node, `to edit (property ${e.property})`);
    if (e.remove) {
      of_remove_property(np, e.property);
      continue;
    }
    const value = e.string !== undefined ? stringValue(e.string) : cellsValue(np, e.property, editedCells(np, e.property, e, find));
    if (of_add_property(np, e.property, value) !== 0) of_update_property(np, e.property, value);
  }
}

/** The cells an edit gives its property: its own, after the phandle it names, over the old
 *  value's from `at` on. */
function editedCells(np: DeviceNode, property: string, e: TreeEdit, find: (path: string, why: string) => DeviceNode): number[] {
  let cells = e.cells ?? [];
  if (e.phandleOf !== undefined) {
    const target = find(e.phandleOf, `for ${np.path}'s ${property} to refer to`);
    if (target.phandle === undefined) throw new Error(`${target.path} has no phandle for ${np.path}'s ${property} to refer to`);
    cells = [target.phandle, ...cells];
  }
  if (e.at === undefined) return cells;
  const old = np.cells(property);
  if (e.at + cells.length > old.length) throw new Error(`${np.path}: ${property} has ${old.length} cells, none at ${e.at + cells.length - 1} to change`);
  return [...old.slice(0, e.at), ...cells, ...old.slice(e.at + cells.length)];
}

/** A new empty node at `path`, last of its parent's children. */
function addNode(tree: DeviceTree, path: string): void {
  const at = path.lastIndexOf("/");
  const parent = tree.findByPath(path.slice(0, at) || "/");
  const name = path.slice(at + 1);
  if (!parent) throw new Error(`${tree.source}: no parent for the new node ${path}`);
  if (parent.child(name)) throw new Error(`${tree.source}: ${path} is already there`);
  parent.children.push(new DeviceNode(name, parent));
}

/** The variant as a blob: its board's shipped .dtb, edited, written back as dtc lays out a blob. */
export async function boardVariantBlob(v: BoardVariant): Promise<Uint8Array> {
  const b = BOARDS[v.board];
  if (!b) throw new Error(unknownBoardText(v.board));
  const { tree } = readDeviceTree(await loadBytes(packageUrl(b.dtb)), { name: v.name });
  applyTreeEdits(tree, v.edits);
  return writeFdt(tree);
}
