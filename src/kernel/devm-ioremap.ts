// devm_request_mem_region, devm_ioremap and devm_ioremap_resource (kernel/resource.c,
// lib/devres.c): a driver's claim on its register range (a busy region in /proc/iomem, nested
// in its AMBA device's entry; a platform device has none, so there it stands alone) and its
// mapping in the vmalloc area, both given back by
// devres_release_all (devres.ts) when the probe fails or after the driver's remove: the
// mapping first, then the region, as they were added.

import type { Device } from "./device.js";
import type { Resource } from "../of/address.js";
import type { VirtAddr } from "../hw/address.js";
import { EBUSY, ENOMEM } from "./errno.js";
import { dev_err } from "./dev-printk.js";
import { devres_add, devres_destroy } from "./devres.js";
import { formatMemResource, release_mem_region, request_mem_region, type IoResource } from "./resource.js";

const DEVM_REGION = "devm_region_release";
const DEVM_IOREMAP = "devm_ioremap_release";

/** devm_request_mem_region: request_mem_region, released with the device's devres; null when
 *  the range is taken. */
export function devm_request_mem_region(dev: Device, start: number, n: number, name: string): IoResource | null {
  const res = request_mem_region(dev.kernel, start, n, name);
  if (!res) return null;
  devres_add(dev, { kind: DEVM_REGION, matches: (key) => key === res, release: () => release_mem_region(dev.kernel, res) });
  return res;
}

/** devm_release_mem_region: gives the region back now (devres_release). */
export function devm_release_mem_region(dev: Device, res: IoResource): void {
  devres_destroy(dev, DEVM_REGION, res);
  release_mem_region(dev.kernel, res);
}

/** devm_ioremap: ioremap, iounmapped with the device's devres; null when it cannot be mapped. */
export function devm_ioremap(dev: Device, offset: number, size: number): VirtAddr | null {
  const va = dev.kernel.mm.ioremap(offset, size);
  if (va === null) return null;
  devres_add(dev, { kind: DEVM_IOREMAP, matches: (key) => key === va, release: () => dev.kernel.mm.iounmap(va) });
  return va;
}

/** The region's name in /proc/iomem. 4.9: the resource's own name (a reg-names entry, else the
 *  node's full name, which was its path then), or the device's. Since 5.9 (commit 35bd8c07db2c,
 *  "devres: keep both device name and resource name in pretty name"): "<device> <resource>". */
function regionName(dev: Device, res: Resource): string {
  if (dev.kernel.version === "v4.9") {
    // of/address.ts names a resource without reg-names after the node as modern kernels do.
    const node = dev.ofNode;
    return node && res.name === node.name ? node.path : (res.name ?? dev.name);
  }
  return res.name ? `${dev.name} ${res.name}` : dev.name;
}

/** devm_ioremap_resource (__devm_ioremap_resource): claims the range and maps it, both
 *  devm-managed. The registers' address, or IOMEM_ERR_PTR (IS_ERR, errno.ts) with the kernel's
 *  message: -EBUSY when the range is taken, -ENOMEM when it cannot be mapped (the region is
 *  given back first). */
export function devm_ioremap_resource(dev: Device, res: Resource): VirtAddr {
  const region = devm_request_mem_region(dev, res.start, res.size, regionName(dev, res));
  if (!region) {
    dev_err(dev, `can't request region for resource ${formatMemResource(res.start, res.size)}`);
    return -EBUSY;
  }
  const va = devm_ioremap(dev, res.start, res.size);
  if (va === null) {
    dev_err(dev, `ioremap failed for resource ${formatMemResource(res.start, res.size)}`);
    devm_release_mem_region(dev, region);
    return -ENOMEM;
  }
  return va;
}
