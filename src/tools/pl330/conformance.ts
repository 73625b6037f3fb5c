// Runs PL330 conformance cases exactly as ../shared/conformance/pl330/README.md describes:
// load memory and program, optional INTEN write, DMAGO through the debug interface on the
// manager, poll the channel to Stopped/Faulting (or until nothing can progress), apply post_ops
// with a poll after each, then compare registers, snapshots and memory. Cases marked `quirk`
// record where the reference model (QEMU) is believed to differ from the TRM; dmasim follows the
// TRM there, and such a case counts when its divergence is documented (divergences.ts).

import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, basename } from "node:path";
import { bareZynq, DMAC_BASE } from "./bare-zynq.js";
import type { Machine } from "../../hw/machine.js";
import { divergenceFor } from "./divergences.js";
import { isWholeIn } from "../../whole-number.js";

export interface ConformanceCase {
  name: string;
  description?: string;
  channel: number;
  ns: number;
  inten: number | null;
  memory_init: { addr: number; hex: string }[];
  program_addr: number;
  program_hex: string;
  dump: { addr: number; len: number }[];
  post_ops?: ({ op: "dbg"; dbginst0: number; dbginst1: number } | { op: "write"; offset: number; value: number })[];
  max_polls?: number;
  quirk?: string;
  expect: {
    state: string;
    regs: Record<string, number>;
    steps: Record<string, number>[];
    memory: { addr: number; hex: string }[];
  };
}

export interface CaseOutcome {
  name: string;
  /** The corpus file the case came from, when loaded from one. */
  file?: string;
  status: "pass" | "fail" | "divergence";
  /** What differed (fail), or the documented reason (divergence). */
  detail: string[];
}

const REG = {
  DSR: 0x000, DPC: 0x004, INTEN: 0x020, INT_EVENT_RIS: 0x024, INTMIS: 0x028, FSRD: 0x030, FSRC: 0x034,
  FTRD: 0x038, DBGSTATUS: 0xd00,
} as const;

const STATE_NAMES: Record<number, string> = {
  0: "Stopped", 1: "Executing", 2: "Cache miss", 3: "Updating PC", 4: "Waiting for event", 5: "At barrier",
  7: "Waiting for peripheral", 8: "Killing", 9: "Completing", 14: "Faulting completing", 15: "Faulting",
};

const hexBytes = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

/** Simulated time a poll may wait for a thread that keeps executing (a forever loop): the
 *  reference model would hang there (corpus README note 2); the harness gives up and says so. */
export const POLL_LIMIT_PS = 10e9;

class Harness {
  constructor(readonly m: Machine, readonly ch: number) {}

  r(off: number): number {
    return this.m.cpu.load(DMAC_BASE + off, 4);
  }

  w(off: number, v: number): void {
    this.m.cpu.store(DMAC_BASE + off, 4, v >>> 0);
  }

  channelRegs(): Record<string, number> {
    const c = this.ch;
    return {
      CSR: this.r(0x100 + 8 * c), CPC: this.r(0x104 + 8 * c), SAR: this.r(0x400 + 0x20 * c),
      DAR: this.r(0x404 + 0x20 * c), CCR: this.r(0x408 + 0x20 * c), LC0: this.r(0x40c + 0x20 * c),
      LC1: this.r(0x410 + 0x20 * c), FTR: this.r(0x40 + 4 * c),
    };
  }

  snapshot(timedOut: boolean, polls: number): Record<string, number> {
    const c = this.ch;
    return {
      CSR: this.r(0x100 + 8 * c), CPC: this.r(0x104 + 8 * c), FTR: this.r(0x40 + 4 * c), DSR: this.r(REG.DSR),
      FSRD: this.r(REG.FSRD), FTRD: this.r(REG.FTRD), FSRC: this.r(REG.FSRC),
      INT_EVENT_RIS: this.r(REG.INT_EVENT_RIS), INTMIS: this.r(REG.INTMIS), polls, poll_timeout: timedOut ? 1 : 0,
    };
  }

