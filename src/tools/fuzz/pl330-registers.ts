// What a DMA-330's registers may read back (spec pl330 §4, §5, §6), checked against a
// configuration the caller chose: reserved bits read 0, states are ones the TRM defines, fault
// bits are defined ones, the status summaries agree with the per-thread states, and the
// configuration and ID registers read what the configuration says however often they were
// written. Returns the violations, empty when the register file is self-consistent.

import type { Pl330Preset } from "../../hw/pl330-presets.js";

export interface FuzzedConfig extends Pl330Preset {
  bootEn: boolean;
  bootAddr: number;
  mgrNs: boolean;
  irqNs: number;
  periphNs: number;
}

const MANAGER_STATES = new Set([0, 1, 2, 3, 4, 15]);
const CHANNEL_STATES = new Set([0, 1, 2, 3, 4, 5, 7, 8, 9, 14, 15]);
const FTRD_BITS = (1 << 0) | (1 << 1) | (1 << 4) | (1 << 5) | (1 << 16) | (1 << 30);
const FTR_BITS = ((1 << 0) | (1 << 1) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 12) | (1 << 13) | (1 << 16) |
  (1 << 17) | (1 << 18) | (1 << 30) | (1 << 31)) >>> 0;
const CSR_BITS = 0xf | (0x1f << 4) | (1 << 14) | (1 << 15) | (1 << 21);
const DSR_BITS = 0xf | (0x1f << 4) | (1 << 9);
const FAULTING = 15;
const FAULT_COMPLETING = 14;

const mask = (bits: number) => (bits >= 32 ? 0xffffffff : (2 ** bits - 1));

/** CR0–CR4, CRD and the ID registers as the configuration defines them (§4, §10). */
export function expectedConfigRegisters(c: FuzzedConfig): Map<number, number> {
  const widthCode = { 32: 2, 64: 3, 128: 4 }[c.dataWidthBits];
  const cr0 = (c.requests > 0 ? 1 : 0) | (c.bootEn ? 2 : 0) | (c.mgrNs ? 4 : 0) | ((c.channels - 1) << 4) |
    (c.requests > 0 ? (c.requests - 1) << 12 : 0) | ((c.events - 1) << 17);
  const cr1 = Math.log2(c.icacheLineBytes) | ((c.icacheLines - 1) << 4);
  const crd = widthCode | ((c.wrCap - 1) << 4) | ((c.wrQueue - 1) << 8) | ((c.rdCap - 1) << 12) |
    ((c.rdQueue - 1) << 16) | ((c.bufferDepth - 1) << 20);
  return new Map([
    [0xe00, cr0 >>> 0], [0xe04, cr1], [0xe08, c.bootEn ? c.bootAddr >>> 0 : 0], [0xe0c, c.irqNs >>> 0],
    [0xe10, c.periphNs >>> 0], [0xe14, crd >>> 0],
    [0xfe0, 0x30], [0xfe4, 0x13], [0xfe8, 0x04 | (c.revision << 4)], [0xfec, 0x00],
    [0xff0, 0x0d], [0xff4, 0xf0], [0xff8, 0x05], [0xffc, 0xb1],
  ]);
}

