// The PL330 fuzz target. Each case builds a bare machine around one DMA-330 of a random
// configuration (the Zynq-7000's half the time), with 1 MiB of DDR, 64 KiB of OCM and, on some
// request lines, a TX FIFO and an RX stream; places random programs (pl330-generator.ts) —
// valid ones, broken ones, ones that run off the end of memory — starts them through the debug
// interface and then plays a random register sequence at random moments (writes to read-only
// registers, debug commands while busy, DMAGO to busy channels). Then it lets simulated time run
// to a bound.
//
// Invariants: no host exception; every run ends — completed, faulted, stopped by the watchdog,
// or still running at the caller's time bound (the supervisor's host timeout catches a model
// that stops advancing); the register file reads back self-consistent values (pl330-registers.ts)
// after the sequence and at the end; and DMAKILL of every thread recovers the controller
// (spec pl330 §6): all threads Stopped, no fault bits, irq_abort low.

import { instantiateSilicon, releaseSilicon } from "../../hw/wasm.js";
import { Machine } from "../../hw/machine.js";
import { ZYNQ_7000, periodPs } from "../../hw/profile.js";
import { PL330_OPT } from "../../hw/exports.js";
import { addRxStream, addTxFifo } from "../../hw/dma-peripherals.js";
import type { Random } from "../../random.js";
import { randomProgram, randomMmioSequence, type Pl330Limits } from "./pl330-generator.js";
import { registerViolations, type FuzzedConfig } from "./pl330-registers.js";
import { randomCopy } from "./pl330-copies.js";
import { configureBareZynq } from "../pl330/bare-zynq.js";
import { FuzzFailure, type FuzzCaseResult, type FuzzTarget } from "./target.js";

const DMAC = 0xf8003000;
const RAM = { base: 0, size: 1 << 20 };
const OCM = { base: 0xfffc0000, size: 0x10000 };
const TX_BASE = 0xe0001000;
const RX_BASE = 0xe0002000;
const ABORT_IRQ = 45;
const US = 1_000_000; // ps
/** Simulated time a case may run after its register sequence. */
const BOUND_PS = 2000 * US;
const STOPPED = 0;
const FAULTING = 15;

function randomConfig(r: Random): FuzzedConfig {
  const zynq = ZYNQ_7000.dmac.preset;
  const base = r.chance(0.5)
    ? { ...zynq }
    : {
        channels: r.range(1, 8), requests: r.range(0, 32), events: r.range(1, 32), bufferDepth: r.pick([1, 2, 8, 16, 64, 128, 1024]),
        dataWidthBits: r.pick([32, 64, 128] as const), rdCap: r.range(1, 8), wrCap: r.range(1, 8), rdQueue: r.range(1, 16),
        wrQueue: r.range(1, 16), icacheLines: r.range(1, 16), icacheLineBytes: r.pick([4, 8, 16, 32]), revision: r.range(0, 3),
      };
  const ns = r.chance(0.7); // Linux's DMAC runs secure; a non-secure one exercises the security faults
  return {
    ...base,
    bootEn: r.chance(0.15),
    bootAddr: 0,
    mgrNs: !ns,
    irqNs: ns ? 0 : r.u32() & (2 ** base.events - 1),
    periphNs: ns || base.requests === 0 ? 0 : r.u32() & (2 ** base.requests - 1),
  };
}

async function buildMachine(c: FuzzedConfig, coherent: boolean): Promise<Machine> {
  const x = await instantiateSilicon();
  const p = ZYNQ_7000;
  configureBareZynq(x);
  x.addRam(RAM.base, RAM.size, 0);
  x.addRam(OCM.base, OCM.size, 1);
  const inst = x.addPl330(DMAC, 0x1000, c.channels, c.requests, c.events, c.dataWidthBits, c.bufferDepth,
    c.rdCap, c.wrCap, c.rdQueue, c.wrQueue, c.icacheLines, c.icacheLineBytes, c.revision, c.mgrNs ? 1 : 0, c.irqNs,
    c.periphNs, periodPs(p.dmac.axiClockMHz), coherent ? 1 : 0, p.dmac.deviceLatencyNs * 1000);
  x.wirePl330Abort(inst, ABORT_IRQ);
  for (let e = 0; e < c.events; e++) x.wirePl330Irq(inst, e, 46 + e);
  return new Machine(x, p);
}

