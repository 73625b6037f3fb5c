// The Sweep view: a memcpy sweep over Web Workers with the dmasim browser bundle, on the board,
// kernel, buffers and channels the form names (sweep-form.js; several boards, kernels or profiles
// are compared, as runSweep's `systems`), plotted and tabled (sweep-results.js); or a sweep of
// another built-in scenario (scenario-choice.js) or of the user's scenario module
// (module-file.js) over its params' values, printed as `dmasim sweep` prints one (formatSweep)
// and charted as its --chart y=FIELD draws one.
// ?sizes=…&bursts=…&workers=… (and the form's other controls by id) fill the form; app.js runs
// it at load for &auto=1: the end-to-end test uses this.
import { runSweep, sweepChartProblem, WorkerPool } from "../../dist/browser/dmasim.js";
import { checkSystem, readChart, readGrid, readModuleSweep, readParams, readSystems } from "./sweep-form.js";
import { escapeHtml, resultsChart, resultsTable, scenarioChart, sweepText } from "./sweep-results.js";
import { inFormWords, inParamsFormWords } from "./form-words.js";
import { loaded } from "./module-file.js";
import { MEMCPY, MODULE, checkSweptScenario, paramsPrompt } from "./scenario-choice.js";

export { applyQuery, query, QUERY_KEYS } from "./sweep-form.js";

const $ = (id) => document.getElementById(id);

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

/** The chart field's result field, refused before the sweep runs if it cannot name one. */
function chartField() {
  const y = readChart();
  const problem = y === undefined ? undefined : sweepChartProblem({ y }, []);
  if (problem) throw new TypeError(`chart: ${problem}`);
  return y;
}

/** What the sweep runs: memcpy on the form's grid, another built-in scenario on its params' grid,
 *  or the chosen module (module-file.js) on its params' grid. `words` puts a message in the
 *  form's words (and the module by its file's name), `table` lays out a result (or a failed
 *  sweep's `partial`) as the view shows it, `done` frees the module's URL. */
async function sweepPlan(system) {
  const choice = $("scenario").value;
  if (choice === MEMCPY) {
    return { scenario: MEMCPY, grid: readGrid(), words: inFormWords, table: (r) => resultsTable(r, system), chart: resultsChart, done: () => {} };
  }
  checkSweptScenario(choice);
  const y = chartField();
  if (choice !== MODULE) {
    const grid = readParams();
    // As `dmasim sweep` refuses a sweep without --param: one job is no sweep.
    if (!Object.keys(grid).length) throw new TypeError(`params: none given: a sweep needs at least one key=v1,v2,… (${paramsPrompt(choice).hint})`);
    // As `dmasim sweep cpu-process --param …` prints it.
    const table = (r) => `<pre>${escapeHtml(sweepText(choice, grid, r, inParamsFormWords))}</pre>`;
    return { scenario: choice, grid, words: inParamsFormWords, table, chart: (r) => scenarioChart(r, y, inParamsFormWords), done: () => {} };
  }
  const { file, grid } = readModuleSweep();
  const module = await loaded(file);
  const words = (text) => module.words(inParamsFormWords(text));
  // As `dmasim sweep ./mydrv.mjs` prints it: a heading naming the module, the grid and the System.
  const table = (r) => `<pre>${escapeHtml(sweepText(module.name, grid, r, words))}</pre>`;
  return { scenario: module.url, grid, words, table, chart: (r) => scenarioChart(r, y, words), done: module.done };
}

export async function run() {
  if (running) return;
  running = true;
  $("run").disabled = true;
  $("stop").disabled = false;
  stopping = new AbortController();
  // The last sweep's results would read as this one's answer, beside this one's error.
  $("chart").innerHTML = "";
  $("table").innerHTML = "";
  window.dmasimResult = undefined;
  window.dmasimError = undefined;
  window.dmasimStopped = undefined;
  $("progress").value = 0;
  let plan = null;
  let total = 0;
  try {
    // A DMA-API debug box from the address that is no switch's word is refused here, in words.
    const { system, systems } = readSystems();
    plan = await sweepPlan(system);
    // Every System compared runs the whole grid.
    total = [...Object.values(plan.grid), ...Object.values(systems ?? {})].reduce((n, v) => n * v.length, 1);
    $("progress").max = Math.max(total, 1);
    $("status").textContent = `0/${total}`;
    checkSystem(system);
    const workers = workerCount($("workers").value);
    const result = await runSweep({
      scenario: plan.scenario,
      grid: plan.grid,
      system,
      ...(systems ? { systems } : {}),
      pool: await poolOf(workers),
      signal: stopping.signal,
      onProgress: (done) => {
        $("progress").value = done;
        $("status").textContent = `${done}/${total}`;
      },
    });
    $("status").textContent = `done: ${total} jobs on ${result.workers} workers in ${(result.elapsedMs / 1000).toFixed(1)} s`;
    $("chart").innerHTML = plan.chart(result);
    $("table").innerHTML = plan.table(result);
    window.dmasimResult = result;
  } catch (e) {
    if (stopping.signal.aborted) {
      // The finished rows stay; the pool stays too, its ended workers replaced at the next run.
      const finished = e.partial?.rows.filter((r) => r.result !== undefined).length ?? 0;
      $("status").textContent = `stopped: ${finished}/${total} jobs done`;
      if (e.partial) $("table").innerHTML = plan.table(e.partial);
      window.dmasimStopped = e.partial ?? null;
      return;
    }
    // In the form's words (swiotlb slabs, not --swiotlb N): the CLI's options are not on the page.
    const message = (plan?.words ?? inFormWords)(e instanceof Error ? e.message : String(e));
    $("status").textContent = `error: ${message}`;
    window.dmasimError = message;
    // What the sweep's other jobs found stays on the page beside the error.
    if (e.partial) $("table").innerHTML = plan.table(e.partial);
    await pool?.close(); // a worker may have died with it: the next run starts new ones
    pool = null;
  } finally {
    plan?.done();
    running = false;
    stopping = null;
    $("run").disabled = false;
    $("stop").disabled = true;
  }
}

$("stop").addEventListener("click", () => stopping?.abort());

$("form").addEventListener("submit", (e) => {
  e.preventDefault();
  run();
});
