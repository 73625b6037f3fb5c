// Reserved memory from the device tree (drivers/of/of_fdt.c's fdt_scan_reserved_mem and
// drivers/of/of_reserved_mem.c): at boot every available /reserved-memory child with a `reg`
// is taken away from the page allocator — and, with `no-map`, from the linear map too — and
// remembered as a struct reserved_mem (name, base, size). A region whose compatible has
// reserved-memory ops (shared-dma-pool, shared-dma-pool.ts) can then be given to a device
// named by its `memory-region` phandle (of_reserved_mem_device_init).
//
// A region given by `size` alone is placed once memblock is up (reserved-mem-alloc.ts). A
// reusable shared-dma-pool is a CMA area (rmem_cma_setup, dma/contiguous.ts).

import type { PhysAddr } from "../hw/address.js";
import type { KernelVersion } from "../mm/layout.js";
import type { Range } from "../mm/memblock.js";
import type { Printk } from "../kernel/printk.js";
import type { CmaAreas } from "../mm/cma.js";
import type { Device } from "../kernel/device.js";
import { EINVAL, ENODEV, ENOENT } from "../kernel/errno.js";
import { dev_info } from "../kernel/dev-printk.js";
import { ofAddressResources } from "./address.js";
import type { DeviceNode, DeviceTree } from "./node.js";
import { RESERVEDMEM_OF_TABLE } from "../dma/shared-dma-pool.js";
import { checkDevice, checkWhole } from "../dma/arguments.js";

/** struct reserved_mem_ops */
export interface ReservedMemOps {
  device_init(rmem: ReservedMem, dev: Device): number;
  device_release(rmem: ReservedMem, dev: Device): void;
}

/** struct reserved_mem */
export interface ReservedMem {
  /** The node's name, e.g. "pool@10000000". */
  name: string;
  node: DeviceNode;
  base: PhysAddr;
  size: number;
  ops?: ReservedMemOps;
  /** What the ops keep for the region (shared-dma-pool: its struct dma_coherent_mem). */
  priv?: unknown;
}

/** What the arch and kernel generation a region's node_init depends on. */
export interface ReservedMemContext {
  arch: "arm" | "arm64";
  version: KernelVersion;
  printk: Printk;
  /** The kernel's CMA areas, which rmem_cma_setup adds to. */
  cma: CmaAreas;
  /** cma= was given on the command line (modern kernels then skip a linux,cma-default node). */
  cmaCmdline: boolean;
}

/** A RESERVEDMEM_OF_DECLARE entry: node_init returns 0 when it takes the region. */
export interface ReservedMemDeclaration {
  compatible: string;
  node_init(rmem: ReservedMem, ctx: ReservedMemContext): number;
}

/** The reservations boot makes from the tree, for memblock. */
export interface ReservedMemScan {
  /** memblock_reserve: kept from the page allocator. */
  reserved: Range[];
  /** `no-map`: kept from the page allocator and from the linear map. */
  nomap: Range[];
  /** The reserved_mem array. */
  regions: ReservedMem[];
  /** Children with `size` and no `reg`, for fdtAllocReservedMem once memblock is up. */
  sizeOnly: DeviceNode[];
}

/** fdt_scan_reserved_mem and fdt_init_reserved_mem: the memory reservation block, then each
 *  "okay" /reserved-memory child, then each region's node_init by compatible. `ram` limits the
 *  reservations to RAM (memblock_reserve of what is not memory does not change it). */
