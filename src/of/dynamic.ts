// Changing a live device tree (drivers/of/dynamic.c, what overlays and firmware updates use): a
// property's new value replaces the old one in place. Nothing is re-probed: a consumer sees the
// value when it next reads it, a driver at its next probe (dma_request_chan reads `dmas` then).

import type { DeviceNode } from "./node.js";
import { stringBytes } from "./node.js";
import { EEXIST } from "../kernel/errno.js";

/** A value of 32-bit cells (`<…>` in source), big-endian as in a blob. */
export function cellsValue(np: DeviceNode, name: string, cells: readonly number[]): Uint8Array {
  const value = new Uint8Array(4 * cells.length);
  const view = new DataView(value.buffer);
  cells.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0 || c > 0xffffffff) throw new RangeError(`${np.path}: ${name} cell ${i} is ${c}, not a 32-bit cell`);
    view.setUint32(4 * i, c);
  });
  return value;
}

/** A string value (`"…"` in source): its bytes and the terminating NUL. */
export function stringValue(s: string): Uint8Array {
  return stringBytes(s + "\0");
}

/** of_update_property: `name` holds `value` from now on. The property need not exist before
 *  (Linux adds it then too). */
export function of_update_property(np: DeviceNode, name: string, value: Uint8Array): void {
  np.properties.set(name, value);
  // How source spelled the old value no longer describes the new one.
  np.propertyForms.delete(name);
}

/** of_update_property with a value of 32-bit cells. */
export function of_update_property_cells(np: DeviceNode, name: string, cells: readonly number[]): void {
  of_update_property(np, name, cellsValue(np, name, cells));
}

/** of_add_property: a property the node does not have yet, appended after its others; -EEXIST
 *  (nothing changed) when it has one by that name, as __of_add_property answers. */
export function of_add_property(np: DeviceNode, name: string, value: Uint8Array): number {
  if (np.properties.has(name)) return -EEXIST;
  np.properties.set(name, value);
  return 0;
}

/** of_remove_property: the node no longer has `name` (nothing happens when it had none). */
export function of_remove_property(np: DeviceNode, name: string): void {
  np.properties.delete(name);
  np.propertyForms.delete(name);
  np.propertyLabels.delete(name);
}
