// A self-contained HTML report: sections of text, inline SVG charts and tables, no external
// resources, so the file can be mailed or attached to a bug: under its title, what it ran on.

import { provenanceText, type Provenance } from "../provenance.js";
import { formatScalar } from "../sim/result-text.js";

export interface ReportSection {
  heading: string;
  text?: string;
  svg?: string;
  table?: { header: string[]; rows: (string | number)[][] };
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function table(t: NonNullable<ReportSection["table"]>): string {
  // Numbers read as in the CLI's tables (`dmasim run`, `dmasim sweep`): one formatter for both.
  const cell = (v: string | number, tag: string) =>
    `<${tag}${typeof v === "number" ? ' class="n"' : ""}>${esc(typeof v === "number" ? formatScalar(v) : v)}</${tag}>`;
  return `<table><thead><tr>${t.header.map((h) => cell(h, "th")).join("")}</tr></thead><tbody>${t.rows
    .map((r) => `<tr>${r.map((v) => cell(v, "td")).join("")}</tr>`)
    .join("")}</tbody></table>`;
}

/** The report; `provenance` (System.provenance(), SweepResult's) puts what the results ran on
 *  under the title, and what dmasim assumed about the board, one line each. */
export function renderReport(title: string, sections: ReportSection[], provenance?: Provenance): string {
  const ranOn = provenance
    ? [`<p class="provenance">Ran on ${esc(provenanceText(provenance))}.</p>`, ...(provenance.assumed ?? []).map((n) => `<p class="provenance">Assumed: ${esc(n)}</p>`)].join("\n") + "\n"
    : "";
  const body = sections
    .map((s) => [`<h2>${esc(s.heading)}</h2>`, s.text ? `<p>${esc(s.text)}</p>` : "", s.svg ?? "", s.table ? table(s.table) : ""].join("\n"))
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 980px; margin: 2em auto; color: #222; }
table { border-collapse: collapse; margin: 1em 0; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
svg { display: block; margin: 1em 0; }
</style></head>
<body><h1>${esc(title)}</h1>
${ranOn}${body}
</body></html>
`;
}
