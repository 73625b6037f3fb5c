// /sys/kernel/debug/dma-api/dump (kernel/dma/debug.c dump_show; the file arrived in 5.1, so
// 4.9 has none): one line per live DMA-API debug entry, buckets in index order,
//   "%s %s %s idx %d P=%pa D=%llx L=%llx cln=%pa %s %s\n"
// driver, device, entry type, hash bucket, the mapping's physical start (%pa: 0x and the width
// of phys_addr_t, 16 hex digits on arm64, 8 on arm without LPAE), device address and length
// (plain hex, no 0x), the first cache line's number (%pa again), direction and map-error state.
// That is the format since "dma-debug: store a phys_addr_t in struct dma_debug_entry" (2025,
// the series dmasim's noncoherent entries come from; 6.12.y took it as a stable backport); 5.1
// until then printed "P=%llx N=%lx": the address without 0x and padding, then the pfn.

import type { DmaAddr } from "../hw/address.js";
import type { Kernel } from "../kernel/kernel.js";
import { DIRECTION_NAMES } from "./constants.js";
import { MAPERR_NAMES, entryPhys, type DebugEntries, type Entry } from "./debug-entries.js";
import { formatPhysAddr } from "./debug-report.js";

/** %llx of a u64 the kernel filled from a dma_addr_t: DMA_MAPPING_ERROR (-1 here) is all ones
 *  of that type, 32 bits on arm without LPAE, 64 on arm64. */
function dmaAddrHex(kernel: Kernel, addr: DmaAddr): string {
  const bits = kernel.machine.profile.arch === "arm64" ? 64 : 32;
  return BigInt.asUintN(bits, BigInt(addr)).toString(16);
}

function dumpLine(kernel: Kernel, pool: DebugEntries, idx: number, e: Entry): string {
  const dir = DIRECTION_NAMES[e.direction] ?? `${e.direction}`;
  const P = formatPhysAddr(kernel, entryPhys(e));
  const cln = formatPhysAddr(kernel, pool.cacheline(e));
  return `${e.dev.driverString()} ${e.dev.name} ${e.type} idx ${idx} P=${P} D=${dmaAddrHex(kernel, e.dev_addr)} L=${e.size.toString(16)} cln=${cln} ${dir} ${MAPERR_NAMES[e.map_err_type]}`;
}

/** dump_show: the file's lines, without the last newline ("" with no entries). */
export function dump_show(kernel: Kernel, pool: DebugEntries): string {
  return pool
    .all()
    .map(([idx, e]) => dumpLine(kernel, pool, idx, e))
    .join("\n");
}
