// What the `value` of a silicon trace record means, as a second args entry named for it. Every
// slice and instant keeps `args.value` (the number the silicon recorded), but that number is
// bytes on one track, PL310 line operations on another and a register's physical address on a
// third: Perfetto's details panel shows args by key, so the key says which (`bytes: 262144`,
// `lines: 8192`, `address: "0xf8003008"`). Names are assembly/trace-names.ts's (RECORD_NAMES);
// a scenario's own spans (tracer.span) keep `value` alone, as it means what the scenario says.

import { RECORD_NAMES } from "./names.js";

/** The PL330 manager's thread number in DMAKILL records (assembly/pl330/dmac.ts, MANAGER). */
const MANAGER_THREAD = 8;

const hex = (v: number) => `0x${v.toString(16)}`;

type Named = (value: number) => Record<string, number | string>;

const bytes: Named = (v) => ({ bytes: v });
// One PL310 register write per cache line (assembly/cpu.ts, mmioWriteSeries).
const lines: Named = (v) => ({ lines: v });

const MEANINGS: Record<string, Named> = {
  // A program's value is the bytes it wrote (DMAGO to its end); a burst's, its data beats' bytes.
  [RECORD_NAMES[1]]: bytes,
  [RECORD_NAMES[11]]: bytes,
  [RECORD_NAMES[12]]: bytes,
  // The manager's DMAGO names the channel it started, DMAKILL the thread it killed.
  [RECORD_NAMES[15]]: (v) => ({ channel: v }),
  [RECORD_NAMES[16]]: (v) => ({ thread: v === MANAGER_THREAD ? "manager" : `channel ${v}` }),
  // The event a DMASEV signalled, and the fault type bits a fault set (FTRD / FTRn, spec pl330 §6).
  [RECORD_NAMES[10]]: (v) => ({ event: v }),
  [RECORD_NAMES[9]]: (v) => ({ ftr: hex(v) }),
  // The CPU's accesses and data cache maintenance by VA: the bytes they covered.
  [RECORD_NAMES[20]]: bytes,
  [RECORD_NAMES[21]]: bytes,
  [RECORD_NAMES[22]]: bytes,
  [RECORD_NAMES[23]]: bytes,
  [RECORD_NAMES[24]]: bytes,
  [RECORD_NAMES[30]]: bytes,
  [RECORD_NAMES[31]]: bytes,
  [RECORD_NAMES[32]]: bytes,
  // Outer cache maintenance by PA: the lines operated on.
  [RECORD_NAMES[33]]: lines,
  [RECORD_NAMES[34]]: lines,
  [RECORD_NAMES[35]]: lines,
  // An MMIO access: the register's physical address.
  [RECORD_NAMES[25]]: (v) => ({ address: hex(v) }),
};

/** The args of a slice or instant named `name` with `value`: `value`, and the same figure under
 *  the name of what it counts when the record is one of the silicon's. */
export function sliceArgs(name: string, value: number): Record<string, number | string> {
  const meaning = Object.hasOwn(MEANINGS, name) ? MEANINGS[name] : undefined;
  return { value, ...meaning?.(value) };
}
