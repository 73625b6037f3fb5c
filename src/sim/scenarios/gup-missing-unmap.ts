// The bug kind gup-missing-unmap: a driver's zero-copy receive into a process's memory
// (pin_user_pages_fast, sg_alloc_table_from_pages, a DMA_FROM_DEVICE mapping, the PL330 writing
// the pages) that unpins without unmapping the sg table, so the CPU never gets the buffer back
// (dma-api §4: ownership returns at unmap or sync_for_cpu). The fix unmaps before unpinning.
//
// Linux 4.9 had neither dma_map_sgtable (5.8) nor pin_user_pages_fast (5.6): its drivers called
// dma_map_sg / dma_unmap_sg, which dmasim has, and get_user_pages_fast / put_page, which it has
// not; pin_user_pages_fast stands in for them there, as it takes and drops the same page reference
// that matters here (the page stays allocated while the device writes it).

import type { System } from "../../system.js";
import { dma_map_single, dma_mapping_error, dma_unmap_single } from "../../dma/mapping.js";
import { DMA_ATTR_SKIP_CPU_SYNC, DMA_TO_DEVICE } from "../../dma/constants.js";
import { for_each_sg, sg_dma_address } from "../../dma/scatterlist.js";
import { phys_to_dma } from "../../dma/dma-address.js";
import type { DmaChan } from "../../dmaengine/types.js";
import type { Device } from "../../kernel/device.js";
import { MAP_ANONYMOUS, MAP_PRIVATE } from "../../mm/mmap.js";
import { FOLL_WRITE } from "../../mm/gup.js";
import { PAGE_SIZE } from "../../mm/gfp.js";
import { pattern, countDifferent } from "../phase.js";
import { kmallocBuffers } from "../managed-buffers.js";
import type { Defer } from "../teardown.js";
import { memcpyChannel } from "./memcpy-channel.js";
import { deviceWritesTable, mapUserTable, pinUserBuffer } from "./user-receive.js";
import type { BugResult } from "./bug-kinds.js";
import { leaveTreeText } from "../../tree-choice.js";
import { liveEntriesShown } from "../../dma/debug-unbind-note.js";

const LEN = 4 * PAGE_SIZE;

/** One receive into a fresh anonymous buffer of the process. */
interface Receive {
  /** Bytes the process read after the driver returned that are not the device's. */
  stale: number;
  /** An sg entry's DMA address was not its page's: swiotlb bounced the pages. */
  bounced: boolean;
  /** DMA-API debug reports printed from the map to the unpin. */
  reportsAtUnpin: number;
}

function receive(s: System, chan: DmaChan, srcDma: number, data: Uint8Array, unmap: boolean, defer: Defer): Receive & { munmap(): void; leak(): void } {
  const dev = chan.device.dev;
  const mm = s.kernel.userMm;
  const debug = s.kernel.dma.debug;
  const uva = s.user.mmap(LEN, null, { flags: MAP_ANONYMOUS | MAP_PRIVATE });
  const munmap = defer(() => s.user.munmap(uva));
  // The driver's ioctl: pin, build the table, map, start the device.
  const { pages, unpinDirty } = pinUserBuffer(mm, uva, LEN, FOLL_WRITE, defer);
  const reports0 = debug.reports.length;
  const { sgt, unmap: unmapTable } = mapUserTable(dev, pages, LEN, defer);
  let bounced = false;
  for_each_sg(sgt.sgl, sgt.nents, (sg) => {
    if (sg_dma_address(sg) !== phys_to_dma(dev, sg.page * PAGE_SIZE)) bounced = true;
  });
  // The process looks at the start of its buffer (a header it waits for) while the device runs.
  s.user.read(uva, PAGE_SIZE);
  deviceWritesTable(chan, sgt, srcDma);
  if (unmap) unmapTable();
  unpinDirty();
  const reportsAtUnpin = debug.reports.length - reports0;
  // The ioctl returns: the process reads what the device wrote.
  const stale = countDifferent(s.user.read(uva, LEN), data);
  return { stale, bounced, reportsAtUnpin, munmap, leak: () => unmapTable(DMA_ATTR_SKIP_CPU_SYNC) };
}

