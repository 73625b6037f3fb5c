// A DMA-330 instance's build-time configuration and the read-only registers that report it to
// software (CR0–CR4, CRD, peripheral/PrimeCell IDs; spec pl330 §4 and §10).

export class Pl330Config {
  numChannels: u32 = 8;
  numPeriph: u32 = 4;
  numEvents: u32 = 16;
  dataWidthBits: u32 = 64;
  bufferDepth: u32 = 128; // MFIFO lines of dataWidthBits
  rdCap: u32 = 8;
  wrCap: u32 = 8;
  rdQueue: u32 = 16;
  wrQueue: u32 = 16;
  icLines: u32 = 16;
  icLineBytes: u32 = 32;
  revision: u32 = 2; // 0 r0p0, 1 r1p0, 2 r1p1, 3 r1p2
  bootEn: bool = false;
  mgrNs: bool = false; // manager non-secure at reset
  irqNs: u32 = 0; // CR3: events/irqs that are non-secure
  periphNs: u32 = 0; // CR4: peripheral interfaces that are non-secure
  bootAddr: u32 = 0;
  /** Fault (ch_rdwr_err) when a non-secure channel programs secure reads or writes in CCR.
   *  Off by default: the recorded reference cases show such channels running normally, so the
   *  model instead forces their accesses non-secure (docs/pl330-divergences.md). */
  checkChannelProt: bool = false;
  /** AXI cycles a channel may stay stalled for want of MFIFO space before the watchdog
   *  declares a lock-up (spec §6: TRM count not published; the reference model uses 1024). */
  watchdogCycles: u32 = 1024;
  /** What a request line with no peripheral wired to it does: by default it is tied off as
   *  always requesting (pl330/requests.ts); set, it is tied low as on an SoC whose unconnected
   *  request inputs never assert, and a DMAWFP on it waits for ever. */
  unwiredRequestsIdle: bool = false;

  get widthBytes(): u32 {
    return this.dataWidthBits >> 3;
  }

  cr0(): u32 {
    let v: u32 = ((this.numChannels - 1) & 7) << 4;
    if (this.numPeriph > 0) v |= 1 | (((this.numPeriph - 1) & 0x1f) << 12);
    if (this.bootEn) v |= 2;
    if (this.mgrNs) v |= 4;
    v |= ((this.numEvents - 1) & 0x1f) << 17;
    return v;
  }

  cr1(): u32 {
    return (<u32>ctz(this.icLineBytes) & 7) | (((this.icLines - 1) & 0xf) << 4);
  }

  crd(): u32 {
    const w: u32 = this.dataWidthBits == 32 ? 2 : this.dataWidthBits == 128 ? 4 : 3;
    return (
      w |
      (((this.wrCap - 1) & 7) << 4) |
      (((this.wrQueue - 1) & 0xf) << 8) |
      (((this.rdCap - 1) & 7) << 12) |
      (((this.rdQueue - 1) & 0xf) << 16) |
      (((this.bufferDepth - 1) & 0x3ff) << 20)
    );
  }

  /** periph_id_0..3 (only the low byte of each register is meaningful). */
  periphId(n: u32): u32 {
    if (n == 0) return 0x30;
    if (n == 1) return 0x13;
    if (n == 2) return 0x04 | (this.revision << 4);
    return 0;
  }

  pcellId(n: u32): u32 {
    if (n == 0) return 0x0d;
    if (n == 1) return 0xf0;
    if (n == 2) return 0x05;
    return 0xb1;
  }
}
