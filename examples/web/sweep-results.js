// A sweep's results on the page. memcpy's: the plot and the table name what varies from job to
// job (size and burst always, the page's axes; buffers, channels, block when swept; the board and
// kernel when the sweep compares Systems: the table's leading columns, one plot line per System
// and burst), and the table's caption what every job shared (the System, a parameter with one
// value). Any other scenario's (a built-in's, a module's): the table as `dmasim sweep` prints it
// (its heading, then formatSweep: the System axes compared lead), and the chart field's result
// field against the swept parameter, one series per System, as `--chart y=FIELD` draws it.
import { formatSweep, formatSweepHeading, sweepChart, throughputChart } from "../../dist/browser/dmasim.js";
import { inFormWords } from "./form-words.js";

export const escapeHtml = (text) => String(text).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const AXES = ["size", "burst"];

/** Parameters other than the axes, split by whether the rows differ in them. */
function splitParams(rows) {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r.params)))].filter((k) => !AXES.includes(k));
  const varies = (k) => new Set(rows.map((r) => String(r.params[k]))).size > 1;
  return { swept: keys.filter(varies), shared: keys.filter((k) => !varies(k)) };
}

/** The System options every job booted with: `arm64-ref, modern kernel, memory=256M, swiotlb=force,
 *  DMA-API debug` (an option the sweep compares is in its column instead). */
const systemText = (system) =>
  [
    system.board, system.kernel && `${system.kernel} kernel`,
    ...["memory", "cma", "swiotlb"].map((k) => system[k] !== undefined && `${k}=${system[k]}`),
    system.dmaDebug && "DMA-API debug",
  ].filter(Boolean).join(", ");

/** `memcpy on arm64-ref, modern kernel`, or for a sweep comparing Systems (its `systems`) the
 *  axes as `dmasim sweep`'s heading names them: `memcpy comparing board=zynq-7000,arm64-ref on
 *  modern kernel`. */
function sweptOn(result, system) {
  if (!result.systems) return `${result.scenario} on ${systemText(system)}`;
  const axes = Object.entries(result.systems).map(([k, v]) => `${k}=${v.join(",")}`).join(" ");
  const shared = systemText(system);
  return `${result.scenario} comparing ${axes}${shared ? ` on ${shared}` : ""}`;
}

// Columns a buffers kind adds. For streaming and bounced buffers the DMA time runs from the first
// dma_map_single to the last unmap: these split it into the cache maintenance, the bounce copies
// (any row whose mappings bounced: bounced ones, and streaming ones where swiotlb bounces them)
// and the rest, the transfer, whose MB/s compares with a coherent row's.
const EXTRAS = [
  { key: "maintenancePs", head: "cache maint. (µs)", cell: (v) => (v / 1e6).toFixed(3) },
  { key: "bouncePs", head: "bounce copies (µs)", cell: (v) => (v / 1e6).toFixed(3) },
  { key: "transferPs", head: "transfer (µs)", cell: (v) => (v / 1e6).toFixed(3) },
  { key: "transferMbPerSec", head: "transfer MB/s", cell: (v) => v },
  { key: "descriptors", head: "descriptors", cell: (v) => v },
];

/** What the DMA time column measures, under the table when a row maps its buffers. */
const MAPPED_NOTE =
  "DMA time: from the prep (streaming, bounced: from the first dma_map_single) to the last completion (streaming, bounced: to the last unmap); " +
  "MB/s is the bytes over it; cache maint., bounce copies and transfer are its parts, the transfer (the DMA time less the other two) measured as a coherent row's DMA time.";

/** The table of a sweep or of a failed sweep's `partial`: a job that failed shows why (in the
 *  form's words), one that never ran shows nothing. */
