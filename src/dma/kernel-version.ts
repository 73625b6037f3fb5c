// Entry points the 4.9 kernel did not have. A 4.9 driver could not have compiled a call to
// one, so dmasim refuses it there with -ENOSYS and names what 4.9 offered instead, rather than
// answering with a later kernel's behaviour.

import type { Device } from "../kernel/device.js";
import { ENOSYS, KernelError } from "../kernel/errno.js";

/** Throws -ENOSYS on the 4.9 kernel: `fn` arrived in Linux `since`; `instead` is the 4.9 way. */
export function refuseOn49(fn: string, dev: Device, since: string, instead: string): void {
  if (dev.kernel.version === "v4.9") throw new KernelError(ENOSYS, `${fn}: Linux 4.9 has no ${fn} (added in ${since}); use ${instead}`);
}
