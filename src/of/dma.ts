// The device-tree half of dma_request_chan (drivers/dma/of-dma.c): which `dmas` entries a
// consumer's channel name may use. Each entry is a provider phandle and as many cells as the
// provider's #dma-cells; the provider's driver turns those cells into a channel (its xlate).

import { KernelError, ENODEV } from "../kernel/errno.js";
import type { DeviceNode, DeviceTree } from "./node.js";
import { ofParsePhandleWithArgs, type PhandleArgs } from "./phandle.js";

/** of-dma.c's `static atomic_t last_index`, kept per tree so that Systems stay independent. */
const lastIndex = new WeakMap<DeviceTree, number>();

/** The dmas entries named `name` in the consumer's dma-names, in the order
 *  of_dma_request_slave_channel tries them: it starts one further along at each request, to
 *  spread several same-named entries over their providers. Throws KernelError(-ENODEV) when
 *  the node has no `dmas` or no `dma-names`. With no entry, `why` says why: the names the node
 *  has, or of_parse_phandle_with_args's complaint (a provider without #dma-cells, which Linux
 *  logs with pr_err). */
export function of_dma_request_specs(tree: DeviceTree, np: DeviceNode, name: string): { specs: PhandleArgs[]; why: string } {
  if (!np.has("dmas")) throw new KernelError(ENODEV, `${np.path}: no "dmas" property`);
  const names = np.strings("dma-names");
  if (!names.length) throw new KernelError(ENODEV, `${np.path}: dma-names property missing or empty`);
  const start = (lastIndex.get(tree) ?? 0) + 1;
  lastIndex.set(tree, start);
  const out: PhandleArgs[] = [];
  let unparsed = "";
  for (let i = 0; i < names.length; i++) {
    const index = (i + start) % names.length;
    if (names[index] !== name) continue;
    let spec: PhandleArgs | undefined;
    try {
      spec = ofParsePhandleWithArgs(tree, np, "dmas", "#dma-cells", index);
    } catch (e) {
      unparsed ||= (e as Error).message;
      spec = undefined;
    }
    if (spec) out.push(spec);
  }
  const has = names.map((n) => `"${n}"`).join(", ");
  return { specs: out, why: out.length ? "" : unparsed || `no DMA channel named "${name}" (dma-names: ${has})` };
}
