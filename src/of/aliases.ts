// /aliases (drivers/of/base.c of_alias_scan): each property names a node by its path; Linux
// keeps those whose name ends in a number (the alias id: "serial0" is serial id 0) in
// aliases_lookup, in property order, and of_device_uevent prints them as OF_ALIAS_<n>.

import type { DeviceNode, DeviceTree } from "./node.js";

/** struct alias_prop: the property's name ("serial0") and the node its path names. */
export interface AliasProp {
  alias: string;
  np: DeviceNode;
}

/** Properties of /aliases that name no alias: of_alias_scan skips them. */
const NOT_ALIASES = new Set(["name", "phandle", "linux,phandle"]);

/** of_alias_scan: the aliases whose path names a node and whose name ends in digits (kstrtoint
 *  of the digits fails for a name without any, and the alias is dropped). A path is looked up
 *  up to a ':' (of_find_node_opts_by_path's options); dmasim takes only full paths, not a value
 *  that names another alias. */
export function of_alias_scan(tree: DeviceTree): AliasProp[] {
  const aliases = tree.findByPath("/aliases");
  if (!aliases) return [];
  const found: AliasProp[] = [];
  for (const name of aliases.properties.keys()) {
    if (NOT_ALIASES.has(name) || !/\d$/.test(name)) continue;
    const path = aliases.string(name)?.split(":")[0];
    const np = path?.startsWith("/") ? tree.findByPath(path) : undefined;
    if (np) found.push({ alias: name, np });
  }
  return found;
}
