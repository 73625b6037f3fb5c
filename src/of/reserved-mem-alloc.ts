// /reserved-memory regions the kernel places at boot (drivers/of/of_reserved_mem.c,
// __reserved_mem_alloc_size): a child with `size` and no `reg` gets memory from memblock, once
// every `reg` region is reserved — top down inside each `alloc-ranges` window in turn, else
// anywhere in RAM (the lowmem limit does not apply) — aligned to its `alignment` (default
// SMP_CACHE_BYTES), raised to the CMA minimum for a CMA candidate so that rmem_cma_setup can
// take it. `no-map` keeps it out of the linear map. Then its compatible's node_init runs as for
// a fixed region. This is how most boards declare their default CMA area
// (`size = <0x4000000>; reusable; linux,cma-default;`).
//
// Linux prints the placement only with pr_debug; a region that does not fit is reported. The
// order of node_init messages between fixed and placed regions differs between versions
// (4.9 walks the tree; 6.x sorts or splits the passes); dmasim initialises every fixed region
// first, then the placed ones in tree order.

import type { PhysAddr } from "../hw/address.js";
import type { Memblock, Range } from "../mm/memblock.js";
import { EINVAL, ENOENT, ENOMEM } from "../kernel/errno.js";
import { PAGE_SIZE } from "../mm/gfp.js";
import type { DeviceNode, DeviceTree } from "./node.js";
import { reservedMemInitNode, type ReservedMem, type ReservedMemContext } from "./reserved-mem.js";

/** SMP_CACHE_BYTES on the cores dmasim models: the alignment when a node gives none. */
const SMP_CACHE_BYTES = 64;

/** dt_root_addr_cells / dt_root_size_cells (1 each when the root does not say). */
function rootCells(tree: DeviceTree): { na: number; ns: number } {
  const root = tree.findByPath("/");
  const one = (name: string) => root?.cells(name)[0] ?? 1;
  return { na: one("#address-cells"), ns: one("#size-cells") };
}

/** dt_mem_next_cell: `n` cells read as one number. */
function readNumber(cells: number[], at: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 2 ** 32 + (cells[at + i] >>> 0);
  return v;
}

/** The regions already placed, which 6.x's __reserved_mem_alloc_in_range looks at. */
function touches(regions: ReservedMem[], addr: PhysAddr): boolean {
  return regions.some((r) => r.size && addr >= r.base && addr <= r.base + r.size);
}

/** __reserved_mem_alloc_in_range (6.x): a window starting at an existing region is filled
 *  bottom-up, one ending at one top-down, so that regions stay together. 4.9 always goes
 *  top-down (__memblock_alloc_base below the window's end, refused below its start). */
function allocInRange(mb: Memblock, size: number, align: number, start: PhysAddr, end: PhysAddr, regions: ReservedMem[], ctx: ReservedMemContext): PhysAddr {
  if (ctx.version !== "v4.9") {
    const up = touches(regions, start);
    const down = touches(regions, end);
    if (up && !down) return mb.allocRangeBottomUp(size, align, start, end);
  }
  return mb.allocRange(size, align, start, end);
}

/** __reserved_mem_alloc_size: the placed region, or -errno after Linux's message. */
function reservedMemAllocSize(node: DeviceNode, mb: Memblock, na: number, ns: number, regions: ReservedMem[], ctx: ReservedMemContext): ReservedMem | number {
  const sizeCells = node.cells("size");
  if (sizeCells.length !== ns) {
    ctx.printk.err(`OF: reserved mem: invalid size property in '${node.name}' node.`);
    return -EINVAL;
  }
  const size = readNumber(sizeCells, 0, ns);
  let align = 0;
  if (node.has("alignment")) {
    const a = node.cells("alignment");
    if (a.length !== na) {
      ctx.printk.err(`OF: reserved mem: invalid alignment property in '${node.name}' node.`);
      return -EINVAL;
    }
    align = readNumber(a, 0, na);
  }
  const nomap = node.has("no-map");
  // 4.9 raises every shared-dma-pool to the CMA minimum; later kernels only a CMA candidate.
  const cmaCandidate = node.isCompatible("shared-dma-pool") && (ctx.version === "v4.9" || (node.has("reusable") && !nomap));
  if (cmaCandidate) align = Math.max(align, ctx.cma.minAlignment);
  if (!align) align = SMP_CACHE_BYTES;
  let base = -1;
  if (node.has("alloc-ranges")) {
    const r = node.cells("alloc-ranges");
    if (r.length % (na + ns)) {
      ctx.printk.err(`OF: reserved mem: invalid alloc-ranges property in '${node.name}', skipping node.`);
      return -EINVAL;
    }
    for (let i = 0; i < r.length && base < 0; i += na + ns) {
      const start = readNumber(r, i, na);
      // memblock never hands out the first page (0 means failure to its callers).
      base = allocInRange(mb, size, align, Math.max(start, PAGE_SIZE), start + readNumber(r, i + na, ns), regions, ctx);
    }
  } else {
    base = mb.allocRange(size, align, PAGE_SIZE, Infinity);
  }
  if (base < 0) {
    const mib = Math.floor(size / 2 ** 20);
    if (ctx.version === "v4.9") ctx.printk.info(`OF: reserved mem: failed to allocate memory for node '${node.name}'`);
    else ctx.printk.err(`OF: reserved mem: failed to allocate memory for node '${node.name}': size ${mib} MiB`);
    return -ENOMEM;
  }
  return { name: node.name, node, base, size };
}

/** fdt_init_reserved_mem for the size-only nodes: each is placed, then given to its
 *  compatible's node_init. Placed regions join `regions`; no-map ones join `nomap` (the
 *  caller keeps it sorted). */
export function fdtAllocReservedMem(tree: DeviceTree, nodes: DeviceNode[], mb: Memblock, regions: ReservedMem[], nomap: Range[], ctx: ReservedMemContext): void {
  const { na, ns } = rootCells(tree);
  for (const node of nodes) {
    const rmem = reservedMemAllocSize(node, mb, na, ns, regions, ctx);
    if (typeof rmem === "number") continue;
    const err = reservedMemInitNode(rmem, ctx);
    if (err !== 0 && err !== -ENOENT && ctx.version !== "v4.9") {
      ctx.printk.info(`OF: reserved mem: node ${rmem.name} compatible matching fail`);
      mb.free(rmem.base, rmem.size);
      continue;
    }
    if (node.has("no-map")) nomap.push({ base: rmem.base, size: rmem.size });
    regions.push(rmem);
  }
}
