// Coherent allocations (dma_alloc_attrs and friends; spec dma-api §3.2): a device's declared
// coherent region first (kernel/dma/coherent.c: a page bitmap over memory mapped
// write-combined, 2^order pages aligned to their size, used exclusively), else the device's
// dma_map_ops. The buffer is always zeroed and page-granular; the result is the kernel's pair
// { cpuAddr, dmaAddr } or null.

import type { Device } from "../kernel/device.js";
import type { DmaAddr, PhysAddr, VirtAddr } from "../hw/address.js";
import { EBUSY, EINVAL, ENOMEM } from "../kernel/errno.js";
import { PAGE_ALIGN, PAGE_SIZE, __GFP_COMP, __GFP_DMA, __GFP_DMA32, __GFP_HIGHMEM, __GFP_ZERO, get_order } from "../mm/gfp.js";
import { VM_IOREMAP } from "../mm/vmalloc.js";
import type { CoherentBuffer } from "./ops.js";
import { checkDevice, checkDmaAddr, checkSize, checkVirt, checkWhole } from "./arguments.js";
import { phys_to_dma } from "./dma-address.js";
import { DMA_ATTR_WRITE_COMBINE } from "./constants.js";

/** struct dma_coherent_mem */
export interface DeclaredMemory {
  virtBase: VirtAddr;
  deviceBase: DmaAddr;
  physBase: PhysAddr;
  pages: number;
  bitmap: Uint8Array;
  /** A reserved-memory pool: each device sees it at phys_to_dma of its base. */
  useDevDmaPfnOffset: boolean;
}

const declared = new WeakMap<Device, DeclaredMemory>();

/** The page-aligned size of each live buffer a device's dma_map_ops handed out, by CPU address
 *  (the cookie with DMA_ATTR_NO_KERNEL_MAPPING). Linux frees the `size` it is given whatever was
 *  allocated, so a wrong size frees pages other users hold or leaks some, after DMA-API debug's
 *  "different size" report; dmasim warns and frees what was allocated, on every board, so the
 *  System stays usable. */
const allocated = new WeakMap<Device, Map<VirtAddr, number>>();

/** dma_init_coherent_memory: memremap(MEMREMAP_WC) of [phys, phys+size) and an empty page
 *  bitmap, or -errno. memremap refuses System RAM for anything but write-back ("memremap
 *  attempted on ram"), so only memory outside it (a no-map region, on-chip RAM) can be used. */
export function dma_init_coherent_memory(dev: Device, phys: PhysAddr, deviceAddr: DmaAddr, size: number, useDevDmaPfnOffset: boolean): DeclaredMemory | number {
  if (size <= 0 || phys % PAGE_SIZE) return -EINVAL;
  const k = dev.kernel;
  const mm = k.mm;
  if (mm.intersectsSystemRam(phys, size)) {
    k.printk.warn(`WARNING: memremap attempted on ram 0x${phys.toString(16).padStart(8, "0")} size: 0x${size.toString(16)}`);
    return -EINVAL;
  }
  const pages = Math.floor(size / PAGE_SIZE);
  const area = mm.vmalloc.getVmArea(pages * PAGE_SIZE, VM_IOREMAP, "memremap");
  if (!area) return -ENOMEM;
  const frames: PhysAddr[] = [];
  for (let i = 0; i < pages; i++) frames.push(phys + i * PAGE_SIZE);
  mm.vmalloc.mapArea(area, frames, "writecombine");
  area.physAddr = phys;
  return { virtBase: area.start, deviceBase: deviceAddr, physBase: phys, pages, bitmap: new Uint8Array(pages), useDevDmaPfnOffset };
}

/** dma_assign_coherent_memory: 0, or -EBUSY when the device already has one. */
export function dma_assign_coherent_memory(dev: Device, mem: DeclaredMemory): number {
  if (declared.has(dev)) return -EBUSY;
  declared.set(dev, mem);
  return 0;
}

/** dev->dma_mem, if any. */
export function dev_get_coherent_memory(dev: Device): DeclaredMemory | undefined {
  return declared.get(dev);
}

/** The page-aligned size of a live buffer dma_alloc_attrs gave `dev` at `cpuAddr` (not one from
 *  declared memory), or undefined: freed, another device's, or never a coherent buffer. */
export function coherent_buffer_size(dev: Device, cpuAddr: VirtAddr): number | undefined {
  return allocated.get(dev)?.get(cpuAddr);
}

/** dev->dma_mem = NULL, leaving the memory mapped (rmem_dma_device_release: other devices
 *  may share the pool). */
export function dma_clear_coherent_memory(dev: Device): void {
  declared.delete(dev);
}

/** dma_declare_coherent_memory (modern convention: 0 or -errno): [phys, phys+size) seen by the
 *  device at `deviceAddr`, mapped write-combined for the CPU. */
export function dma_declare_coherent_memory(dev: Device, phys: PhysAddr, deviceAddr: DmaAddr, size: number): number {
  checkDevice("dma_declare_coherent_memory", dev);
  checkWhole("dma_declare_coherent_memory", phys, "phys_addr");
  checkDmaAddr("dma_declare_coherent_memory", deviceAddr, "device_addr");
  checkSize("dma_declare_coherent_memory", size);
  if (declared.has(dev)) return -EBUSY;
  const mem = dma_init_coherent_memory(dev, phys, deviceAddr, size, false);
  if (typeof mem === "number") return mem;
  return dma_assign_coherent_memory(dev, mem);
}

/** dma_release_declared_memory */
export function dma_release_declared_memory(dev: Device): void {
  const mem = declared.get(dev);
  if (!mem) return;
  dev.kernel.mm.iounmap(mem.virtBase);
  declared.delete(dev);
}