/** Reads every register through `read` and lists what the spec does not allow. */
export function registerViolations(c: FuzzedConfig, read: (offset: number) => number): string[] {
  const bad: string[] = [];
  const hex = (v: number) => "0x" + (v >>> 0).toString(16);
  const check = (ok: boolean, what: string) => {
    if (!ok) bad.push(what);
  };

  // Every read takes simulated time and the threads run meanwhile: a summary register is
  // compared with a thread's state only when the state read just before and just after it agree.
  const dsr = read(0x000);
  check((dsr & ~DSR_BITS) === 0, `DSR ${hex(dsr)} has reserved bits set`);
  check(MANAGER_STATES.has(dsr & 0xf), `DSR manager state ${dsr & 0xf} is not a manager state`);
  const fsrd = read(0x030);
  const ftrd = read(0x038);
  if ((read(0x000) & 0xf) === (dsr & 0xf)) {
    check(fsrd === ((dsr & 0xf) === FAULTING ? 1 : 0), `FSRD ${fsrd} disagrees with DSR state ${dsr & 0xf}`);
    check((dsr & 0xf) !== FAULTING || ftrd !== 0, "manager faulting with FTRD 0");
  }
  check((ftrd & ~FTRD_BITS) === 0, `FTRD ${hex(ftrd)} has undefined fault bits`);

  const events = mask(c.events);
  const inten = read(0x020) >>> 0;
  const ris = read(0x024) >>> 0;
  const intmis = read(0x028) >>> 0;
  // A DMASEV between the reads of RIS and INTMIS raises an interrupt RIS did not show yet, so
  // INTMIS is compared with RIS read after it: an interrupt's RIS bit stays set until INTCLR,
  // which only this host writes (§8), so everything INTMIS held then is still in RIS.
  const risAfter = read(0x024) >>> 0;
  // INTEN's bits past num_events are reserved, RAZ/WI (docs/pl330-divergences.md).
  check((inten & ~events) === 0, `INTEN ${hex(inten)} beyond ${c.events} events`);
  check(((ris | risAfter) & ~events) === 0, `INT_EVENT_RIS ${hex(ris | risAfter)} beyond ${c.events} events`);
  check((intmis & ~(inten & risAfter)) === 0, `INTMIS ${hex(intmis)} not within INTEN & RIS (${hex(inten)} & ${hex(risAfter)})`);

  for (let n = 0; n < 8; n++) {
    const csr = read(0x100 + 8 * n) >>> 0;
    const fsrc = read(0x034) >>> 0;
    const ftr = read(0x040 + 4 * n) >>> 0;
    const stable = (read(0x100 + 8 * n) & 0xf) === (csr & 0xf);
    check((fsrc & ~mask(c.channels)) === 0, `FSRC ${hex(fsrc)} beyond ${c.channels} channels`);
    const lc0 = read(0x40c + 0x20 * n) >>> 0;
    const lc1 = read(0x410 + 0x20 * n) >>> 0;
    if (n >= c.channels) {
      const all = [csr, ftr, lc0, lc1, read(0x104 + 8 * n), read(0x400 + 0x20 * n), read(0x404 + 0x20 * n), read(0x408 + 0x20 * n)];
      check(all.every((v) => v === 0), `channel ${n} (not configured) registers read ${all.map(hex).join(" ")}`);
      continue;
    }
    const state = csr & 0xf;
    check((csr & ~CSR_BITS) === 0, `CSR${n} ${hex(csr)} has reserved bits set`);
    check(CHANNEL_STATES.has(state), `CSR${n} state ${state} is not a channel state`);
    const faulting = state === FAULTING || state === FAULT_COMPLETING;
    if (stable) {
      check(((fsrc >>> n) & 1) === (faulting ? 1 : 0), `FSRC bit ${n} disagrees with CSR${n} state ${state}`);
      check(!faulting || ftr !== 0, `channel ${n} faulting with FTR 0`);
    }
    check((ftr & ~FTR_BITS) === 0, `FTR${n} ${hex(ftr)} has undefined fault bits`);
    check(lc0 <= 0xff && lc1 <= 0xff, `LC0/LC1 of channel ${n} wider than 8 bits: ${hex(lc0)} ${hex(lc1)}`);
  }
  const dbg = read(0xd00);
  check(dbg === 0 || dbg === 1, `DBGSTATUS ${hex(dbg)}`);
  const wd = read(0xe80);
  check(wd === 0 || wd === 1, `WD ${hex(wd)}`);
  for (const [off, want] of expectedConfigRegisters(c)) {
    const got = read(off) >>> 0;
    check(got === want, `${hex(off)} reads ${hex(got)}, the configuration gives ${hex(want)}`);
  }
  return bad;
}
