// SVG charts for reports, as plain strings: deterministic, no scripts, readable in any browser.

export interface Series {
  name: string;
  points: [number, number][];
}

// Sixteen, so that a sweep over every burst length (1…16) draws no two lines alike.
const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
  "#17becf", "#bcbd22", "#000000", "#ff9896", "#98df8a", "#aec7e8", "#c49c94", "#f7b6d2"];
const W = 640;
let H = 360;
const M = { left: 70, right: 150, top: 36, bottom: 52 };

/** Charts with many categories slant their labels and grow downwards to make room. */
function withLabelRoom<T>(many: boolean, draw: () => T): T {
  const h = H;
  const b = M.bottom;
  if (many) {
    H = 520;
    M.bottom = 212;
  }
  try {
    return draw();
  } finally {
    H = h;
    M.bottom = b;
  }
}

function categoryLabel(x: number, text: string, slanted: boolean): string {
  if (!slanted) return `<text x="${x.toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle" font-size="11">${esc(text)}</text>`;
  const y = H - M.bottom + 12;
  return `<text transform="translate(${x.toFixed(1)} ${y}) rotate(-40)" text-anchor="end" font-size="11">${esc(text)}</text>`;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const escAttr = (s: string) => esc(s).replace(/"/g, "&quot;");

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

function axes(title: string, xLabel: string, yLabel: string, yMax: number, yTicks = 5): string[] {
  const out = [
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`,
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 10}" text-anchor="middle" font-size="12">${esc(xLabel)}</text>`,
    `<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(yLabel)}</text>`,
    `<line x1="${M.left}" y1="${H - M.bottom}" x2="${W - M.right}" y2="${H - M.bottom}" stroke="#333"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${H - M.bottom}" stroke="#333"/>`,
  ];
  for (let i = 0; i <= yTicks; i++) {
    const v = (yMax * i) / yTicks;
    const y = H - M.bottom - ((H - M.top - M.bottom) * i) / yTicks;
    out.push(`<line x1="${M.left - 4}" y1="${y}" x2="${W - M.right}" y2="${y}" stroke="#ddd"/>`);
    out.push(`<text x="${M.left - 8}" y="${y + 4}" text-anchor="end" font-size="11">${+v.toPrecision(3)}</text>`);
  }
  return out;
}

function legend(names: string[]): string[] {
  return names.map((n, i) => {
    const y = M.top + 8 + i * 18;
    return `<rect x="${W - M.right + 14}" y="${y - 9}" width="12" height="12" fill="${PALETTE[i % PALETTE.length]}"/>` +
      `<text x="${W - M.right + 32}" y="${y + 1}" font-size="12">${esc(n)}</text>`;
  });
}

/** A legend wider than the right margin widens the picture (the plot stays where it is), so
 *  that no series name is cut off; 7 px per character is a wide 12 px sans-serif glyph. The
 *  title is also the picture's accessible name (a screen reader does not read <text> as one). */
function svg(title: string, parts: string[], legendNames: string[]): string {
  const longest = Math.max(0, ...legendNames.map((n) => n.length));
  const w = Math.max(W, W - M.right + 32 + longest * 7 + 8);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${H}" width="${w}" height="${H}" font-family="sans-serif" role="img" aria-label="${escAttr(title)}"><title>${esc(title)}</title>${parts.join("")}</svg>`;
}

/** Lines over a logarithmic x axis (sizes), one per series. */
export function lineChart(o: { title: string; xLabel: string; yLabel: string; series: Series[]; xFormat?: (x: number) => string }): string {
  const xs = [...new Set(o.series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  const yMax = niceMax(Math.max(0, ...o.series.flatMap((s) => s.points.map((p) => p[1]))));
  const lx = (x: number) => {
    if (xs.length < 2) return (M.left + W - M.right) / 2;
    const a = Math.log(xs[0]);
    const b = Math.log(xs[xs.length - 1]);
    return M.left + ((Math.log(x) - a) / (b - a)) * (W - M.left - M.right);
  };
  const ly = (y: number) => H - M.bottom - (y / yMax) * (H - M.top - M.bottom);
  const parts = axes(o.title, o.xLabel, o.yLabel, yMax);
  // Sizes close together on the log axis (a sweep of hundreds) would print their labels over
  // one another: a label that would touch the last one drawn is left out (3.5 px per half of an
  // 11 px character, the legend's rule scaled).
  let lastRight = -Infinity;
  for (const x of xs) {
    const text = o.xFormat ? o.xFormat(x) : String(x);
    const half = text.length * 3.5 + 3;
    if (lx(x) - half < lastRight) continue;
    lastRight = lx(x) + half;
    parts.push(`<text x="${lx(x)}" y="${H - M.bottom + 16}" text-anchor="middle" font-size="11">${esc(text)}</text>`);
  }
  o.series.forEach((s, i) => {
    const c = PALETTE[i % PALETTE.length];
    const pts = [...s.points].sort((a, b) => a[0] - b[0]);
    parts.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts.map((p) => `${lx(p[0]).toFixed(1)},${ly(p[1]).toFixed(1)}`).join(" ")}"/>`);
    for (const p of pts) parts.push(`<circle cx="${lx(p[0]).toFixed(1)}" cy="${ly(p[1]).toFixed(1)}" r="3" fill="${c}"/>`);
  });
  const names = o.series.map((s) => s.name);
  parts.push(...legend(names));
  return svg(o.title, parts, names);
}

/** One bar per category, split into stacked segments. */
export function stackedBars(o: { title: string; yLabel: string; categories: string[]; segments: { name: string; values: number[] }[] }): string {
  return withLabelRoom(o.categories.length > 4, () => stackedBarsBody(o));
}

function stackedBarsBody(o: { title: string; yLabel: string; categories: string[]; segments: { name: string; values: number[] }[] }): string {
  const slanted = o.categories.length > 4;
  const totals = o.categories.map((_, i) => o.segments.reduce((n, s) => n + (s.values[i] ?? 0), 0));
  const yMax = niceMax(Math.max(0, ...totals));
  const plotW = W - M.left - M.right;
  const slot = plotW / Math.max(1, o.categories.length);
  const bw = Math.min(80, slot * 0.6);
  const ly = (y: number) => ((H - M.top - M.bottom) * y) / yMax;
  const parts = axes(o.title, "", o.yLabel, yMax);
  o.categories.forEach((cat, i) => {
    const x = M.left + slot * i + (slot - bw) / 2;
    let base = H - M.bottom;
    o.segments.forEach((s, k) => {
      const h = ly(s.values[i] ?? 0);
      if (h > 0) parts.push(`<rect x="${x.toFixed(1)}" y="${(base - h).toFixed(1)}" width="${bw.toFixed(1)}" height="${h.toFixed(1)}" fill="${PALETTE[k % PALETTE.length]}"><title>${esc(`${cat}: ${s.name} ${+(s.values[i] ?? 0).toPrecision(4)}`)}</title></rect>`);
      base -= h;
    });
    parts.push(categoryLabel(x + bw / 2, cat, slanted));
  });
  const names = o.segments.map((s) => s.name);
  parts.push(...legend(names));
  return svg(o.title, parts, names);
}

/** What groupedBars draws; a value left undefined (a job that gave none) draws no bar. */
interface GroupedBars {
  title: string;
  xLabel?: string;
  yLabel: string;
  categories: string[];
  series: { name: string; values: (number | undefined)[] }[];
}

/** Bars side by side per category, one per series. */
export function groupedBars(o: GroupedBars): string {
  return withLabelRoom(o.categories.length > 4, () => groupedBarsBody(o));
}

function groupedBarsBody(o: GroupedBars): string {
  const slanted = o.categories.length > 4;
  const yMax = niceMax(Math.max(0, ...o.series.flatMap((s) => s.values.filter((v) => v !== undefined))));
  const plotW = W - M.left - M.right;
  const slot = plotW / Math.max(1, o.categories.length);
  const bw = (slot * 0.8) / Math.max(1, o.series.length);
  const ly = (y: number) => ((H - M.top - M.bottom) * y) / yMax;
  const parts = axes(o.title, o.xLabel ?? "", o.yLabel, yMax);
  o.categories.forEach((cat, i) => {
    o.series.forEach((s, k) => {
      if (s.values[i] === undefined) return;
      const h = ly(s.values[i]);
      const x = M.left + slot * i + slot * 0.1 + bw * k;
      parts.push(`<rect x="${x.toFixed(1)}" y="${(H - M.bottom - h).toFixed(1)}" width="${bw.toFixed(1)}" height="${h.toFixed(1)}" fill="${PALETTE[k % PALETTE.length]}"><title>${esc(`${cat}: ${s.name} ${s.values[i]}`)}</title></rect>`);
    });
    parts.push(categoryLabel(M.left + slot * i + slot / 2, cat, slanted));
  });
  const names = o.series.map((s) => s.name);
  parts.push(...legend(names));
  return svg(o.title, parts, names);
}