export function resultsTable(result, system) {
  const { swept, shared } = splitParams(result.rows);
  const extras = EXTRAS.filter((x) => result.rows.some((r) => r.result?.[x.key] !== undefined));
  const systemAxes = Object.keys(result.systems ?? {});
  const params = [...AXES, ...swept];
  const head = [...systemAxes, ...params, "MB/s", "DMA time (µs)", "data", ...extras.map((x) => x.head)];
  const rows = result.rows.map((r) => {
    const cells = [
      ...systemAxes.map((k) => `<td>${escapeHtml(r.system?.[k] ?? "")}</td>`),
      ...params.map((k, i) => `<td${i ? ' class="n"' : ""}>${escapeHtml(r.params[k] ?? "")}</td>`),
    ].join("");
    if (r.result === undefined) return `<tr>${cells}<td colspan="${3 + extras.length}">${escapeHtml(inFormWords(r.error ?? ""))}</td></tr>`;
    const more = extras.map((x) => `<td class="n">${r.result[x.key] === undefined ? "" : x.cell(r.result[x.key])}</td>`).join("");
    return `<tr>${cells}<td class="n">${r.result.mbPerSec}</td><td class="n">${(r.result.dmaTimePs / 1e6).toFixed(3)}</td><td>${r.result.ok ? "ok" : "MISMATCH"}</td>${more}</tr>`;
  });
  const caption = [sweptOn(result, system), ...shared.map((k) => `${k}=${result.rows[0].params[k]}`)].join("; ");
  const mapped = result.rows.some((r) => r.result?.maintenancePs !== undefined);
  const note = mapped ? `<p class="note">${escapeHtml(MAPPED_NOTE)}</p>` : "";
  return `<table><caption>${escapeHtml(caption)}</caption><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr>${rows.join("")}</table>${note}`;
}

/** Throughput against size, one series per burst, swept parameter and System compared (the
 *  report's plot: its series name a row's System axes, runSweep's `row.system`). */
export function resultsChart(result) {
  const { swept } = splitParams(result.rows);
  const named = new Set([...AXES, ...swept]);
  const rows = result.rows.map((r) => ({ ...r, params: Object.fromEntries(Object.entries(r.params).filter(([k]) => named.has(k))) }));
  return throughputChart({ ...result, rows }) ?? "";
}

/** `value` (a row's result: plain data from a worker) with each string in it put in `words`. */
function inWordsDeep(value, words) {
  if (typeof value === "string") return words(value);
  if (Array.isArray(value)) return value.map((v) => inWordsDeep(v, words));
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inWordsDeep(v, words)]));
  return value;
}

/** `dmasim sweep NAME --param …`'s text for `result`: the heading naming the scenario (`name`, a
 *  module by its file's name), the grid and the Systems, then the table and what is said under
 *  it (the fields it leaves out). The rows' texts (a bug's symptom, a failed job's error) are put
 *  in `words` before the table is laid out, so that a rewritten cell keeps its columns aligned;
 *  the lines under the table after. */
export function sweepText(name, grid, result, words = (text) => text) {
  const rows = result.rows.map((r) => ({
    ...r,
    ...(r.result !== undefined ? { result: inWordsDeep(r.result, words) } : {}),
    ...(r.error !== undefined ? { error: words(r.error) } : {}),
  }));
  const lines = formatSweep({ ...result, rows }).split("\n");
  // The table is its heading, its rule and a line per row.
  const table = lines.slice(0, 2 + rows.length);
  const under = lines.slice(2 + rows.length).map(words);
  return `${words(formatSweepHeading(name, grid, result))}\n\n${[...table, ...under].join("\n")}`;
}

/** The chart of a sweep that is not memcpy's: result field `y` against the swept parameter, one
 *  series per System compared (sweepChart); without `y`, throughput against size where the
 *  results have it (what a report draws), else none. What cannot be drawn (no job has the field,
 *  or it is an object) is said in its place, in `words`: the table above it stands. */
export function scenarioChart(result, y, words = inFormWords) {
  try {
    return (y === undefined ? throughputChart(result) : sweepChart(result, { y })) ?? "";
  } catch (e) {
    return `<p class="note" role="alert">chart: ${escapeHtml(words(e instanceof Error ? e.message : String(e)))}</p>`;
  }
}
