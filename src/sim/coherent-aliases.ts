// The seed's observation: after dma_alloc_coherent for a non-coherent device, the kernel page
// tables map the buffer twice — its cacheable linear-map alias (inside a 2 MB block on arm64)
// and the Normal non-cacheable remap with 4 KB pages in the vmalloc area (spec dma-api §5.1).
// Best seen on the arm64 board with the 4.9 kernel: 0xffffffc0… and 0xffffff80….

import type { System } from "../system.js";
import { PAGE_SIZE } from "../mm/gfp.js";
import { formatVirt, type VirtAddr } from "../hw/address.js";
import { parseSize } from "../units.js";
import { withTeardown } from "./teardown.js";
import { coherentBuffer } from "./managed-buffers.js";

export interface CoherentAliasesResult {
  board: string;
  kernel: string;
  device: string;
  size: number;
  cpuAddr: string;
  dmaAddr: string;
  linearAlias: string;
  /** ptdump of the block (arm64: 2 MB, arm: 1 MB) that holds the linear alias. */
  linearDump: string;
  /** ptdump of the remapped buffer and its neighbours. */
  remapDump: string;
}

export function runCoherentAliases(system: System, params: { size?: number | string; device?: string } = {}): CoherentAliasesResult {
  const k = system.kernel;
  const size = parseSize(params.size ?? 8192);
  if (!(Number.isSafeInteger(size) && size >= 1)) throw new RangeError(`size must be at least one byte, not ${params.size}`);
  const dev = params.device ? system.device(params.device) : [...k.devices.values()].find((d) => d.driverName === "dma-pl330");
  if (!dev) throw new Error("no DMA controller on this board");
  return withTeardown((defer) => {
    const buf = coherentBuffer(dev, size, defer); // freed once the tables are dumped
    const mm = k.mm;
    const alias = mm.phys_to_virt(buf.dmaAddr);
    const block = mm.arch === "arm64" ? 2 ** 21 : 2 ** 20;
    const down = (va: VirtAddr) => va - (((va % block) + block) % block);
    const bits = mm.arch === "arm64" ? 64 : 32;
    return {
      board: system.board.tree.model,
      kernel: k.version,
      device: dev.name,
      size,
      cpuAddr: formatVirt(buf.cpuAddr, bits),
      dmaAddr: "0x" + buf.dmaAddr.toString(16),
      linearAlias: formatVirt(alias, bits),
      linearDump: system.ptdump({ start: down(alias), end: down(alias) + block }),
      remapDump: system.ptdump({ start: buf.cpuAddr - PAGE_SIZE, end: buf.cpuAddr + Math.ceil(size / PAGE_SIZE) * PAGE_SIZE + PAGE_SIZE }),
    };
  });
}

export function formatCoherentAliases(r: CoherentAliasesResult): string {
  return [
    `dma_alloc_coherent(${r.device}, ${r.size}) on ${r.board} (${r.kernel} kernel):`,
    `  cpu_addr ${r.cpuAddr}, dma_handle ${r.dmaAddr}, linear alias ${r.linearAlias}`,
    "",
    "The linear-map alias (cacheable):",
    r.linearDump,
    "",
    "The coherent remap (non-cacheable, 4 KB pages):",
    r.remapDump,
  ].join("\n");
}
