// /sys/bus/{platform,amba}/devices/<device>/driver_override (mode 0644): the name of the one
// driver the bus may match the device with (platform_match, amba_match: kernel/bus.ts), or
// none. Both buses have it on both kernels dmasim models (drivers/base/platform.c and
// drivers/amba/bus.c driver_override_show/_store; both went in before 4.9).
//
// Show: "%s\n" of the name, so "(null)\n" while unset (vsnprintf's %s of NULL), except 4.9's
// AMBA show, which returned nothing for an unset one (its NULL test went in 4.17, "ARM: amba:
// Make driver_override output consistent with other buses").
//
// Store: the name is the text up to its first newline (or NUL: the stores copy a C string);
// nothing before it clears the override. 6.x (driver_set_override, drivers/base/driver.c)
// refuses a store of PAGE_SIZE - 1 bytes or more with -EINVAL, keeping room for show's newline;
// 4.9's stores refused more than PATH_MAX (4096) bytes, which kernfs never hands them
// (kernfs-write.ts): a longer text is stored piece by piece, the last piece's line winning.
// (4.9.y stable took the PAGE_SIZE - 1 test later; dmasim models 4.9 as released.)
// Setting it probes nothing: it takes effect at the next match (bind, a driver registering).

import type { Kernel } from "./kernel.js";
import type { PlatformDevice } from "./device.js";
import { KernelError, EINVAL } from "./errno.js";
import { PAGE_SIZE } from "../mm/gfp.js";
import { kernfs_write } from "./kernfs-write.js";

/** driver_override_show. */
export function driver_override_show(kernel: Kernel, dev: PlatformDevice): string {
  if (dev.driver_override === undefined && dev.bus === "amba" && kernel.version === "v4.9") return "";
  return `${dev.driver_override ?? "(null)"}\n`;
}

/** The name a store keeps: the text up to its first newline or NUL; undefined (cleared) when
 *  that is empty. */
function overrideName(text: string): string | undefined {
  const end = text.search(/[\n\0]/);
  const name = end < 0 ? text : text.slice(0, end);
  return name === "" ? undefined : name;
}

/** `echo NAME > …/driver_override`: the bytes written (kernfs_write); -EINVAL on 6.x for a
 *  piece of PAGE_SIZE - 1 bytes or more. */
export function driver_override_store(kernel: Kernel, dev: PlatformDevice, text: string, path: string): number {
  return kernfs_write(text, (piece, count) => {
    if (kernel.version === "modern" && count >= PAGE_SIZE - 1) {
      throw new KernelError(EINVAL, `${path}: write error: ${count} bytes is too long for a driver name (driver_set_override takes at most ${PAGE_SIZE - 2}, keeping room in a page for show's newline)`);
    }
    dev.driver_override = overrideName(piece);
  });
}
