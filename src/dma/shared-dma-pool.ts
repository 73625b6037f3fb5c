// The "shared-dma-pool" reserved-memory ops (kernel/dma/coherent.c, drivers/base/
// dma-coherent.c in 4.9): a /reserved-memory region that becomes the coherent pool of the
// devices whose memory-region names it. The pool is one struct dma_coherent_mem shared by every
// device assigned to it; dma_alloc_coherent for such a device is served from it alone (a full
// pool gives NULL: 4.9 declares it DMA_MEMORY_EXCLUSIVE, modern kernels never fall back).
//
// `linux,dma-default` (dma_init_global_coherent) is honoured only by kernels built with
// CONFIG_DMA_GLOBAL_POOL, which no MMU-enabled arm or arm64 kernel selects, and 4.9 predates
// it: on the machines dmasim models the property has no effect, so it has none here either.

import type { Device } from "../kernel/device.js";
import { dev_warn } from "../kernel/dev-printk.js";
import type { ReservedMem, ReservedMemContext, ReservedMemDeclaration, ReservedMemOps } from "../of/reserved-mem.js";
import { EINVAL, ENODEV } from "../kernel/errno.js";
import { rmem_cma_setup } from "./contiguous.js";
import { dma_assign_coherent_memory, dma_clear_coherent_memory, dma_init_coherent_memory, type DeclaredMemory } from "./coherent.js";

/** rmem_dma_device_init */
function rmem_dma_device_init(rmem: ReservedMem, dev: Device): number {
  let mem = rmem.priv as DeclaredMemory | undefined;
  if (!mem) {
    const made = dma_init_coherent_memory(dev, rmem.base, rmem.base, rmem.size, true);
    if (typeof made === "number") {
      if (dev.kernel.version === "v4.9") {
        dev.kernel.printk.err(`Reserved memory: failed to init DMA memory pool at 0x${rmem.base.toString(16).padStart(8, "0")}, size ${Math.floor(rmem.size / 2 ** 20)} MiB`);
        return -ENODEV;
      }
      return made;
    }
    mem = made;
    rmem.priv = mem;
  }
  if (dev.kernel.version === "v4.9") {
    dma_assign_coherent_memory(dev, mem);
    return 0;
  }
  const limit = dev.busLimit ? Math.min(dev.coherentLimit, dev.busLimit) : dev.coherentLimit;
  if (mem.deviceBase + rmem.size - 1 > limit) dev_warn(dev, "reserved memory is beyond device's set DMA address range");
  return dma_assign_coherent_memory(dev, mem);
}

/** rmem_dma_device_release: the device lets go; the pool stays mapped for the others. */
function rmem_dma_device_release(_rmem: ReservedMem, dev: Device): void {
  dma_clear_coherent_memory(dev);
}

const rmem_dma_ops: ReservedMemOps = { device_init: rmem_dma_device_init, device_release: rmem_dma_device_release };

/** rmem_dma_setup: a reusable pool is CMA's (rmem_cma_setup); arm needs no-map. */
function rmem_dma_setup(rmem: ReservedMem, ctx: ReservedMemContext): number {
  if (rmem.node.has("reusable")) return -EINVAL;
  if (ctx.arch === "arm" && !rmem.node.has("no-map")) {
    ctx.printk.err("Reserved memory: regions without no-map are not yet supported");
    return -EINVAL;
  }
  rmem.ops = rmem_dma_ops;
  ctx.printk.info(`Reserved memory: created DMA memory pool at 0x${rmem.base.toString(16).padStart(8, "0")}, size ${Math.floor(rmem.size / 2 ** 20)} MiB`);
  return 0;
}

/** RESERVEDMEM_OF_DECLARE(cma, "shared-dma-pool", …) and (dma, "shared-dma-pool", …): each
 *  refuses the other's regions (reusable or not), so the first that takes a node wins. */
export const RESERVEDMEM_OF_TABLE: readonly ReservedMemDeclaration[] = [
  { compatible: "shared-dma-pool", node_init: rmem_cma_setup },
  { compatible: "shared-dma-pool", node_init: rmem_dma_setup },
];
