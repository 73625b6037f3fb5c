// of_platform_populate as Linux 6.x runs it at boot (of_platform_default_populate_init): the
// children of /firmware, a simple-framebuffer under /chosen, then every child of the root with
// a `compatible`, descending into nodes of the default bus table (simple-bus, simple-mfd, isa,
// arm,amba-bus). Nodes that are not "okay" get no device and are not descended into;
// "arm,primecell" nodes become AMBA devices, which claim their registers in /proc/iomem at
// once; other nodes become platform devices, which claim none (their drivers do). Nodes an
// earlier init already took (OF_POPULATED) get no device.

import type { Kernel } from "../kernel/kernel.js";
import { PlatformDevice } from "../kernel/device.js";
import { EBUSY, ENODEV, ENXIO } from "../kernel/errno.js";
import { IORESOURCE_MEM, type IoResource } from "../kernel/resource.js";
import { amba_read_periphid, ambaIdModelled, ambaNoIdText, noteAmbaDevice, ofAmbaPeriphid } from "../kernel/amba-id.js";
import { ramBankOverlapping } from "../hw/registers-in-ram.js";
import { noteRegistersInRam } from "../kernel/registers-in-ram-note.js";
import { DtError, type DeviceNode, type DeviceTree } from "./node.js";
import { ofAddressResources } from "./address.js";
import { gicTranslateWarning, isGic, ofIrqNumber, ofIrqResolve, ofIrqShortEntry, shortEntryErrno, type IrqSpec } from "./irq.js";
import { ofDeviceMakeBusId, ofDmaConfigure } from "./device.js";
import { AMBA_NR_IRQS } from "./amba-irq.js";

export const OF_DEFAULT_BUS_MATCH = ["simple-bus", "simple-mfd", "isa", "arm,amba-bus"];
/** of_skipped_node_table. */
const SKIPPED = ["operating-points-v2"];
/** Nodes set up before populate runs, which mark them OF_POPULATED: the interrupt controller
 *  (of_irq_init, IRQCHIP_DECLARE) and fixed clocks (of_clk_init, CLK_OF_DECLARE). A partial
 *  list: SoC-specific early drivers are not modelled and get a device. */
function takenEarly(node: DeviceNode): boolean {
  return (isGic(node) !== 0 && node.has("interrupt-controller")) || node.isCompatible("fixed-clock") || node.isCompatible("fixed-factor-clock");
}

/** Linux 4.9 gives a device its irq numbers as populate creates it, in the order of the tree
 *  (irq-desc.ts says which): of_amba_device_create maps entries 0 to AMBA_NR_IRQS - 1 each on
 *  its own (irq_of_parse_and_map, 0 for one that fails); of_device_alloc's
 *  of_irq_to_resource_table maps of_irq_count's entries in order and stops at the first that
 *  fails. An entry whose controller has no irq domain yet (any but the GIC: a GPIO bank's comes
 *  with its driver, after populate) fails in irq_create_fwspec_mapping, which says so at
 *  KERN_WARNING ("irq: " is kernel/irq/irqdomain.c's pr_fmt; of_node_full_name, the path on
 *  4.9). 6.x maps none here (PlatformDevice.irq), and its of_irq_get finds no domain before
 *  mapping (irq_find_host): -EPROBE_DEFER, silently. */
function ofDeviceMapIrqs49(pdev: PlatformDevice, specs: IrqSpec[], amba: boolean): void {
  const count = amba ? Math.min(AMBA_NR_IRQS, pdev.irqs.length) : pdev.irqs.length;
  for (let i = 0; i < count; i++) {
    if (pdev.irqs[i] >= 0) {
      pdev.irq(i);
      continue;
    }
    const controller = specs[i]?.controller;
    if (controller && !isGic(controller)) pdev.kernel.printk.warn(`irq: no irq domain found for ${controller.path} !`);
    if (!amba) return;
  }
}

/** amba_device_try_add's peripheral ID, after request_resource claimed `claimed`: from
 *  `arm,primecell-periphid` (of_amba_device_create), else read from the ID registers. Linux 4.9
 *  gives up on a device without one: the region goes back, amba_device_add fails with -ENODEV
 *  and of_amba_device_create reports it (false: no device). 6.x adds it all the same (true), for
 *  amba_match to read again (kernel/bus.ts). */
function amba_device_read_id(kernel: Kernel, adev: PlatformDevice, claimed: IoResource): boolean {
  const np = adev.ofNode!;
  adev.periphid = ofAmbaPeriphid(np);
  if (adev.periphid || !ambaIdModelled(adev) || amba_read_periphid(adev) === 0 || kernel.version !== "v4.9") return true;
  kernel.iomem.release(claimed);
  const message = `OF: amba_device_add() failed (${-ENODEV}) for ${np.path}`;
  kernel.printk.err(message);
  kernel.devicesNotAdded.push({ node: np, name: adev.name, errno: -ENODEV, message });
  noteAmbaDevice(adev, `${ambaNoIdText(adev)}: Linux 4.9's amba_device_add fails with -ENODEV, so no device is created and no driver binds`);
  return false;
}

