// The kernel's error numbers (include/uapi/asm-generic/errno-base.h, errno.h) and the two ways
// errors surface to a dmasim user: a KernelError carrying -errno, and a KernelBug for what
// Linux would BUG() on (e.g. an invalid DMA direction).

export const EPERM = 1;
export const ENOENT = 2;
export const EIO = 5;
export const ENXIO = 6;
export const EAGAIN = 11;
export const ENOMEM = 12;
/** Permission denied: opening a sysfs file for an access its mode lacks (kernfs refuses it even
 *  to root), or writing a read-only debugfs number. */
export const EACCES = 13;
export const EFAULT = 14;
export const EBUSY = 16;
export const EEXIST = 17;
export const ENODEV = 19;
export const ENOTDIR = 20;
export const EISDIR = 21;
export const EINVAL = 22;
export const ENOSPC = 28;
export const ERANGE = 34;
export const EDEADLK = 35;
export const ENOSYS = 38;
/** Value too large for defined data type: of_property_read_u32_index past a property's end. */
export const EOVERFLOW = 75;
/** Operation not supported: __dma_map_sg_attrs of a DMA_ATTR_REQUIRE_COHERENT list for a
 *  non-coherent device. */
export const EOPNOTSUPP = 95;
export const ETIMEDOUT = 110;
export const EREMOTEIO = 121;
/** Kernel-internal (include/linux/errno.h): a probe waits for a supplier. */
export const EPROBE_DEFER = 517;

const NAMES: Record<number, string> = {
  [EPERM]: "EPERM", [ENOENT]: "ENOENT", [EIO]: "EIO", [ENXIO]: "ENXIO", [EAGAIN]: "EAGAIN",
  [ENOMEM]: "ENOMEM", [EACCES]: "EACCES", [EFAULT]: "EFAULT", [EBUSY]: "EBUSY", [EEXIST]: "EEXIST", [ENODEV]: "ENODEV", [ENOTDIR]: "ENOTDIR", [EISDIR]: "EISDIR", [EINVAL]: "EINVAL",
  [ENOSPC]: "ENOSPC", [ERANGE]: "ERANGE", [EDEADLK]: "EDEADLK", [ENOSYS]: "ENOSYS", [EOVERFLOW]: "EOVERFLOW", [EOPNOTSUPP]: "EOPNOTSUPP", [ETIMEDOUT]: "ETIMEDOUT",
  [EREMOTEIO]: "EREMOTEIO", [EPROBE_DEFER]: "EPROBE_DEFER",
};

/** MAX_ERRNO (include/linux/err.h): an ERR_PTR is one of the top 4095 addresses, which no
 *  kernel mapping uses. */
export const MAX_ERRNO = 4095;

/** IS_ERR of an address in dmasim's signed form (hw/address.ts): -MAX_ERRNO … -1. */
export function IS_ERR(addr: number): boolean {
  return addr < 0 && addr >= -MAX_ERRNO;
}

/** "-ENOMEM" for 12 or -12. */
export function errnoName(e: number): string {
  const n = Math.abs(e);
  return "-" + (NAMES[n] ?? `E${n}`);
}

export class KernelError extends Error {
  readonly errno: number;
  constructor(errno: number, message: string) {
    super(`${errnoName(errno)}: ${message}`);
    this.errno = -Math.abs(errno);
    this.name = "KernelError";
  }
}

/** What Linux turns into an oops with "kernel BUG at …". */
export class KernelBug extends Error {
  constructor(where: string, message: string) {
    super(`kernel BUG at ${where}: ${message}`);
    this.name = "KernelBug";
  }
}

/** A kernel panic ("Kernel panic - not syncing: …"). dmasim raises it before changing any
 *  state, so the System stays usable after the caller catches it. */
export class KernelPanic extends Error {
  constructor(message: string) {
    super(`Kernel panic - not syncing: ${message}`);
    this.name = "KernelPanic";
  }
}
