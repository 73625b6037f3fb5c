// The bug kind mmap-cacheable: a driver's mmap that remaps a dma_alloc_coherent buffer into a
// process with remap_pfn_range and the VMA's own protection (vm_page_prot: cacheable) instead of
// dma_mmap_coherent, which maps it as the kernel does (uncached where the device does not snoop).
// The process reads the buffer through its cached alias, the device writes DRAM beneath the
// caches, and the process reads stale bytes. On a dma-coherent device the cacheable mapping is
// right, and the symptom says the board cannot show the bug.

import type { System } from "../../system.js";
import { DMA_TO_DEVICE } from "../../dma/constants.js";
import { dma_to_phys } from "../../dma/dma-address.js";
import { dma_mmap_coherent } from "../../dma/mmap.js";
import { remap_pfn_range } from "../../mm/remap-pfn-range.js";
import type { FileMmap } from "../../mm/user-mm.js";
import { decodeAttr } from "../../hw/machine.js";
import { pattern, countDifferent } from "../phase.js";
import type { Defer } from "../teardown.js";
import { coherentBuffer, kmallocOne, mapSingle } from "../managed-buffers.js";
import { memcpyChannel, memcpyAndWait } from "./memcpy-channel.js";
import type { BugResult } from "./bug-kinds.js";
import { leaveTreeText } from "../../tree-choice.js";

/** The memory type of the process's mapping at uva, as a debugger's walk of its tables sees it. */
function userMemType(s: System, uva: number): string {
  const mm = s.kernel.userMm;
  mm.pgt.switchTo(mm.asid);
  const w = s.machine.mmu.walk(uva);
  mm.pgt.switchTo(null);
  return "pa" in w ? decodeAttr(w.attr).memType : "unmapped";
}

export function mmapCacheable(s: System, defer: Defer): BugResult {
  const len = 16 * 1024;
  const ownProcess = !s.kernel.userMmRunning; // the test program's, which exits at the end
  const { chan, dev, release } = memcpyChannel(s, defer);
  const buf = coherentBuffer(dev, len, defer);
  const src = kmallocOne(s, len, defer);
  const data = pattern(len, 4);
  s.cpu.write(src.va, data);
  const ds = mapSingle(dev, src.va, len, DMA_TO_DEVICE, defer);
  // Registered before the first mmap: an own process that fails part way exits with its
  // mappings (exit_mmap), after the two munmaps below have had their turn.
  const exit = defer(() => {
    if (ownProcess && s.kernel.userMmRunning) s.user.exit();
  });
  const userMap = (fop: FileMmap) => {
    const uva = s.user.mmap(len, fop);
    return { uva, munmap: defer(() => s.user.munmap(uva)) };
  };
  // The bug: the driver's mmap remaps the buffer itself, keeping vma->vm_page_prot (PAGE_SHARED,
  // cacheable); the fix lets the DMA layer choose the protection.
  const pfn = dma_to_phys(dev, buf.dmaAddr) / 4096;
  const buggy = userMap((vma) => remap_pfn_range(vma, vma.vm_start, pfn, len, vma.vm_page_prot));
  const right = userMap((vma) => dma_mmap_coherent(dev, vma, buf.cpuAddr, buf.dmaAddr, len));
  s.user.read(buggy.uva, len); // the process looks at the buffer before the device fills it
  s.user.read(right.uva, len);
  memcpyAndWait(chan, buf.dmaAddr, ds.addr, len);
  const stale = countDifferent(s.user.read(buggy.uva, len), data);
  const after = countDifferent(s.user.read(right.uva, len), data);
  const types = { remap: userMemType(s, buggy.uva), dmaMmap: userMemType(s, right.uva) };
  buggy.munmap();
  right.munmap();
  exit();
  ds.unmap();
  src.free();
  buf.free();
  release();
  return {
    kind: "mmap-cacheable",
    symptom: dev.dma_coherent
      ? `${stale} of ${len} bytes the process read after the transfer were stale: ${dev.name} is dma-coherent (its writes snoop the caches), so a cacheable mapping is right for it: this board cannot show the bug; ${leaveTreeText(s)}`
      : `${stale} of ${len} bytes the process read after the transfer were stale: remap_pfn_range with vm_page_prot mapped the coherent buffer ${types.remap} in user space, and the device wrote beneath the caches`,
    fixed: `dma_mmap_coherent maps it as the kernel does (${types.dmaMmap}): ${after} stale bytes`,
    reproduced: stale > 0 && after === 0,
    details: { bytes: len, staleBytes: stale, staleWithDmaMmap: after, remapMemType: types.remap, dmaMmapMemType: types.dmaMmap },
  };
}