export function ofPlatformPopulate(kernel: Kernel, tree: DeviceTree): PlatformDevice[] {
  const out: PlatformDevice[] = [];
  const populated = new Set<DeviceNode>();
  const populatedBus = new Set<DeviceNode>();
  for (const n of tree.root.walk()) if (takenEarly(n) && n.available) populated.add(n);
  const names = new Set(kernel.devices.keys());

  /** of_platform_device_create_pdata / of_amba_device_create for one node. A node whose
   *  properties cannot be read gets no device, with the reason in the log. */
  const create = (np: DeviceNode): PlatformDevice | undefined => {
    if (!np.available || populated.has(np)) return undefined;
    populated.add(np);
    try {
      return createDevice(np);
    } catch (e) {
      if (!(e instanceof DtError)) throw e;
      kernel.printk.err(`OF: ${np.path}: no device: ${e.message}`);
      return undefined;
    }
  };

  const createDevice = (np: DeviceNode): PlatformDevice | undefined => {
    const name = ofDeviceMakeBusId(np);
    if (names.has(name)) {
      kernel.printk.err(`sysfs: cannot create duplicate filename '/devices/platform/${name}' (${np.path})`);
      return undefined;
    }
    const resources = ofAddressResources(np);
    const irqs: number[] = [];
    const types: number[] = [];
    const specs: IrqSpec[] = [];
    try {
      for (const spec of ofIrqResolve(tree, np, kernel.version)) {
        specs.push(spec);
        // The GIC driver translates an entry each time the kernel maps it (of_irq_get,
        // irq_of_parse_and_map): dmasim translates each once, here.
        const warning = gicTranslateWarning(spec, kernel.version);
        if (warning) kernel.printk.warn(warning);
        // An interrupt behind another controller (a GPIO bank…) has no GIC line here.
        const hwirq = ofIrqNumber(spec, kernel.irq.gic_irqs, kernel.version);
        irqs.push(hwirq >= 0 ? hwirq : -ENXIO);
        types.push(spec.type);
      }
      // The entry cut short fails alone, with of_irq_parse_one's error, for its driver to meet.
      const short = ofIrqShortEntry(tree, np);
      if (short) {
        irqs.push(shortEntryErrno(kernel.version));
        types.push(0);
      }
    } catch (e) {
      if (!(e instanceof DtError)) throw e;
      kernel.printk.warn(`OF: ${e.message}`);
    }
    const pdev = new PlatformDevice(kernel, name, np, resources, irqs, types);
    if (kernel.version === "v4.9") ofDeviceMapIrqs49(pdev, specs, np.isCompatible("arm,primecell"));
    if (np.isCompatible("arm,primecell")) {
      pdev.bus = "amba";
      // of_address_to_resource names the resource after the node: its full path up to 4.9, its
      // name since (full_name stopped holding the path in 4.15).
      const resName = kernel.version === "v4.9" ? np.path : np.name;
      // amba_device_add claims the first register range with request_resource, directly under
      // iomem_resource: a conflict (another device's range, or System RAM) is -EBUSY, and
      // of_amba_device_create reports it and creates no device (4.9 and 6.x alike, "OF: " from
      // drivers/of/platform.c's pr_fmt; node->full_name and %pOF both print the path).
      const r = resources[0];
      const claimed: IoResource | undefined = r && { start: r.start, end: r.start + r.size - 1, name: resName, flags: IORESOURCE_MEM, children: [] };
      if (claimed && !kernel.iomem.request(claimed)) {
        const message = `OF: amba_device_add() failed (${-EBUSY}) for ${np.path}`;
        kernel.printk.err(message);
        kernel.devicesNotAdded.push({ node: np, name, errno: -EBUSY, message });
        const bank = ramBankOverlapping(kernel.board.ram, r);
        if (bank) noteRegistersInRam(kernel, np, r, bank, "amba_device_add's request_resource meets it (-EBUSY), so no device is created and no driver binds");
        return undefined;
      }
      if (claimed && !amba_device_read_id(kernel, pdev, claimed)) return undefined;
    } else {
      // of_device_add claims no resource (device_add alone; platform_device_add's
      // insert_resource is not on this path), so a platform device's registers reach /proc/iomem
      // only when its driver requests them. A window in RAM: Linux says nothing until that
      // driver's devm_ioremap_resource meets the busy System RAM (-EBUSY); dmasim notes each
      // such window at boot, but for a syscon's child, whose reg is an offset into the syscon's
      // registers (zynq's clkc@100 under slcr's empty `ranges`): its driver reaches them through
      // the syscon, and for the L2 cache controller, which no driver binds: its note is
      // l2x0_of_init's (arch/l2x0-of-init.ts).
      const inSyscon = np.parent?.isCompatible("syscon") ?? false;
      const noDriver = np === kernel.board.l2cInRam?.node;
      for (const r of inSyscon || noDriver ? [] : resources) {
        const bank = r.size > 0 ? ramBankOverlapping(kernel.board.ram, r) : undefined;
        if (bank) noteRegistersInRam(kernel, np, r, bank, "the device is still created, and its driver's devm_ioremap_resource fails with -EBUSY");
      }
    }
    ofDmaConfigure(pdev, np);
    names.add(name);
    out.push(pdev);
    return pdev;
  };

  const busCreate = (bus: DeviceNode, matches: string[]) => {
    if (!bus.has("compatible") || SKIPPED.some((c) => bus.isCompatible(c)) || populatedBus.has(bus)) return;
    if (bus.isCompatible("arm,primecell")) {
      create(bus);
      return;
    }
    const dev = create(bus);
    if (!dev || !matches.some((c) => bus.isCompatible(c))) return;
    for (const child of bus.children) busCreate(child, matches);
    populatedBus.add(bus);
  };

  const firmware = tree.findByPath("/firmware");
  for (const child of firmware?.children ?? []) busCreate(child, []);
  const fb = tree.findByPath("/chosen")?.children.find((c) => c.isCompatible("simple-framebuffer"));
  if (fb) create(fb);
  for (const child of tree.root.children) busCreate(child, OF_DEFAULT_BUS_MATCH);
  return out;
}
