// The bug kind dma-coherent-on-noncoherent-port: a BSP whose device tree says `dma-coherent` for
// a DMAC whose port does not snoop the CPU's caches (a plain AXI master, not an ACP or a
// coherent interconnect port). Linux believes the tree: of_dma_configure → arch_setup_dma_ops
// sets dev->dma_coherent, and for such a device dma_map_single / dma_unmap_single / dma_sync_*
// do no cache maintenance (dma-direct skips arch_sync_dma_for_device/_for_cpu when
// dev_is_dma_coherent) and dma_alloc_coherent returns ordinary cacheable memory. The silicon
// then reads DRAM beneath the CPU's dirty lines and writes DRAM beneath its cached ones.
//
// On a PL330 the first victim is the driver's own program: pl330 writes each transfer's
// microcode into a buffer it got from dma_alloc_attrs at probe, cacheable now, and the DMAC
// fetches it from DRAM, where the CPU's writes have not gone; it runs what DRAM holds (zeros:
// DMAEND), never signals, and dma_sync_wait times out. A receive (a memcpy into a kmalloc'ed
// buffer mapped DMA_FROM_DEVICE, the CPU having written the buffer before) then finds every byte
// the CPU had cached stale. dmasim's timeout note names the stale program (stale-program.ts).
//
// The board is arm64-ref's (examples/boards/arm64-ref.dts) with `dma-coherent` on its PL330 and
// `dmasim,port-coherent = <0>` saying the port does not snoop. The fix is the tree without
// `dma-coherent`, on the same silicon: the DMAC's driver is unbound, the property removed
// (of_remove_property) and the driver bound again, whose probe re-reads the tree (really_probe →
// platform_dma_configure → of_dma_configure) and gets a non-coherent microcode buffer; the same
// receive is then whole. The run puts the tree and binding back at its end. Wiring the port
// coherent is the other fix, a silicon one.

import type { System } from "../../system.js";
import type { PlatformDevice } from "../../kernel/device.js";
import { DMA_FROM_DEVICE, DMA_TO_DEVICE } from "../../dma/constants.js";
import { dma_sync_wait } from "../../dmaengine/dmaengine.js";
import { dmaengine_terminate_sync } from "../../dmaengine/transfer.js";
import { DMA_COMPLETE, STATUS_NAMES } from "../../dmaengine/types.js";
import { ofDmaConfigure } from "../../of/device.js";
import { of_remove_property, of_update_property_cells } from "../../of/dynamic.js";
import { PORT_COHERENT_PROP } from "../../hw/port-coherent.js";
import type { DmacInstance } from "../../hw/board.js";
import { pattern, countDifferent } from "../phase.js";
import { kmallocBuffers, mapSingle } from "../managed-buffers.js";
import type { Defer } from "../teardown.js";
import type { BugResult } from "./bug-kinds.js";
import type { BoardVariant } from "../../board-variant.js";
import { leaveTreeText } from "../../tree-choice.js";
import { memcpyChannel, submitMemcpy } from "./memcpy-channel.js";

/** Bytes received: 64 lines of the A53's 64-byte L1 lines, well inside its 32 KiB L1. */
const LEN = 4096;

/** The board: arm64-ref (examples/boards/arm64-ref.dts) with `dma-coherent` on its PL330 (the
 *  BSP's claim, copied from a SoC whose DMAC sits on a coherent port) and
 *  `dmasim,port-coherent = <0>` (the silicon: a plain AXI master that does not snoop). */
export const DMA_COHERENT_ON_NONCOHERENT_PORT_VARIANT: BoardVariant = {
  board: "arm64-ref",
  name: "arm64-ref-dma-coherent-on-noncoherent-port.dtb",
  edits: [
    { node: "/", property: "model", string: "dmasim arm64 reference board, its PL330 dma-coherent in the tree on a port that does not snoop" },
    { node: "/soc/dma-controller@ff6e0000", property: "dma-coherent", cells: [] },
    { node: "/soc/dma-controller@ff6e0000", property: PORT_COHERENT_PROP, cells: [0] },
  ],
};

interface Receive {
  status: string;
  /** Bytes of the receive buffer that did not hold the data afterwards. */
  stale: number;
  /** Bytes of the receive buffer in the CPU's caches when the transfer was issued. */
  cached: number;
  /** Bytes Linux cleaned or invalidated for the two mappings. */
  maintained: number;
  /** dmasim's note on a timed-out wait, if any. */
  note: string;
}

/** One receive as a driver does it: the CPU has written the buffer before (its previous
 *  contents, every byte unlike the data), maps it DMA_FROM_DEVICE, the DMAC copies the data in
 *  from a source the CPU filled and mapped DMA_TO_DEVICE, the driver unmaps and reads. */
