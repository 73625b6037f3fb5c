// The bug kind gup-missing-write: a driver's zero-copy receive into a process's memory that pins
// the buffer without FOLL_WRITE although the device will write it (DMA_FROM_DEVICE). The process
// had only read its buffer, so every page of it maps the shared zero page (anonymous.ts), and GUP
// without FOLL_WRITE pins that page as it is (gup.ts): the device writes the zero page, once per
// page of the buffer. The process, whose pages all map it, reads the device's last page in each;
// every other untouched anonymous page of every process reads those bytes instead of zeros; and
// the first write the process makes to its buffer copies the zero page to a fresh page of zeros
// (wp_page_copy), so the data it was shown vanishes. The fix pins with FOLL_WRITE, which
// write-faults each page to the process's own before the device sees it.
//
// 4.9 had get_user_pages_fast(start, nr, write = 0, pages), which takes a reference on the zero
// page each time; 6.x's pin takes none (since 6.5). Neither refuses it for a short-term pin: only
// 6.x's FOLL_LONGTERM would have unshared it (gup_must_unshare). A driver of 4.9 mapped with
// dma_map_sg, as gup-missing-unmap.ts does.

import type { System } from "../../system.js";
import { dma_map_single, dma_mapping_error, dma_unmap_single } from "../../dma/mapping.js";
import { DMA_TO_DEVICE } from "../../dma/constants.js";
import type { DmaChan } from "../../dmaengine/types.js";
import { MAP_ANONYMOUS, MAP_PRIVATE } from "../../mm/mmap.js";
import { FOLL_WRITE } from "../../mm/gup.js";
import { PAGE_SIZE } from "../../mm/gfp.js";
import { countDifferent } from "../phase.js";
import { kmallocBuffers } from "../managed-buffers.js";
import type { Defer } from "../teardown.js";
import { memcpyChannel } from "./memcpy-channel.js";
import { deviceWritesTable, mapUserTable, pinUserBuffer } from "./user-receive.js";
import type { BugResult } from "./bug-kinds.js";

const PAGES = 4;
const LEN = PAGES * PAGE_SIZE;
/** The record header the process clears once it has read a record: its first write. */
const HEADER = 4;

/** The device's bytes: page p holds (p << 6) | (offset & 0x3e) | 1, never zero, and no two pages
 *  agree at any offset, so a page read in place of another differs in every byte. */
function deviceData(): Uint8Array {
  return Uint8Array.from({ length: LEN }, (_, i) => ((i >> 12) << 6) | (i & 0x3e) | 1);
}

/** One receive into a fresh anonymous buffer the process had only read. */
interface Receive {
  /** The pages the driver pinned. */
  pages: number[];
  /** The first pinned page's _refcount while the pins hold it. */
  refsWhilePinned: number;
  /** Bytes the process read after the driver returned that are not the device's. */
  wrong: number;
  /** Bytes of the first page that read zero after the process cleared its header there. */
  zerosAfterWrite: number;
}

function receive(s: System, chan: DmaChan, srcDma: number, data: Uint8Array, gupFlags: number, defer: Defer): Receive {
  const dev = chan.device.dev;
  const mm = s.kernel.userMm;
  const uva = s.user.mmap(LEN, null, { flags: MAP_ANONYMOUS | MAP_PRIVATE });
  defer(() => s.user.munmap(uva));
  // The process checks that no record is there yet: read faults, the zero page in every page.
  s.user.read(uva, LEN);
  // The driver's ioctl: pin, build the table, map, let the device write, unmap, unpin dirty.
  const { pages, unpinDirty } = pinUserBuffer(mm, uva, LEN, gupFlags, defer);
  const refsWhilePinned = s.kernel.mm.pageRefs.page_count(pages[0]);
  const { sgt, unmap } = mapUserTable(dev, pages, LEN, defer);
  deviceWritesTable(chan, sgt, srcDma);
  unmap();
  unpinDirty();
  // The ioctl returns: the process reads its record, then clears the record's header.
  const wrong = countDifferent(s.user.read(uva, LEN), data);
  s.user.write(uva, new Uint8Array(HEADER));
  const zerosAfterWrite = s.user.read(uva, PAGE_SIZE).filter((b) => b === 0).length;
  return { pages, refsWhilePinned, wrong, zerosAfterWrite };
}