/** How the channels stand: all stopped, some faulting (the watchdog's lock-up counted apart),
 *  or some still running; "manager faulted" when only the manager is. */
function classify(read: (off: number) => number, c: FuzzedConfig): string {
  const states: number[] = [];
  let lockup = false;
  for (let n = 0; n < c.channels; n++) {
    states.push(read(0x100 + 8 * n) & 0xf);
    if (read(0x040 + 4 * n) & 0x80000000) lockup = true;
  }
  if (lockup) return "watchdog";
  if (states.some((s) => s === FAULTING)) return "channel faulted";
  if (states.some((s) => s !== STOPPED)) return "time bound";
  const manager = read(0x000) & 0xf;
  if (manager === FAULTING) return "manager faulted";
  return manager === STOPPED ? "completed" : "time bound";
}

export class Pl330FuzzTarget implements FuzzTarget {
  readonly name = "pl330";
  /** The last case's machine: released when the next case starts, so that its memory, zeroed,
   *  serves the next machine (hw/memory-reuse.ts) instead of a fresh one per case. */
  private previous: Machine | undefined;

  describeCase(r: Random): { label: string } {
    const c = randomConfig(r);
    return { label: `${c.channels} channels, ${c.requests} requests, ${c.events} events, MFIFO ${c.bufferDepth}×${c.dataWidthBits / 8} B` };
  }

