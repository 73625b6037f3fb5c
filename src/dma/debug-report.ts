// err_printk (kernel/dma/debug.c; spec dma-api §6): how DMA-API debugging reports an error.
// Every error is counted; only the first num_errors are printed unless all_errors says all, and
// with dma_debug_driver= only those of the named driver. 4.9 put "DMA-API: " after the device
// name, modern kernels print it first (pr_fmt). Also the forms reports give addresses and
// directions in (formatPointer, %p, serves debug-memory-source.ts too). DmaDebug (debug.ts)
// extends it, so these debugfs knobs and counts stay `kernel.dma.debug`'s own fields, as the
// checks are.

import { formatPhys, type PhysAddr, type VirtAddr } from "../hw/address.js";
import type { Device } from "../kernel/device.js";
import type { Kernel } from "../kernel/kernel.js";
import { DIRECTION_NAMES } from "./constants.js";

export interface DmaDebugReportOptions {
  /** debugfs all_errors: print every error, not just the first num_errors. */
  allErrors?: boolean;
  /** debugfs num_errors (default 1). */
  numErrors?: number;
  /** dma_debug_driver=: only report errors of this driver. */
  driverFilter?: string;
}

/** %pa: a phys_addr_t as vsprintf's special_hex_number prints it: "0x" and the value zero-padded
 *  to the type's width, 16 hex digits on arm64, 8 on arm without LPAE (32-bit phys_addr_t). */
export function formatPhysAddr(kernel: Kernel, pa: PhysAddr): string {
  return formatPhys(pa, kernel.machine.profile.arch === "arm64" ? 16 : 8);
}

/** %p: the raw pointer (modern kernels hash it unless no_hash_pointers; dmasim prints it). */
export function formatPointer(kernel: Kernel, va: VirtAddr): string {
  const digits = kernel.machine.profile.arch === "arm64" ? 16 : 8;
  return (va < 0 ? BigInt(va) + (1n << 64n) : BigInt(va)).toString(16).padStart(digits, "0");
}

export class DmaDebugReport {
  errorCount = 0;
  allErrors: boolean;
  numErrors: number;
  driverFilter: string;
  /** Every report printed, in order. */
  readonly reports: string[] = [];

  constructor(
    protected readonly kernel: Kernel,
    protected readonly modern: boolean,
    opts: DmaDebugReportOptions,
  ) {
    this.allErrors = !!opts.allErrors;
    this.numErrors = opts.numErrors ?? 1;
    this.driverFilter = opts.driverFilter ?? "";
  }

  /** err_printk */
  protected err(dev: Device | null, msg: string): void {
    this.errorCount++;
    const filtered = this.driverFilter && (!dev || dev.driverName !== this.driverFilter);
    if (!filtered && (this.allErrors || this.numErrors > 0)) {
      const who = `${dev ? dev.driverString() : "NULL"} ${dev ? dev.name : "NULL"}: `;
      const line = this.modern ? `DMA-API: ${who}${msg}` : `${who}DMA-API: ${msg}`;
      this.reports.push(line);
      this.kernel.printk.warn(line);
    }
    if (!this.allErrors && this.numErrors > 0) this.numErrors--;
  }

  protected hex16(a: number): string {
    return "0x" + (a < 0 ? BigInt(a) + (1n << 64n) : BigInt(a)).toString(16).padStart(16, "0");
  }

  protected dir(d: number): string {
    return DIRECTION_NAMES[d] ?? `${d}`;
  }
}