export function gupMissingWrite(s: System, defer: Defer): BugResult {
  const ownProcess = !s.kernel.userMmRunning; // the scenario's process, which exits at the end
  const { chan, dev } = memcpyChannel(s, defer);
  const data = deviceData();
  const src = kmallocBuffers(s, [LEN], defer).vas[0];
  s.cpu.write(src, data);
  const srcDma = dma_map_single(dev, src, LEN, DMA_TO_DEVICE);
  if (dma_mapping_error(dev, srcDma)) throw new Error(`dma_map_single of ${LEN} bytes for ${dev.name} failed (DMA_MAPPING_ERROR)`);
  defer(() => dma_unmap_single(dev, srcDma, LEN, DMA_TO_DEVICE));
  defer(() => {
    if (ownProcess && s.kernel.userMmRunning) s.user.exit();
  });
  const zeroPfn = s.kernel.mm.zeroPfn;
  const zeroVa = s.kernel.mm.phys_to_virt(zeroPfn * PAGE_SIZE);
  // Linux's zero page stays as the device left it until reboot; the run gives the System back
  // whole, so the kernel clears it again and cleans it to DRAM (as arm's paging_init flushes it;
  // 4.9 arm64's table walks read it as the reserved TTBR0 table) once the receives are undone.
  defer(() => {
    s.cpu.fill(zeroVa, 0, PAGE_SIZE);
    s.kernel.archDma.cleanRange(zeroPfn * PAGE_SIZE, PAGE_SIZE);
  });
  const zeroRefs0 = s.kernel.mm.pageRefs.page_count(zeroPfn);
  const bug = receive(s, chan, srcDma, data, 0, defer);
  const zeroPinned = bug.pages.filter((p) => p === zeroPfn).length;
  // What the kernel and every process now read as zeros: the zero page itself, and a mapping the
  // process has only read.
  const zeroPage = s.machine.backdoor.read(zeroPfn * PAGE_SIZE, PAGE_SIZE);
  const lastPage = data.subarray(LEN - PAGE_SIZE);
  const zeroPageIsLast = PAGE_SIZE - countDifferent(zeroPage, lastPage);
  const fresh = s.user.mmap(PAGE_SIZE, null, { flags: MAP_ANONYMOUS | MAP_PRIVATE });
  defer(() => s.user.munmap(fresh));
  const freshNonZero = s.user.read(fresh, PAGE_SIZE).filter((b) => b !== 0).length;
  const zeroRefsAfter = s.kernel.mm.pageRefs.page_count(zeroPfn);
  const fix = receive(s, chan, srcDma, data, FOLL_WRITE, defer);
  const v49 = s.kernel.version === "v4.9";
  const gup = v49 ? "get_user_pages_fast(write = 0)" : "pin_user_pages_fast without FOLL_WRITE";
  const refs = v49
    ? "4.9 takes a reference on it each time, and put_page drops them"
    : "6.x takes no reference on the zero page, and unshares it only for a FOLL_LONGTERM pin";
  const symptom = zeroPinned === 0 ? `${gup} pinned no zero page here: the process read ${bug.wrong} wrong bytes` :
    `${bug.wrong} of ${LEN} bytes the process read after ${gup} were not the device's: it had only read its buffer, so each of its ${PAGES} pages mapped the shared zero page (pfn 0x${zeroPfn.toString(16)}), ` +
    `which the driver pinned ${zeroPinned} times (${refs}) and the device wrote ${zeroPinned} times over. ` +
    `The zero page now holds the device's last page (${zeroPageIsLast} of ${PAGE_SIZE} bytes), which every untouched anonymous page of every process reads instead of zeros ` +
    `(a fresh mapping read ${freshNonZero} non-zero bytes); and the process's first write to its buffer (clearing a ${HEADER}-byte header) copied the zero page to a fresh page of zeros: ` +
    `${bug.zerosAfterWrite} of ${PAGE_SIZE} bytes of its first page then read zero`;
  return {
    kind: "gup-missing-write",
    symptom,
    fixed: `FOLL_WRITE write-faults each page to the process's own before the device writes it: ${fix.wrong} wrong bytes, and ${fix.zerosAfterWrite} zero bytes in its first page after it cleared the header`,
    reproduced: bug.wrong > 0 && fix.wrong === 0,
    details: {
      bytes: LEN, wrongBytes: bug.wrong, wrongWithFollWrite: fix.wrong, zeroPagesPinned: zeroPinned, zeroPageRefsBefore: zeroRefs0, zeroPageRefsWhilePinned: bug.refsWhilePinned,
      zeroPageRefsAfter: zeroRefsAfter, zeroPageHoldsLastPage: zeroPageIsLast, freshMappingNonZero: freshNonZero,
      zerosAfterWrite: bug.zerosAfterWrite, zerosAfterWriteWithFollWrite: fix.zerosAfterWrite,
    },
  };
}
