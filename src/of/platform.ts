// of_platform_populate: platform devices for the root's children and, recursively, for the
// children of "simple-bus" nodes, named as Linux names them ("f8003000.dma-controller": the
// translated address of the first reg entry and the node name without unit address).

import type { Kernel } from "../kernel/kernel.js";
import { PlatformDevice } from "../kernel/device.js";
import type { DeviceNode, DeviceTree } from "./node.js";
import { ofAddressResources } from "./address.js";
import { ofIrqResolve } from "./irq.js";

const BUSES = ["simple-bus", "simple-mfd", "isa", "arm,amba-bus"];

function deviceName(node: DeviceNode, used: Set<string>): string {
  const reg = ofAddressResources(node)[0];
  let name = reg ? `${reg.start.toString(16)}.${node.baseName}` : node.baseName;
  if (used.has(name)) {
    let i = 1;
    while (used.has(`${name}.${i}`)) i++;
    name = `${name}.${i}`;
  }
  used.add(name);
  return name;
}

export function ofPlatformPopulate(kernel: Kernel, tree: DeviceTree): PlatformDevice[] {
  const out: PlatformDevice[] = [];
  const used = new Set<string>();
  const visit = (parent: DeviceNode) => {
    for (const node of parent.children) {
      if (!node.available || !node.has("compatible")) continue;
      if (node.baseName === "cpus" || node.string("device_type") === "memory") continue;
      let irqs: number[] = [];
      try {
        irqs = ofIrqResolve(tree, node).map((s) => s.line);
      } catch (e) {
        kernel.printk.warn(`OF: ${(e as Error).message}`);
      }
      const pdev = new PlatformDevice(kernel, deviceName(node, used), node, ofAddressResources(node), irqs);
      pdev.dma_coherent = node.has("dma-coherent");
      out.push(pdev);
      if (node.compatible.some((c) => BUSES.includes(c))) visit(node);
    }
  };
  visit(tree.root);
  return out;
}