  async runCase(r: Random, index: number): Promise<FuzzCaseResult> {
    const c = randomConfig(r);
    const coherent = r.chance(0.2);
    const label = `case ${index}: ${c.channels} channels, ${c.requests} requests, ${c.events} events, MFIFO ${c.bufferDepth}×${c.dataWidthBits / 8} B${coherent ? ", coherent" : ""}`;
    const limits: Pl330Limits = { channels: c.channels, events: c.events, peripherals: c.requests };

    // A third of the cases with a secure manager (0.7 × 0.33: about 23 % of all) behave as a
    // driver would: secure copies checked byte for byte, no boot program, registers only read and
    // interrupts cleared — so transfers run to completion and must. The rest are hostile.
    const tidy = !c.mgrNs && r.chance(0.33);
    if (tidy) c.bootEn = false;

    // Programs: in DDR, in OCM, or ending at the very top of a memory (running off its end).
    const programs: number[] = [];
    const place = (bytes: Uint8Array, m: Machine) => {
      const mem = r.chance(0.8) ? RAM : OCM;
      const at = r.chance(0.1) ? mem.base + mem.size - Math.min(bytes.length, r.range(1, 8)) : mem.base + r.int(mem.size - bytes.length);
      const fits = Math.min(bytes.length, mem.base + mem.size - at);
      m.backdoor.write(at, bytes.subarray(0, fits));
      programs.push(at);
      return at;
    };
    const windows = [RAM, OCM, { base: TX_BASE, size: 4 }, { base: RX_BASE, size: 4 }];
    const slice = RAM.size / 4;
    const running = Math.min(c.channels, r.range(1, 4));
    const share = Math.floor((c.bufferDepth * c.dataWidthBits) / 8 / running);
    const copies = tidy ? Array.from({ length: running }, (_, i) => randomCopy(r, c, RAM.base + i * slice, slice, i, share)) : [];
    const channelPrograms = tidy ? copies.map((j) => j.program) : Array.from({ length: r.range(1, 4) }, () => randomProgram(r, { limits, windows }));
    const managerProgram = c.bootEn ? randomProgram(r, { limits, manager: true }) : null;
    const starts = channelPrograms.map((_, i) => (tidy ? { ch: i, ns: false } : { ch: r.int(c.channels), ns: r.chance(0.5) }));
    const peripherals = { tx: c.requests > 0 && r.chance(0.6), rx: c.requests > 1 && r.chance(0.6), txBurst: r.pick([1, 4, 16]), rxBurst: r.pick([2, 8, 32]) };

    if (this.previous) releaseSilicon(this.previous.x, () => new Error("a finished fuzz case's machine"));
    const m = await buildMachine(c, coherent);
    this.previous = m;
    const read = (off: number) => m.cpu.load(DMAC + off, 4) >>> 0;
    const write = (off: number, v: number) => m.cpu.store(DMAC + off, 4, v >>> 0);
    const verify = (when: string) => {
      const bad = registerViolations(c, read);
      if (bad.length) throw new FuzzFailure(label, `${when}: ${bad.slice(0, 3).join("; ")}`);
    };
    const debug = (inst0: number, inst1: number) => {
      for (let i = 0; read(0xd00) & 1; i++) {
        if (i > 10_000) throw new FuzzFailure(label, "DBGSTATUS stayed busy for 10,000 reads");
      }
      write(0xd08, inst0);
      write(0xd0c, inst1);
      write(0xd04, 0);
    };

    if (peripherals.tx) addTxFifo(m, { base: TX_BASE, request: 0, baud: 3_000_000, burstBytes: peripherals.txBurst });
    if (peripherals.rx) addRxStream(m, { base: RX_BASE, request: 1, sampleRateHz: 2e6, burstBytes: peripherals.rxBurst, total: r.chance(0.5) ? 64 : 0 });
    if (managerProgram) {
      c.bootAddr = place(managerProgram, m);
      m.x.setPl330Option(0, PL330_OPT.boot, c.bootAddr);
    }
    // A short watchdog declares lock-up in waits that would end (hostile cases only).
    const watchdog = r.range(1, 4096);
    if (!tidy && r.chance(0.2)) m.x.setPl330Option(0, PL330_OPT.watchdogCycles, watchdog);
    for (const j of copies) m.backdoor.write(j.src, r.bytes(j.bytes));
    channelPrograms.forEach((prog, i) => {
      const at = tidy ? OCM.base + 64 * i : place(prog, m);
      if (tidy) {
        m.backdoor.write(at, prog);
        programs.push(at);
      }
      debug(((starts[i].ch << 24) | ((0xa0 | (starts[i].ns ? 2 : 0)) << 16)) >>> 0, at);
    });
    const sequence = randomMmioSequence(r, { limits, programAt: () => r.pick(programs) })
      .map((a) => (tidy && a.write && a.offset !== 0x02c ? { ...a, write: false } : a));
    const gaps = sequence.map(() => (r.chance(0.5) ? 0 : r.int(20 * US)));
    sequence.forEach((a, i) => {
      if (gaps[i]) m.idleUntil(m.now() + gaps[i]);
      if (a.write) write(a.offset, a.value);
      else read(a.offset);
    });
    verify("after the register sequence");

    const end = m.now() + BOUND_PS;
    let outcome = classify(read, c);
    while (outcome === "time bound" && m.now() < end) {
      m.idleUntil(Math.min(end, m.now() + 100 * US));
      outcome = classify(read, c);
    }
    verify(`at the end (${outcome})`);
    if (tidy) {
      if (outcome !== "completed") throw new FuzzFailure(label, `well-behaved copies did not complete: ${outcome}`);
      copies.forEach((j, i) => {
        const want = m.backdoor.read(j.src, j.bytes);
        const got = m.backdoor.read(j.dst, j.bytes);
        const at = want.findIndex((v, k) => v !== got[k]);
        if (at >= 0) throw new FuzzFailure(label, `channel ${i}: ${j.bytes}-byte copy 0x${j.src.toString(16)} → 0x${j.dst.toString(16)} differs at byte ${at}`);
      });
    }

    // Recovery: DMAKILL every channel, then the manager (spec §6, §7).
    for (let n = 0; n < c.channels; n++) debug(1 | (n << 8) | (0x01 << 16), 0);
    debug(0x01 << 16, 0);
    for (let i = 0; i < 100 && classify(read, c) !== "completed"; i++) m.idleUntil(m.now() + 10 * US);
    const after = classify(read, c);
    if (after !== "completed") throw new FuzzFailure(label, `after DMAKILL of every thread: ${after}, DSR ${read(0).toString(16)}`);
    const faults = [read(0x038), ...Array.from({ length: c.channels }, (_, n) => read(0x040 + 4 * n))];
    if (faults.some((f) => f !== 0) || read(0x030) !== 0 || read(0x034) !== 0) {
      throw new FuzzFailure(label, `fault bits left after DMAKILL: ${faults.map((f) => f.toString(16)).join(" ")}`);
    }
    if (m.x.irqLevel(ABORT_IRQ)) throw new FuzzFailure(label, "irq_abort still high after every thread was killed");
    verify("after recovery");
    return { outcome };
  }
}