  debug(inst0: number, inst1: number): void {
    while (this.r(REG.DBGSTATUS) & 1);
    this.w(0xd08, inst0);
    this.w(0xd0c, inst1);
    this.w(0xd04, 0);
    while (this.r(REG.DBGSTATUS) & 1);
  }

  /** Why the last poll ended without the channel stopping or faulting. */
  lastTimeout = "";

  /** Polls CSR until Stopped or Faulting, or until no thread can make progress (every live
   *  thread waits for an event or a peripheral), or until POLL_LIMIT_PS of simulated time. */
  poll(maxPolls: number): Record<string, number> {
    const limit = this.m.now() + POLL_LIMIT_PS;
    let step = 1e6; // 1 µs, doubling: a busy channel is not polled per instruction
    let polls = 0;
    this.lastTimeout = "";
    while (true) {
      polls++;
      const s = this.r(0x100 + 8 * this.ch) & 0xf;
      if (s === 0 || s === 15) return this.snapshot(false, polls);
      const next = this.m.x.nextDeviceEvent();
      if (next < 0) {
        this.lastTimeout = `channel ${this.ch} waits (state ${STATE_NAMES[s] ?? s}) and nothing else can progress`;
        return this.snapshot(true, Math.max(polls, maxPolls));
      }
      if (this.m.now() >= limit) {
        this.lastTimeout = `channel ${this.ch} still ${STATE_NAMES[s] ?? `in state ${s}`} after ${POLL_LIMIT_PS / 1e9} ms of simulated time (time bound: a loop that never ends?)`;
        return this.snapshot(true, Math.max(polls, maxPolls));
      }
      this.m.idleUntil(Math.min(limit, Math.max(next, this.m.now() + step)));
      step = Math.min(step * 2, 1e9);
    }
  }
}

function compare(what: string, got: Record<string, number>, want: Record<string, number>, out: string[]): void {
  for (const [k, v] of Object.entries(want)) {
    if (k === "polls") continue;
    if (got[k] !== v) out.push(`${what}.${k}: got 0x${(got[k] >>> 0).toString(16)}, expected 0x${(v >>> 0).toString(16)}`);
  }
}

export async function runCase(c: ConformanceCase): Promise<CaseOutcome> {
  const m = await bareZynq();
  const h = new Harness(m, c.channel);
  for (const init of c.memory_init) m.backdoor.write(init.addr, hexBytes(init.hex));
  m.backdoor.write(c.program_addr, hexBytes(c.program_hex));
  if (c.inten !== null && c.inten !== undefined) h.w(REG.INTEN, c.inten);
  h.debug((c.channel << 24) | ((0xa0 | (c.ns << 1)) << 16), c.program_addr);
  const maxPolls = c.max_polls ?? 1000;
  const steps = [h.poll(maxPolls)];
  const bounded = new Set<string>();
  const note = () => {
    if (h.lastTimeout.includes("time bound")) bounded.add(h.lastTimeout);
  };
  note();
  for (const op of c.post_ops ?? []) {
    if (op.op === "dbg") h.debug(op.dbginst0, op.dbginst1);
    else h.w(op.offset, op.value);
    steps.push(h.poll(maxPolls));
    note();
  }
  const diffs: string[] = [];
  const regs: Record<string, number> = {
    ...h.channelRegs(),
    DSR: h.r(REG.DSR), DPC: h.r(REG.DPC), FSRD: h.r(REG.FSRD), FSRC: h.r(REG.FSRC), FTRD: h.r(REG.FTRD),
    INTEN: h.r(REG.INTEN), INT_EVENT_RIS: h.r(REG.INT_EVENT_RIS), INTMIS: h.r(REG.INTMIS), DBGSTATUS: h.r(REG.DBGSTATUS),
  };
  const state = STATE_NAMES[regs.CSR & 0xf] ?? `state ${regs.CSR & 0xf}`;
  if (state !== c.expect.state) diffs.push(`state: got ${state}, expected ${c.expect.state}`);
  compare("regs", regs, c.expect.regs, diffs);
  c.expect.steps.forEach((want, i) => {
    if (!steps[i]) diffs.push(`steps[${i}]: missing`);
    else compare(`steps[${i}]`, steps[i], want, diffs);
  });
  c.expect.memory.forEach((want, i) => {
    const got = toHex(m.backdoor.read(want.addr, want.hex.length / 2));
    if (got !== want.hex) {
      const at = [...got].findIndex((ch, j) => ch !== want.hex[j]) >> 1;
      diffs.push(`memory[${i}] @0x${(want.addr + at).toString(16)}: got ${got.slice(2 * at, 2 * at + 16)}…, expected ${want.hex.slice(2 * at, 2 * at + 16)}…`);
    }
  });
  diffs.push(...bounded);
  if (!diffs.length) return { name: c.name, status: "pass", detail: [] };
  const div = c.quirk ? divergenceFor(c.quirk) : undefined;
  if (div) return { name: c.name, status: "divergence", detail: [`${div.id}: ${div.reason}`, ...diffs] };
  return { name: c.name, status: "fail", detail: diffs };
}

