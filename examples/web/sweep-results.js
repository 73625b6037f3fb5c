// A sweep's results on the page: the plot and the table name what varies from job to job (size
// and burst always, the page's axes; buffers, channels, block when swept; the board and kernel
// when the sweep compares Systems: the table's leading columns, one plot line per System and
// burst), and the table's caption what every job shared (the System, a parameter with one value).
import { throughputChart } from "../../dist/browser/dmasim.js";
import { inFormWords } from "./form-words.js";

export const escapeHtml = (text) => String(text).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const AXES = ["size", "burst"];

/** Parameters other than the axes, split by whether the rows differ in them. */
function splitParams(rows) {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r.params)))].filter((k) => !AXES.includes(k));
  const varies = (k) => new Set(rows.map((r) => String(r.params[k]))).size > 1;
  return { swept: keys.filter(varies), shared: keys.filter((k) => !varies(k)) };
}

/** The System options every job booted with: `arm64-ref, modern kernel, swiotlb=force` (an option
 *  the sweep compares is in its column instead). */
const systemText = (system) =>
  [system.board, system.kernel && `${system.kernel} kernel`, system.swiotlb !== undefined && `swiotlb=${system.swiotlb}`].filter(Boolean).join(", ");

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
