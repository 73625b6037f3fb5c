// The browser demo: a memcpy sweep over Web Workers with the dmasim browser bundle.
// ?sizes=…&bursts=…&workers=…&auto=1 runs at load (the end-to-end test uses this).
import { runSweep, throughputChart, WorkerPool } from "../../dist/browser/dmasim.js";

const $ = (id) => document.getElementById(id);
const list = (s) => s.split(",").map((x) => x.trim()).filter(Boolean);

const escapeHtml = (text) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function renderTable(result) {
  // A failed sweep's rows (the error's `partial`): a job that failed shows why, one that never
  // ran shows nothing.
  const rows = result.rows.map((r) =>
    r.result === undefined
      ? `<tr><td>${r.params.size}</td><td class="n">${r.params.burst}</td><td colspan="3">${escapeHtml(r.error ?? "")}</td></tr>`
      : `<tr><td>${r.params.size}</td><td class="n">${r.params.burst}</td><td class="n">${r.result.mbPerSec}</td><td class="n">${(r.result.dmaTimePs / 1e6).toFixed(3)}</td><td>${r.result.ok ? "ok" : "MISMATCH"}</td></tr>`);
  $("table").innerHTML = `<table><tr><th>size</th><th>burst</th><th>MB/s</th><th>DMA time (µs)</th><th>data</th></tr>${rows.join("")}</table>`;
}

// The workers stay between runs: a second sweep on them is faster (compiled, warm, with
// memories to boot on). A new worker count makes a new pool.
let pool = null;
async function poolOf(workers) {
  if (pool?.size !== workers) {
    await pool?.close();
    pool = await WorkerPool.create(workers);
  }
  return pool;
}

// Each worker loads its own wasm module: past a few, a page only waits longer for them (a count
// in the millions would hang the tab making them).
const MAX_WORKERS = 16;
function workerCount(text) {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!(n >= 1 && n <= MAX_WORKERS)) throw new RangeError(`workers must be a whole number from 1 to ${MAX_WORKERS}, not ${JSON.stringify(text)}`);
  return n;
}

// A submit while a sweep runs (Enter in a field, requestSubmit) would start a second sweep on
// the same pool, each writing the page's progress over the other's.
let running = false;
// The running sweep's: Stop aborts it (its workers are ended, the pool replaces them).
let stopping = null;

async function sweep() {
  if (running) return;
  running = true;
  // A burst is a beat count or "auto"; other words go to the scenario as typed, so its error
  // names them.
  const burst = list($("bursts").value).map((b) => (/^\d+$/.test(b) ? Number(b) : b));
  const grid = { size: list($("sizes").value), burst };
  const total = grid.size.length * grid.burst.length;
  $("run").disabled = true;
  $("stop").disabled = false;
  stopping = new AbortController();
  // The last sweep's results would read as this one's answer, beside this one's error.
  $("chart").innerHTML = "";
  $("table").innerHTML = "";
  window.dmasimResult = undefined;
  window.dmasimError = undefined;
  window.dmasimStopped = undefined;
  $("progress").max = Math.max(total, 1);
  $("progress").value = 0;
  $("status").textContent = `0/${total}`;
  try {
    const workers = workerCount($("workers").value);
    const result = await runSweep({
      scenario: "memcpy",
      grid,
      pool: await poolOf(workers),
      signal: stopping.signal,
      onProgress: (done) => {
        $("progress").value = done;
        $("status").textContent = `${done}/${total}`;
      },
    });
    $("status").textContent = `done: ${total} jobs on ${result.workers} workers in ${(result.elapsedMs / 1000).toFixed(1)} s`;
    $("chart").innerHTML = throughputChart(result) ?? "";
    renderTable(result);
    window.dmasimResult = result;
  } catch (e) {
    if (stopping.signal.aborted) {
      // The finished rows stay; the pool stays too, its ended workers replaced at the next run.
      const finished = e.partial?.rows.filter((r) => r.result !== undefined).length ?? 0;
      $("status").textContent = `stopped: ${finished}/${total} jobs done`;
      if (e.partial) renderTable(e.partial);
      window.dmasimStopped = e.partial ?? null;
      return;
    }
    $("status").textContent = `error: ${e.message}`;
    window.dmasimError = String(e.message);
    // What the sweep's other jobs found stays on the page beside the error.
    if (e.partial) renderTable(e.partial);
    await pool?.close(); // a worker may have died with it: the next run starts new ones
    pool = null;
  } finally {
    running = false;
    stopping = null;
    $("run").disabled = false;
    $("stop").disabled = true;
  }
}

$("stop").addEventListener("click", () => stopping?.abort());

$("form").addEventListener("submit", (e) => {
  e.preventDefault();
  sweep();
});

const q = new URLSearchParams(location.search);
for (const k of ["sizes", "bursts", "workers"]) if (q.has(k)) $(k).value = q.get(k);
if (q.has("auto")) sweep();