export function fdtScanReservedMem(tree: DeviceTree, ram: Range[], ctx: ReservedMemContext): ReservedMemScan {
  const out: ReservedMemScan = { reserved: tree.reservations.map((r) => ({ base: r.address, size: r.size })), nomap: [], regions: [], sizeOnly: [] };
  const rm = tree.findByPath("/reserved-memory");
  for (const node of rm?.children ?? []) {
    if (!node.available) continue;
    const regs = ofAddressResources(node);
    if (!regs.length) {
      if (node.has("size")) out.sizeOnly.push(node);
      continue;
    }
    const nomap = node.has("no-map");
    const ranges = regs.map((r) => ({ base: r.start, size: r.size }));
    const rmem: ReservedMem = { name: node.name, node, base: ranges[0].base, size: ranges[0].size };
    const err = reservedMemInitNode(rmem, ctx);
    // Modern kernels give a region back when its compatible's node_init refuses it; 4.9 keeps
    // it reserved. A region no compatible takes (-ENOENT) is a plain reservation.
    if (err !== 0 && err !== -ENOENT && ctx.version !== "v4.9") {
      ctx.printk.info(`OF: reserved mem: node ${rmem.name} compatible matching fail`);
      continue;
    }
    (nomap ? out.nomap : out.reserved).push(...ranges);
    out.regions.push(rmem);
  }
  const inRam = (r: Range) => ram.some((b) => r.base < b.base + b.size && b.base < r.base + r.size);
  out.reserved = out.reserved.filter(inRam);
  out.nomap = out.nomap.filter(inRam);
  return out;
}

/** __reserved_mem_init_node: the first declaration for one of the node's compatibles that
 *  takes the region; -ENOENT when none does. */
export function reservedMemInitNode(rmem: ReservedMem, ctx: ReservedMemContext): number {
  let ret = -ENOENT;
  for (const decl of RESERVEDMEM_OF_TABLE) {
    if (!rmem.node.isCompatible(decl.compatible)) continue;
    ret = decl.node_init(rmem, ctx);
    if (ret === 0) {
      ctx.printk.info(`OF: reserved mem: initialized node ${rmem.name}, compatible id ${decl.compatible}`);
      break;
    }
  }
  return ret;
}

/** struct rmem_assigned_device, per kernel: the region each device was given. */
const assigned = new WeakMap<Device, ReservedMem>();

/** __find_rmem: the region recorded for a node (by phandle, as Linux matches). */
function findRmem(dev: Device, node: DeviceNode): ReservedMem | undefined {
  const ph = node.phandle;
  if (!ph) return undefined;
  return dev.kernel.reservedMem.find((r) => r.node.phandle === ph);
}

/** of_reserved_mem_device_init_by_idx: gives `dev` the region entry `idx` of `np`'s
 *  memory-region names. 0, -ENODEV when there is no such entry, -EINVAL when the region has no
 *  reserved-memory ops (not a usable shared-dma-pool), or the ops' error. */
export function of_reserved_mem_device_init_by_idx(dev: Device, np: DeviceNode | undefined, idx: number): number {
  checkDevice("of_reserved_mem_device_init_by_idx", dev);
  checkWhole("of_reserved_mem_device_init_by_idx", idx, "idx");
  if (!np) return -EINVAL;
  const ph = np.cells("memory-region")[idx];
  const target = ph ? dev.kernel.tree.findByPhandle(ph) : undefined;
  if (!target) return -ENODEV;
  // Modern kernels accept a disabled region and do nothing (of_device_is_available).
  if (dev.kernel.version !== "v4.9" && !target.available) return 0;
  const rmem = findRmem(dev, target);
  if (!rmem?.ops) return -EINVAL;
  const ret = rmem.ops.device_init(rmem, dev);
  if (ret === 0) {
    assigned.set(dev, rmem);
    dev_info(dev, `assigned reserved memory node ${rmem.name}`);
  }
  return ret;
}

/** of_reserved_mem_device_init: the device's own node, first memory-region entry. */
export function of_reserved_mem_device_init(dev: Device): number {
  checkDevice("of_reserved_mem_device_init", dev);
  return of_reserved_mem_device_init_by_idx(dev, dev.ofNode, 0);
}

/** of_reserved_mem_device_release */
export function of_reserved_mem_device_release(dev: Device): void {
  checkDevice("of_reserved_mem_device_release", dev);
  const rmem = assigned.get(dev);
  if (!rmem) return;
  assigned.delete(dev);
  rmem.ops?.device_release(rmem, dev);
}