export interface ConformanceSummary {
  outcomes: CaseOutcome[];
  passed: number;
  failed: number;
  divergences: number;
}

export interface LoadedCase extends ConformanceCase {
  file?: string;
}

const STEP_KEYS = ["CSR", "CPC", "FTR", "DSR", "FSRD", "FTRD", "FSRC", "INT_EVENT_RIS", "INTMIS", "polls", "poll_timeout"];
const REG_KEYS = ["CSR", "CPC", "SAR", "DAR", "CCR", "LC0", "LC1", "FTR", ...Object.keys(REG)];

/** Why case c does not follow the case schema (../shared/conformance/pl330/README.md), or
 *  undefined. A case file written by hand could otherwise run with a missing field read as
 *  nothing (a channel past 7 reads as a Stopped channel and "passes") or stop the whole run with
 *  a TypeError naming no case. */
function schemaProblem(c: Record<string, unknown>): string | undefined {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  const u32 = (v: unknown) => isWholeIn(v, 0, 0xffffffff);
  const hex = (v: unknown) => typeof v === "string" && /^([0-9a-f]{2})*$/i.test(v);
  const bytesAt = (v: unknown, what: string) => {
    if (!Array.isArray(v)) return `${what} must be an array`;
    const i = v.findIndex((e) => !isObj(e) || !u32(e.addr) || !hex(e.hex));
    return i < 0 ? undefined : `${what}[${i}] must be {"addr": address, "hex": "bytes as hex digit pairs"}`;
  };
  const numbers = (v: unknown, what: string, keys: string[]) => {
    if (!isObj(v)) return `${what} must be an object`;
    const k = Object.keys(v).find((k) => !keys.includes(k) || !u32(v[k]));
    if (k === undefined) return undefined;
    return keys.includes(k) ? `${what}.${k} must be a 32-bit unsigned integer` : `${what} has no register "${k}" (${keys.join(", ")})`;
  };
  if (typeof c.name !== "string" || !c.name) return `"name" must be a non-empty string`;
  if (!isWholeIn(c.channel, 0, 7)) return `"channel" must be 0..7`;
  if (c.ns !== 0 && c.ns !== 1) return `"ns" must be 0 or 1`;
  if (c.inten !== null && c.inten !== undefined && !u32(c.inten)) return `"inten" must be null or a 32-bit unsigned integer`;
  if (!u32(c.program_addr)) return `"program_addr" must be an address`;
  if (!hex(c.program_hex)) return `"program_hex" must be bytes as hex digit pairs`;
  const p = bytesAt(c.memory_init, `"memory_init"`);
  if (p) return p;
  if (!Array.isArray(c.dump) || c.dump.some((d) => !isObj(d) || !u32(d.addr) || !u32(d.len))) return `"dump" must be an array of {"addr", "len"}`;
  if (c.max_polls !== undefined && (!Number.isInteger(c.max_polls) || (c.max_polls as number) < 1)) return `"max_polls" must be a positive integer`;
  if (c.post_ops !== undefined) {
    if (!Array.isArray(c.post_ops)) return `"post_ops" must be an array`;
    const i = c.post_ops.findIndex((o) => !isObj(o) ||
      !(o.op === "dbg" ? u32(o.dbginst0) && u32(o.dbginst1) : o.op === "write" && u32(o.value) && u32(o.offset) && (o.offset as number) < 0x1000 && (o.offset as number) % 4 === 0));
    if (i >= 0) return `"post_ops"[${i}] must be {"op":"dbg","dbginst0","dbginst1"} or {"op":"write","offset" (a register offset),"value"}`;
  }
  const e = c.expect;
  if (!isObj(e)) return `"expect" must be an object`;
  if (typeof e.state !== "string") return `"expect.state" must be a state name`;
  const r = numbers(e.regs, `"expect.regs"`, REG_KEYS);
  if (r) return r;
  if (!Array.isArray(e.steps)) return `"expect.steps" must be an array`;
  for (let i = 0; i < e.steps.length; i++) {
    const s = numbers(e.steps[i], `"expect.steps"[${i}]`, STEP_KEYS);
    if (s) return s;
  }
  return bytesAt(e.memory, `"expect.memory"`);
}