export function gupMissingUnmap(s: System, defer: Defer): BugResult {
  const ownProcess = !s.kernel.userMmRunning; // the scenario's process, which exits at the end
  const { chan, dev } = memcpyChannel(s, defer);
  // No zero byte: a byte still holding the zeros of a fresh page never matches by chance.
  const data = Uint8Array.from(pattern(LEN, 6), (b) => b | 1);
  const src = kmallocBuffers(s, [LEN], defer).vas[0];
  s.cpu.write(src, data);
  const srcDma = dma_map_single(dev, src, LEN, DMA_TO_DEVICE);
  if (dma_mapping_error(dev, srcDma)) throw new Error(`dma_map_single of ${LEN} bytes for ${dev.name} failed (DMA_MAPPING_ERROR)`);
  defer(() => dma_unmap_single(dev, srcDma, LEN, DMA_TO_DEVICE));
  const exit = defer(() => {
    if (ownProcess && s.kernel.userMmRunning) s.user.exit();
  });
  const debug = s.kernel.dma.debug;
  const entries0 = debug.entries(dev);
  const reports0 = debug.reports.length;
  const bug = receive(s, chan, srcDma, data, false, defer);
  const fix = receive(s, chan, srcDma, data, true, defer);
  // Before the exit: a system.user call after it would start a new process.
  bug.munmap();
  fix.munmap();
  exit();
  const reportsAtExit = debug.reports.length - reports0 - bug.reportsAtUnpin - fix.reportsAtUnpin;
  const leaked = debug.entries(dev) - entries0;
  // The run gives the System back whole: the leaked mapping goes, without syncing the pages it
  // names, which the process's exit has freed (4.9's swiotlb ignores DMA_ATTR_SKIP_CPU_SYNC and
  // copies a bounce slot back into them, as a late unmap there would).
  bug.leak();
  return {
    kind: "gup-missing-unmap",
    symptom: `${bug.stale} of ${LEN} bytes the process read after the driver unpinned its buffer without dma_unmap_sg${s.kernel.version === "v4.9" ? "" : "table"} were stale: ${why(s, dev, bug.bounced)}${debugSays(s, leaked, bug.reportsAtUnpin, reportsAtExit)}`,
    fixed: `dma_unmap_sg${s.kernel.version === "v4.9" ? "" : "table"} before unpin_user_pages_dirty_lock hands the buffer back to the CPU: ${fix.stale} stale bytes`,
    reproduced: bug.stale > 0 && fix.stale === 0,
    details: {
      bytes: LEN, staleBytes: bug.stale, staleWithUnmap: fix.stale, bounced: bug.bounced ? "yes" : "no",
      debugReportsAtUnpin: bug.reportsAtUnpin, debugReportsAtExit: reportsAtExit, leakedDebugEntries: leaked,
    },
  };
}

/** Which bytes are stale on this System, and why. */
function why(s: System, dev: Device, bounced: boolean): string {
  if (bounced) {
    return `the pages lie beyond ${dev.name}'s DMA mask, so swiotlb bounced them: the device wrote the bounce slots, which only the unmap copies back, and the process read the zeros its page faults left`;
  }
  if (dev.dma_coherent) {
    return `${dev.name} is dma-coherent (its writes snoop the caches), so skipping the unmap leaves nothing stale: this board cannot show the bug; ${leaveTreeText(s)}`;
  }
  const arch = s.machine.profile.arch;
  if (arch === "arm64" && s.kernel.version === "modern") {
    return "arm64's map for DMA_FROM_DEVICE only cleans the buffer, so the zeros each page fault wrote stayed in the CPU's caches over the device's data, and only the unmap invalidates them (a dma-coherent DMAC, snooping the caches, cannot show this)";
  }
  const where = arch === "arm64" ? "4.9 arm64's" : "arm's";
  return `${where} map for DMA_FROM_DEVICE invalidated the buffer, but the process read its first page after the map and cached what DRAM held before the transfer; only the unmap would invalidate it again (a dma-coherent DMAC, snooping the caches, cannot show this)`;
}

/** What DMA-API debug said about the mapping left behind, when it is on. */
function debugSays(s: System, leaked: number, atUnpin: number, atExit: number): string {
  if (!s.kernel.dma.debug.enabled) return "";
  const said = atUnpin + atExit === 0 ? "reported nothing at the unpin or at the process's exit" : `printed ${atUnpin} reports at the unpin and ${atExit} at the exit`;
  // Linux's "pending DMA allocations" report at unbind comes only from PCI's bus notifier
  // (dma_debug_add_bus): an ARM board's platform or AMBA DMAC never gets it (dma/debug-unbind-note.ts).
  return `. DMA-API debug ${said}: the ${leaked} sg entries stay in its table, and an ARM board never reports them (Linux reports a driver's leaked entries at unbind only for PCI devices): ${liveEntriesShown(s.kernel.version)}`;
}
