// Names of the silicon's trace records and tracks (assembly/trace.ts, assembly/trace-names.ts).

export const RECORD_NAMES: Record<number, string> = {
  1: "program", 2: "DMALD", 3: "DMAST", 4: "DMASTZ", 5: "i-cache fill", 6: "wait for event",
  7: "wait for peripheral", 8: "barrier", 9: "fault", 10: "DMASEV", 11: "read burst", 12: "write burst",
  13: "MFIFO bytes", 14: "bytes moved", 15: "DMAGO", 16: "DMAKILL",
  20: "CPU read", 21: "CPU write", 22: "CPU fill", 23: "CPU load", 24: "CPU store", 25: "MMIO",
  30: "DC clean", 31: "DC invalidate", 32: "DC clean+invalidate", 33: "L2 clean", 34: "L2 invalidate",
  35: "L2 clean+invalidate", 40: "DRAM bytes",
};

/** The memory controllers by id, as board.ts wires RAM to them (DRAM_CONTROLLER, SRAM_CONTROLLER). */
const MEMORY_CONTROLLERS = ["DRAM", "SRAM"];

export interface TrackName {
  process: string;
  thread: string;
}

/** Process (component) and thread (track) names for a track id. */
export function trackName(track: number, dmacNames: string[] = []): TrackName {
  const comp = track >> 8;
  const idx = track & 0xff;
  if (track === 0x0100) return { process: "CPU", thread: "CPU0" };
  if (track === 0x0200) return { process: "caches", thread: "L1 maintenance" };
  if (track === 0x0300) return { process: "caches", thread: "L2 maintenance" };
  if (comp >= 0x10 && comp < 0x20) {
    const d = comp - 0x10;
    const process = dmacNames[d] ?? `PL330 #${d}`;
    if (idx < 8) return { process, thread: `channel ${idx}` };
    return { process, thread: ["manager", "AXI read", "AXI write", "MFIFO", "bytes moved"][idx - 8] ?? `track ${idx}` };
  }
  // Memory controller n is track 0x2000 + n (assembly/trace.ts, TRACK_DRAM).
  if (comp >= 0x20 && comp < 0x30) return { process: "memory", thread: `controller ${track - 0x2000}` };
  if (comp === 0x40) return { process: "CPU", thread: "CPU0" };
  return { process: "other", thread: `track 0x${track.toString(16)}` };
}

/** A counter's name, the one its track bears in Perfetto. Perfetto's JSON importer keys a counter by its process and
 *  name, not its thread, and the memory controllers share the "memory" process: each counts
 *  bytes under its own name ("DRAM bytes", "SRAM bytes"). Each PL330 is a process of its own. */
export function counterName(track: number, name: string): string {
  if (track >> 8 !== 0x20 || name !== RECORD_NAMES[40]) return name;
  const id = track - 0x2000;
  return `${MEMORY_CONTROLLERS[id] ?? `memory controller ${id}`} bytes`;
}

/** A counter as a Chrome trace event writes it: the event's name and the one args key its
 *  values go under. Perfetto's JSON importer names the track of each args key of a "C" event
 *  `${name} ${key}` (trace_processor, json_trace_parser_impl.cc, case 'C'), so a counter whose
 *  key repeated its name would show as "MFIFO bytes MFIFO bytes": the name is split at its last
 *  space instead, and the track reads as the counter's name ("MFIFO" + "bytes"). */
export interface CounterSeries {
  name: string;
  key: string;
}

export function counterSeries(track: number, recordName: string): CounterSeries {
  const full = counterName(track, recordName);
  const cut = full.lastIndexOf(" ");
  if (cut <= 0) return { name: full, key: "value" };
  return { name: full.slice(0, cut), key: full.slice(cut + 1) };
}