/** Cases from corpus files and folders (every *.json in a folder, in name order). */
export function loadCases(paths: string[]): LoadedCase[] {
  const files: string[] = [];
  for (const p of paths) {
    if (statSync(p).isDirectory()) {
      const found = readdirSync(p).filter((f) => f.endsWith(".json")).sort();
      // A wrong folder would otherwise pass as "0 passed, 0 failed".
      if (!found.length) throw new Error(`${p}: no conformance files (*.json) in this folder`);
      for (const f of found) files.push(join(p, f));
    } else files.push(p);
  }
  return files.flatMap((f) => {
    const text = readFileSync(f, "utf8");
    let doc: { cases?: ConformanceCase[] } | null;
    try {
      doc = JSON.parse(text) as { cases?: ConformanceCase[] } | null;
    } catch (e) {
      throw new Error(`${f}: not a PL330 conformance file (not JSON: ${(e as Error).message})`);
    }
    if (!Array.isArray(doc?.cases)) throw new Error(`${f}: not a PL330 conformance file (no "cases" array)`);
    doc.cases.forEach((c, i) => {
      const problem = typeof c === "object" && c !== null ? schemaProblem(c as unknown as Record<string, unknown>) : "not an object";
      const name = typeof c?.name === "string" && c.name ? ` "${c.name}"` : "";
      if (problem) throw new Error(`${f}: case ${i + 1}${name}: ${problem}`);
    });
    return doc.cases.map((c) => ({ ...c, file: basename(f) }));
  });
}

export async function runCases(cases: LoadedCase[]): Promise<ConformanceSummary> {
  const outcomes: CaseOutcome[] = [];
  for (const c of cases) {
    let outcome: CaseOutcome;
    try {
      outcome = await runCase(c);
    } catch (e) {
      // A case the bare machine cannot set up (a program or memory outside RAM).
      throw new Error(`${c.file ? `${c.file}: ` : ""}case "${c.name}": ${(e as Error).message}`);
    }
    outcomes.push({ ...outcome, file: c.file });
  }
  return {
    outcomes,
    passed: outcomes.filter((o) => o.status === "pass").length,
    failed: outcomes.filter((o) => o.status === "fail").length,
    divergences: outcomes.filter((o) => o.status === "divergence").length,
  };
}