/** dma_get_device_base */
function deviceBase(dev: Device, mem: DeclaredMemory): DmaAddr {
  return mem.useDevDmaPfnOffset ? phys_to_dma(dev, mem.physBase) : mem.deviceBase;
}

/** __dma_alloc_from_coherent: bitmap_find_free_region of 2^order pages. */
function allocDeclared(dev: Device, mem: DeclaredMemory, size: number): CoherentBuffer | null {
  const n = 2 ** get_order(size);
  for (let p = 0; p + n <= mem.pages; p += n) {
    if (mem.bitmap.subarray(p, p + n).some((b) => b)) continue;
    mem.bitmap.fill(1, p, p + n);
    const cpuAddr = mem.virtBase + p * PAGE_SIZE;
    dev.kernel.machine.cpu.fill(cpuAddr, 0, size);
    return { cpuAddr, dmaAddr: deviceBase(dev, mem) + p * PAGE_SIZE };
  }
  return null;
}

export function dma_alloc_attrs(dev: Device, size: number, gfp: number, attrs = 0): CoherentBuffer | null {
  checkDevice("dma_alloc_attrs", dev);
  checkSize("dma_alloc_attrs", size);
  checkWhole("dma_alloc_attrs", gfp, "gfp");
  checkWhole("dma_alloc_attrs", attrs, "attrs");
  const k = dev.kernel;
  if (size === 0) return null;
  const mem = declared.get(dev);
  let buf: CoherentBuffer | null;
  if (mem) {
    // Declared memory bypasses the ops and DMA-API debug, as in Linux.
    return allocDeclared(dev, mem, size);
  } else {
    if (k.version === "modern") {
      if (!dev.coherent_dma_mask) k.dma.warnOnce(dev, "nocohmask", "WARNING: dma_alloc_attrs: coherent DMA mask is unset");
      if (gfp & __GFP_COMP) {
        k.dma.warnOnce(dev, "gfpcomp", "WARNING: dma_alloc_attrs: __GFP_COMP is not allowed");
        return null;
      }
      // The implementation chooses the zone from the coherent mask.
      gfp &= ~(__GFP_DMA | __GFP_DMA32 | __GFP_HIGHMEM);
    }
    buf = k.dma.ops.alloc(dev, size, gfp, attrs);
  }
  if (buf) {
    if (!allocated.has(dev)) allocated.set(dev, new Map());
    allocated.get(dev)!.set(buf.cpuAddr, PAGE_ALIGN(size));
  }
  if (buf && k.dma.debug.enabled) k.dma.debug.alloc_coherent(dev, size, buf.dmaAddr, buf.cpuAddr, attrs);
  k.dma.runWork();
  return buf;
}

export function dma_alloc_coherent(dev: Device, size: number, gfp: number): CoherentBuffer | null {
  return dma_alloc_attrs(dev, size, gfp, 0);
}

/** dma_zalloc_coherent (4.9; removed in 5.0): coherent memory is zeroed anyway. */
export function dma_zalloc_coherent(dev: Device, size: number, gfp: number): CoherentBuffer | null {
  return dma_alloc_attrs(dev, size, gfp | __GFP_ZERO, 0);
}

export function dma_free_attrs(dev: Device, size: number, cpuAddr: VirtAddr, dmaAddr: DmaAddr, attrs = 0): void {
  checkDevice("dma_free_attrs", dev);
  checkSize("dma_free_attrs", size);
  cpuAddr = checkVirt("dma_free_attrs", cpuAddr, "cpu_addr");
  checkDmaAddr("dma_free_attrs", dmaAddr, "dma_handle");
  checkWhole("dma_free_attrs", attrs, "attrs");
  const k = dev.kernel;
  const mem = declared.get(dev);
  if (mem && cpuAddr >= mem.virtBase && cpuAddr < mem.virtBase + mem.pages * PAGE_SIZE) {
    const p = (cpuAddr - mem.virtBase) / PAGE_SIZE;
    mem.bitmap.fill(0, p, p + 2 ** get_order(size));
    return;
  }
  if (!cpuAddr) return;
  if (k.dma.debug.enabled) k.dma.debug.free_coherent(dev, size, cpuAddr, dmaAddr);
  const live = allocated.get(dev);
  const was = live?.get(cpuAddr);
  if (was !== undefined) {
    live!.delete(cpuAddr);
    if (PAGE_ALIGN(size) !== was) {
      k.printk.warn(`WARNING: dma_free_attrs: freeing ${size} bytes of a ${was}-byte coherent buffer; dmasim frees the buffer as allocated`);
      size = was;
    }
  }
  k.dma.ops.free(dev, size, cpuAddr, dmaAddr, attrs);
}

export function dma_free_coherent(dev: Device, size: number, cpuAddr: VirtAddr, dmaAddr: DmaAddr): void {
  dma_free_attrs(dev, size, cpuAddr, dmaAddr, 0);
}

/** dma_alloc_wc: dma_alloc_attrs with DMA_ATTR_WRITE_COMBINE (pgprot_writecombine: Normal
 *  non-cacheable on arm64, BUFFERABLE on arm — the same memory type as the plain coherent
 *  mapping on both, so only a dma_mmap_* of it differs; a dma-coherent device's buffer stays
 *  cacheable). */
export function dma_alloc_wc(dev: Device, size: number, gfp: number): CoherentBuffer | null {
  return dma_alloc_attrs(dev, size, gfp, DMA_ATTR_WRITE_COMBINE);
}

export function dma_free_wc(dev: Device, size: number, cpuAddr: VirtAddr, dmaAddr: DmaAddr): void {
  dma_free_attrs(dev, size, cpuAddr, dmaAddr, DMA_ATTR_WRITE_COMBINE);
}
