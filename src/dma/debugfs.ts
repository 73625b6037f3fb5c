// /sys/kernel/debug/dma-api/ (kernel/dma/debug.c's dma_debug_fs_init; lib/dma-debug.c in 4.9):
// DMA-API debugging's counters and knobs, read from what DmaDebug keeps. Modes as the kernel
// creates them: disabled (bool, 0444), error_count, num_free_entries, min_free_entries,
// nr_total_entries (u32, 0444), all_errors, num_errors (u32, 0644), driver_filter (0644) and
// dump (0444). 4.9 had neither nr_total_entries (the pool did not grow) nor dump (5.1). Writes
// are root's: a read-only number refuses with -EACCES (simple_attr_write without a setter), the
// bool and dump have no write method at all (-EINVAL from vfs_write).

import type { DmaDebug } from "./debug.js";
import type { Kernel } from "../kernel/kernel.js";
import { KernelError, EACCES, EINVAL, ERANGE } from "../kernel/errno.js";

const MODERN_FILES = ["all_errors", "disabled", "driver_filter", "dump", "error_count", "min_free_entries", "nr_total_entries", "num_errors", "num_free_entries"];
const V49_FILES = MODERN_FILES.filter((f) => f !== "dump" && f !== "nr_total_entries");

/** NAME_MAX_LEN: the filter keeps at most 63 characters. */
const NAME_MAX_LEN = 64;
/** struct simple_attr's set_buf: a number written is read from its first 23 bytes. */
const SET_BUF = 24;

/** The number last written to all_errors: the kernel keeps the u32 (any nonzero value shows all
 *  errors), dmasim's DmaDebug only whether it is nonzero. */
const allErrorsWritten = new WeakMap<DmaDebug, number>();

/** The files of /sys/kernel/debug/dma-api, as `ls` lists them; none without DMA-API debugging. */
export function dmaApiFiles(kernel: Kernel): string[] | undefined {
  if (!kernel.dma.debug.enabled) return undefined;
  return kernel.version === "modern" ? MODERN_FILES : V49_FILES;
}

function u32Text(v: number): string {
  return `${v >>> 0}\n`;
}

function allErrorsValue(debug: DmaDebug): number {
  const written = allErrorsWritten.get(debug);
  return written !== undefined && (written !== 0) === debug.allErrors ? written : debug.allErrors ? 1 : 0;
}

/** A file's text as `cat` shows it: u32s as "%llu\n", the bool as "Y\n"/"N\n" (debugfs), the
 *  filter as its name and a newline (nothing while it is off), dump one line per entry. */
export function readDmaApiFile(kernel: Kernel, name: string): string | undefined {
  if (!dmaApiFiles(kernel)?.includes(name)) return undefined;
  const debug = kernel.dma.debug;
  switch (name) {
    case "disabled": return debug.disabled ? "Y\n" : "N\n";
    case "error_count": return u32Text(debug.errorCount);
    case "all_errors": return u32Text(allErrorsValue(debug));
    case "num_errors": return u32Text(debug.numErrors);
    case "num_free_entries": return u32Text(debug.pool.numFree);
    case "min_free_entries": return u32Text(debug.pool.minFree);
    case "nr_total_entries": return u32Text(debug.pool.totalEntries);
    case "driver_filter": return debug.driverFilter ? `${debug.driverFilter}\n` : "";
    case "dump": {
      const text = debug.dump();
      return text ? `${text}\n` : "";
    }
  }
  return undefined;
}

/** The value of digits in C's base-0 notation, as both parsers below match them: 0x hex, a
 *  leading 0 octal, else decimal. */
function baseZeroValue(digits: string): bigint {
  if (/^0[xX]/.test(digits)) return BigInt(digits);
  if (digits.length > 1 && digits[0] === "0") return BigInt(`0o${digits.slice(1)}`);
  return BigInt(digits);
}

/** kstrtoull(buf, 0): an optional '+', a number in C's notation (0x hex, 0 octal, decimal) and
 *  at most one newline; -EINVAL for anything else, -ERANGE past 64 bits. */
function kstrtoull(text: string, path: string): bigint {
  const m = /^\+?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)\n?$/.exec(text);
  if (!m) throw new KernelError(EINVAL, `${path}: write error: ${JSON.stringify(text)} is no number (kstrtoull, base 0)`);
  const digits = m[1];
  const v = baseZeroValue(digits);
  if (v >= 1n << 64n) throw new KernelError(ERANGE, `${path}: write error: ${digits} does not fit in 64 bits`);
  return v;
}

/** 4.9's simple_strtoll(buf, NULL, 0): the number at the start of the text, whatever follows;
 *  0 when there is none. */
function simple_strtoll(text: string): bigint {
  const m = /^(-?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(text);
  if (!m) return 0n;
  const v = baseZeroValue(m[2]);
  return m[1] ? -v : v;
}

/** debugfs_u32_set after simple_attr_write: the value as the u32 the kernel stores. */
function u32Written(kernel: Kernel, text: string, path: string): number {
  const buf = text.slice(0, SET_BUF - 1);
  const v = kernel.version === "modern" ? kstrtoull(buf, path) : simple_strtoll(buf);
  return Number(BigInt.asUintN(32, v));
}

/** isspace of the C locale. */
function isspace(c: string): boolean {
  return c === " " || (c >= "\t" && c <= "\r");
}

/** filter_write: the first token of what is written names the driver whose errors alone are
 *  reported; text that does not begin with a letter or digit (an empty line) switches the filter
 *  off. */
function filter_write(kernel: Kernel, text: string): void {
  const debug = kernel.dma.debug;
  const buf = text.slice(0, NAME_MAX_LEN - 1);
  if (!/^[A-Za-z0-9]/.test(buf)) {
    if (debug.driverFilter) kernel.printk.info("DMA-API: switching off dma-debug driver filter");
    debug.driverFilter = "";
    return;
  }
  let i = 0;
  while (i < buf.length && !isspace(buf[i])) i++;
  debug.driverFilter = buf.slice(0, i);
  kernel.printk.info(`DMA-API: enable driver filter for driver [${debug.driverFilter}]`);
}

/** A write to one of the files (`name` is one dmaApiFiles lists). */
export function writeDmaApiFile(kernel: Kernel, name: string, text: string, path: string): void {
  const debug = kernel.dma.debug;
  switch (name) {
    case "driver_filter":
      filter_write(kernel, text);
      return;
    case "all_errors": {
      const v = u32Written(kernel, text, path);
      allErrorsWritten.set(debug, v);
      debug.allErrors = v !== 0;
      return;
    }
    case "num_errors":
      debug.numErrors = u32Written(kernel, text, path);
      return;
    case "disabled":
    case "dump":
      throw new KernelError(EINVAL, `${path}: write error: the file (mode 0444) has no write method`);
  }
  throw new KernelError(EACCES, `${path}: write error: permission denied (a read-only debugfs number, mode 0444)`);
}
