// The options every command that boots a System shares: --board, --dtb, --memory, --kernel,
// --profile, --worker.

import { readFile } from "node:fs/promises";
import type { SystemOptions } from "../system.js";
import { flag, has, UsageError, type ParsedArgs } from "./args.js";

export const SYSTEM_USAGE = `  --board NAME      built-in board (zynq-7000, arm64-ref, arm64-highmem); default zynq-7000
  --dtb FILE        boot this device tree blob instead
  --memory SIZE     DRAM size when the tree leaves it to the bootloader (e.g. 1G)
  --kernel VERSION  modern (default) or v4.9 DMA behaviour
  --dma-debug       CONFIG_DMA_API_DEBUG: check every DMA API call, report with the kernel's texts
  --profile NAME    machine profile (zynq-7000, arm64); chosen from the tree otherwise
  --worker          run the System in a worker thread`;

export async function systemOptions(a: ParsedArgs): Promise<SystemOptions> {
  const o: SystemOptions = {};
  const dtb = flag(a, "dtb");
  if (dtb) {
    try {
      o.dtb = new Uint8Array(await readFile(dtb));
      o.dtbName = dtb;
    } catch (e) {
      throw new UsageError(`cannot read ${dtb}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  o.board = flag(a, "board");
  o.memory = flag(a, "memory");
  o.profile = flag(a, "profile");
  const k = flag(a, "kernel");
  if (k !== undefined) {
    if (k !== "modern" && k !== "v4.9") throw new UsageError(`--kernel must be modern or v4.9, not "${k}"`);
    o.kernel = k;
  }
  if (has(a, "worker")) o.worker = true;
  if (has(a, "dma-debug")) o.dmaDebug = true;
  return o;
}