function receive(s: System, defer: Defer, seed: number): Receive {
  const { chan, dev, release } = memcpyChannel(s, defer);
  const bufs = kmallocBuffers(s, [LEN, LEN], defer);
  const [src, dst] = bufs.vas;
  const data = pattern(LEN, seed);
  s.cpu.write(src, data);
  s.cpu.write(dst, data.map((b) => b ^ 0xff));
  const before = s.kernel.dma.time.snapshot();
  const logBefore = s.kernel.printk.dmesg().length;
  const ds = mapSingle(dev, src, LEN, DMA_TO_DEVICE, defer);
  const dd = mapSingle(dev, dst, LEN, DMA_FROM_DEVICE, defer);
  const cached = cachedBytes(s, dst, LEN);
  // Not memcpyAndWait: the bug's wait times out, and the driver then terminates the channel.
  const status = dma_sync_wait(chan, submitMemcpy(chan, dd.addr, ds.addr, LEN));
  if (status !== DMA_COMPLETE) dmaengine_terminate_sync(chan);
  dd.unmap();
  ds.unmap();
  const maintained = s.kernel.dma.time.since(before).maintainedBytes;
  const stale = countDifferent(s.cpu.read(dst, LEN), data);
  const note = s.kernel.printk.dmesg().slice(logBefore).map((l) => l.text).find((t) => t.includes("timed out (dmasim)")) ?? "";
  bufs.free();
  release();
  return { status: STATUS_NAMES[status] ?? "?", stale, cached, maintained, note };
}

/** Bytes of [va, va+len) in a line the CPU's L1 or L2 holds (read untimed, as a debugger). */
function cachedBytes(s: System, va: number, len: number): number {
  const lines = s.machine.backdoor.cacheLines(va, len);
  return lines.reduce((n, l, i) => (l.l1 !== "invalid" || l.l2 !== "invalid" ? n + (i + 1 < lines.length ? lines[i + 1].va : va + len) - l.va : n), 0);
}

/** Unbinds the DMAC's driver, gives its node `dma-coherent` or not, and binds it again: the
 *  probe re-reads the tree (of_dma_configure), as after booting the changed blob. */
function rebind(s: System, dev: PlatformDevice, dmaCoherent: boolean): void {
  const np = dev.ofNode!;
  s.kernel.device_release_driver(dev);
  if (dmaCoherent) of_update_property_cells(np, "dma-coherent", []);
  else of_remove_property(np, "dma-coherent");
  ofDmaConfigure(dev, np);
  const rc = s.kernel.device_attach(dev);
  if (rc !== 1) throw new Error(`${dev.name}: the DMAC's driver did not bind again (${rc}): ${dev.probe_failure ?? "no reason given"}`);
}

/** Why this System cannot show the bug, or undefined when it can. */
function cannotShow(dev: PlatformDevice, dmac: DmacInstance | undefined): string | undefined {
  if (!dmac) return `${dev.name} is no PL330 of this board's tree`;
  if (!dev.dma_coherent) {
    return `${dmac.node.path} is not dma-coherent in the tree, so Linux does the cache maintenance itself, whatever its port does`;
  }
  if (dmac.coherence.portCoherent) return `${dmac.node.path} is dma-coherent in the tree and its port does snoop the CPU's caches, as the tree says`;
  return undefined;
}

export function dmaCoherentOnNoncoherentPort(s: System, defer: Defer): BugResult {
  const { dev: chanDev, release } = memcpyChannel(s, defer);
  const dev = chanDev as PlatformDevice;
  release();
  const dmac = s.board.dmacs.find((d) => d.node === dev.ofNode);
  const why = cannotShow(dev, dmac);
  const bug = receive(s, defer, 61);
  if (why || !dmac) {
    return {
      kind: "dma-coherent-on-noncoherent-port",
      symptom: `${why}: the ${LEN}-byte receive ended ${bug.status} with ${bug.stale} stale bytes; this board cannot show the bug; ${leaveTreeText(s)}`,
      fixed: "nothing to fix on this board",
      reproduced: false,
      details: details(dev, dmac, bug),
    };
  }
  const bugDetails = details(dev, dmac, bug);
  rebind(s, dev, false);
  // The System goes on with the tree it was built from: a second run shows the bug again.
  defer(() => rebind(s, dev, true));
  const fix = receive(s, defer, 61);
  return {
    kind: "dma-coherent-on-noncoherent-port",
    symptom: `${dmac.node.path} is dma-coherent in the tree, but its port does not snoop the CPU's caches (${PORT_COHERENT_PROP} = <0>): ` +
      `Linux maintained ${bug.maintained} bytes for the two mappings, and the ${LEN}-byte receive ended ${bug.status} with ${bug.stale} of ${LEN} ` +
      `bytes stale (${bug.cached} were in the CPU's caches)` + (bug.note ? `; dmasim said: ${bug.note}` : ""),
    fixed: `with dma-coherent dropped from the tree (or the port wired coherent) Linux maintained ${fix.maintained} bytes and the receive ended ` +
      `${fix.status} with ${fix.stale} stale bytes`,
    reproduced: bug.stale > 0 && fix.stale === 0 && fix.status === "DMA_COMPLETE",
    details: {
      ...bugDetails,
      statusFixed: fix.status, staleBytesFixed: fix.stale, maintainedBytesFixed: fix.maintained,
    },
  };
}

function details(dev: PlatformDevice, dmac: DmacInstance | undefined, r: Receive): Record<string, number | string> {
  return {
    dmac: dmac?.node.path ?? dev.name, bytes: LEN, treeCoherent: dev.dma_coherent ? "yes" : "no",
    portCoherent: dmac?.coherence.portCoherent ? "yes" : "no", status: r.status, staleBytes: r.stale, cachedBytes: r.cached,
    maintainedBytes: r.maintained, hangNote: r.note,
  };
}
