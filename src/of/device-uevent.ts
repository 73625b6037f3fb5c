// The device-tree part of a device's uevent and its OF modalias (drivers/of/device.c; the
// modalias moved to drivers/of/module.c's of_modalias in 6.4), as /sys/.../<device>/uevent and
// modalias show them. The two kernels dmasim models print the same OF_* lines; they differ in
// the modalias of a node without device_type: 4.9's node->type is the string "<NULL>" (set by
// unflatten for a node without the property), printed as is, "T<NULL>"; 6.x's
// of_node_get_device_type returns NULL, which vsnprintf's %s prints as "(null)": "T(null)".

import type { DeviceNode, DeviceTree } from "./node.js";
import type { KernelVersion } from "../mm/layout.js";
import { of_alias_scan } from "./aliases.js";

/** The node's name without its unit address: 4.9's node->name, 6.x's %pOFn. */
function ofName(np: DeviceNode): string {
  return np.baseName;
}

/** The compatible strings as each kernel walks them. 4.9's loop stops at the first empty
 *  string (`while (compat && *compat …)`); 6.x's of_property_for_each_string takes every one. */
function compatibles(np: DeviceNode, version: KernelVersion): string[] {
  const all = np.compatible;
  if (version === "modern") return all;
  const empty = all.indexOf("");
  return empty < 0 ? all : all.slice(0, empty);
}

/** of_device_uevent: OF_NAME, OF_FULLNAME, OF_TYPE (only with a device_type), each
 *  OF_COMPATIBLE_<i> and OF_COMPATIBLE_N, then OF_ALIAS_<n> for each alias naming the node
 *  (no OF_ALIAS_N: dropped before 4.9). */
export function of_device_uevent(tree: DeviceTree, np: DeviceNode, version: KernelVersion): string[] {
  const lines = [`OF_NAME=${ofName(np)}`, `OF_FULLNAME=${np.path}`];
  const type = np.string("device_type");
  if (type !== undefined) lines.push(`OF_TYPE=${type}`);
  const compat = compatibles(np, version);
  compat.forEach((c, i) => lines.push(`OF_COMPATIBLE_${i}=${c}`));
  lines.push(`OF_COMPATIBLE_N=${compat.length}`);
  of_alias_scan(tree).filter((a) => a.np === np).forEach((a, i) => lines.push(`OF_ALIAS_${i}=${a.alias}`));
  return lines;
}

/** of_modalias: "of:N<name>T<type>" then "C<compatible>" for each, a space in a compatible
 *  written as '_'. 4.9 copied the property's bytes with each NUL as 'C' after dropping the
 *  trailing NULs; 6.x prints every string. */
export function of_modalias(np: DeviceNode, version: KernelVersion): string {
  const type = np.string("device_type") ?? (version === "modern" ? "(null)" : "<NULL>");
  let compat = np.compatible;
  if (version === "v4.9") while (compat.length && compat[compat.length - 1] === "") compat = compat.slice(0, -1);
  return `of:N${ofName(np)}T${type}${compat.map((c) => `C${c.replaceAll(" ", "_")}`).join("")}`;
}
