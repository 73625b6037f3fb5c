// Where dmasim deliberately follows the DMA-330 TRM (spec pl330) instead of the reference model
// the conformance corpus was recorded from (QEMU 7.2). A corpus case carries a `quirk` text
// when the recording is believed to differ from the TRM; such a case that does not match the
// recording counts as a documented divergence when its quirk is one of these classes.
// docs/pl330-divergences.md explains each one.

export interface Divergence {
  id: string;
  /** Matches the case's `quirk` text. */
  quirk: RegExp;
  reason: string;
}

export const DIVERGENCES: readonly Divergence[] = [
  {
    id: "intmis-masked",
    quirk: /INTMIS/,
    reason: "INTMIS is INT_EVENT_RIS & INTEN (masked status): enabling an event's interrupt after it was signalled raises it; the reference model latches INTMIS only at DMASEV",
  },
  {
    id: "instr-fetch-error",
    quirk: /instruction fetch/i,
    reason: "an instruction fetch from unmapped memory faults the thread with instr_fetch_err (FTR bit 16, CPC at the instruction); the reference model reads 0x00 (DMAEND)",
  },
  {
    id: "bus-errors",
    quirk: /bus errors/i,
    reason: "a DMA read or write of unmapped memory faults the channel with data_read_err/data_write_err (FTR bits 18/17, imprecise); the reference model reads zeros and drops writes",
  },
  {
    id: "ccr-fields",
    quirk: /validate CCR/i,
    reason: "CCR endian_swap_size is implemented (ES16..ES128 byte-reverse each item written); the reference model ignores it",
  },
  {
    id: "kill-drops-mfifo",
    quirk: /tagged_remove|half of the channel/i,
    reason: "DMAKILL discards all of the channel's MFIFO data; the reference model keeps half of it (a loop-bound bug) and a later store writes those stale bytes",
  },
  {
    id: "single-store",
    quirk: /DMASTS/,
    reason: "DMASTS/DMASTPS under a Single request store one beat, as DMALDS loads one (a single transfer); the reference model stores the whole CCR burst",
  },
  {
    id: "unaligned-bursts",
    quirk: /unaligned/i,
    reason: "an unaligned incrementing burst moves the full size x len bytes (the MFIFO realigns byte lanes) and SAR/DAR advance by that; the reference model cuts the first beat at the size boundary",
  },
  {
    id: "stz-write-queue",
    quirk: /dmastz/i,
    reason: "DMASTZ advances DAR once per burst; a full write queue only delays it. The reference model advances DAR again on every retry of the stalled instruction",
  },
  {
    id: "mfifo-size",
    quirk: /MFIFO is/,
    reason: "the Zynq MFIFO holds data_buffer_dep x bus width = 128 x 8 B = 1024 B, so loads that run that far ahead of stores lock up sooner than in the reference model's 4096-byte MFIFO",
  },
];

export function divergenceFor(quirk: string | undefined): Divergence | undefined {
  return quirk === undefined ? undefined : DIVERGENCES.find((d) => d.quirk.test(quirk));
}
