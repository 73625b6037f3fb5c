// The Sweep view's form: its controls as a sweep's grid and System options, and the address's query
// (?board=…&kernel=…&swiotlb=N,force&profile=…&memory=…&cma=…&dma-debug=off,on&sizes=…&bursts=…&channels=…&buffers=…&block=…&workers=…;
// for another built-in scenario's sweep, scenario=cpu-process&params=size=4K,64K&chart=FIELD; for a
// scenario module's, scenario=module&params=sync=none,for-cpu: its file is chosen on the page),
// read at load and written back as the form is edited (app.js). Several boards or kernels
// checked, or several profiles, memory sizes or cma areas listed, or DMA-API debug checked off and
// on, are System axes (runSweep's `systems`, as `dmasim sweep --board A,B --profile C,D --memory
// E,F --dma-debug=off,on` makes them, its lists read by the same code: systemOptionValues;
// ?board=zynq-7000,arm64-ref&kernel=modern,v4.9&memory=256M,512M), one the System every job boots.
// The page checks nothing the library checks: System options go through checkSystemOptions,
// parameters to the scenario as typed, so a refusal reads as `dmasim sweep`'s does.
import { PROFILES, SCENARIO_PARAMS, checkSystemOptions, dmaDebugValue, systemOptionValues } from "../../dist/browser/dmasim.js";
import { addBoardBoxes } from "./board-options.js";
import { choose, chooseBoxes } from "./address-choice.js";
import { setIfChanged } from "./form-query.js";
import { sweepGrid } from "./module-params.js";
import { MEMCPY, MODULE, SWEPT_SCENARIOS, addScenarioOptions, paramsPrompt } from "./scenario-choice.js";

const $ = (id) => document.getElementById(id);
const list = (s) => s.split(",").map((x) => x.trim()).filter(Boolean);

// Every control that holds a memcpy parameter names it (data-param): one the scenario does not
// read would fail each job, so the page says so at load instead.
const paramControls = [...document.querySelectorAll("[data-param]")];
for (const c of paramControls) {
  if (!SCENARIO_PARAMS.memcpy.includes(c.dataset.param)) throw new Error(`examples/web: memcpy has no parameter "${c.dataset.param}" (control #${c.id})`);
}

addBoardBoxes($("board"), "zynq-7000");
addScenarioOptions($("scenario"));
$("profile").title = `a timing profile, or several to compare (A,B), as dmasim sweep's --profile; known: ${Object.keys(PROFILES).join(", ")}`;
$("memory").title = "the DRAM size (64M, 1G): one bank at the board's first RAM address instead of its own, as dmasim sweep's --memory; several to compare (256M,512M)";
$("cma").title = "cma=: the default CMA area's size (16M), or SIZE@BASE-LIMIT, as dmasim sweep's --cma; several to compare (1M,16M)";

/** A control's values as the scenario gets them: a whole number as a number (a beat or channel
 *  count), any other word as typed, so the scenario's error names it. `initial`: as the page
 *  loaded them (the HTML's). */
function values(control, initial = false) {
  if (control.tagName === "FIELDSET") {
    return [...control.querySelectorAll("input")].filter((i) => (initial ? i.defaultChecked : i.checked)).map((i) => i.value);
  }
  return list(initial ? control.defaultValue : control.value).map((v) => (/^\d+$/.test(v) ? Number(v) : v));
}

/** The grid in memcpy's own parameter order. An optional control (data-optional) starts at the
 *  scenario's default, and is left out while it holds it: the jobs, their errors and the plot's
 *  lines then read as a sweep over size and burst does. Any other control with no value goes as
 *  none, and runSweep refuses it ("has no values"). */
export function readGrid() {
  const grid = {};
  for (const param of SCENARIO_PARAMS.memcpy) {
    const control = paramControls.find((c) => c.dataset.param === param);
    if (!control) continue;
    const v = values(control);
    if ("optional" in control.dataset && String(v) === String(values(control, true))) continue;
    grid[param] = v;
  }
  return grid;
}

/** Whether the sweep is of a scenario module (the scenario choice), not of memcpy. */
export function sweepsModule() {
  return $("scenario").value === MODULE;
}

/** The module sweep's file (undefined when none is chosen) and grid, from its params field. */
export function readModuleSweep() {
  return { file: $("sweep-module").files[0], grid: readParams() };
}

/** The params field's grid, each value read as `dmasim sweep --param k=v1,v2` reads it
 *  (paramValue: `16` a number, `true` a boolean). */
export function readParams() {
  return sweepGrid($("sweep-params").value, "params");
}

/** The chart field: a result field to draw against the swept parameter, or undefined. */
export function readChart() {
  const y = $("sweep-chart").value.trim();
  return y === "" ? undefined : y;
}

/** The controls of the scenario not chosen are disabled: the sweep does not read them. */
export function showScenario() {
  const choice = $("scenario").value;
  $("module").disabled = choice !== MODULE;
  $("memcpy").disabled = choice !== MEMCPY;
  $("scenario-params").disabled = choice === MEMCPY;
  const { placeholder, hint } = paramsPrompt(choice);
  $("sweep-params").placeholder = placeholder;
  $("params-hint").textContent = hint;
}
$("scenario").addEventListener("change", showScenario);

/** swiotlb= as Linux and `dmasim --swiotlb` take it ("N", "force" or "N,force") from the slab
 *  count and the force box; undefined when both are empty (the kernel's default). The library
 *  reads the text, and refuses what it cannot read in its own words. */
function swiotlbText() {
  const text = [$("swiotlb-slabs").value.trim(), $("swiotlb").checked ? "force" : ""].filter(Boolean).join(",");
  return text === "" ? undefined : text;
}

/** A System option's field as `dmasim sweep --NAME` reads its text (systemOptionValues: a comma
 *  list, spaces aside); none when the field is empty. */
const optionValues = (name, control) => systemOptionValues(name, control.value.replace(/\s+/g, ""));

/** The DMA-API debug boxes as createSystem's dmaDebug: each value read as `--dma-debug=` reads
 *  it (dmaDebugValue); a value from the address that is not a switch's word is refused. */
function dmaDebugChoices() {
  return values($("dma-debug")).map((v) => {
    const on = dmaDebugValue(v);
    if (on === undefined) throw new TypeError(`DMA-API debug: "${v}" is not off or on`);
    return on;
  });
}

/** The System options the form names: `system`, what every job boots, and `systems` (absent
 *  unless the boards, kernels or DMA-API debug boxes checked are not one each, or several
 *  profiles, memory sizes or cma areas are listed) the axes compared, in the order of `dmasim
 *  sweep`'s leading columns. A group with none checked goes as an axis of no values, and
 *  runSweep refuses it ("has no values"), but for a built-in scenario other than memcpy no board
 *  is `dmasim sweep` without --board: the scenario's own System (bug's kind's, uart-tx's UART
 *  model), else the default board. An empty profile, memory or cma field leaves the board's own
 *  (the kernel's default); DMA-API debug off alone leaves it off, as `--dma-debug=off` does. */
export function readSystems() {
  const system = {};
  const systems = {};
  const choose = (k, chosen) => {
    if (chosen.length === 1) system[k] = chosen[0];
    else systems[k] = chosen;
  };
  const boards = values($("board"));
  const choice = $("scenario").value;
  if (boards.length > 0 || choice === MEMCPY || !SWEPT_SCENARIOS.includes(choice)) choose("board", boards);
  choose("kernel", values($("kernel")));
  const profiles = list($("profile").value);
  if (profiles.length) choose("profile", profiles);
  for (const k of ["memory", "cma"]) {
    const chosen = optionValues(k, $(k));
    if (chosen.length) choose(k, chosen);
  }
  const swiotlb = swiotlbText();
  if (swiotlb !== undefined) system.swiotlb = swiotlb;
  const dmaDebug = dmaDebugChoices();
  if (dmaDebug.length !== 1) systems.dmaDebug = dmaDebug;
  else if (dmaDebug[0]) system.dmaDebug = true;
  return Object.keys(systems).length ? { system, systems } : { system };
}

/** Refuses the options every job boots with in the library's words (createSystem's); runSweep
 *  checks each System compared with them. */
export function checkSystem(system) {
  checkSystemOptions(system, (message) => new Error(message));
}

/** The address's parameters this view reads (app.js names any other as ignored). */
export const QUERY_KEYS = ["scenario", "params", "chart", "board", "kernel", "swiotlb", "profile", "memory", "cma", "dma-debug", "sizes", "bursts", "channels", "buffers", "block", "workers"];

/** Fills the form from the query; a value the library cannot take is refused, in its words, when
 *  the sweep runs. */
export function applyQuery(q) {
  if (q.has("scenario")) choose($("scenario"), q.get("scenario"));
  if (q.has("params")) $("sweep-params").value = q.get("params");
  if (q.has("chart")) $("sweep-chart").value = q.get("chart");
  for (const k of ["profile", "memory", "cma"]) if (q.has(k)) $(k).value = q.get(k);
  showScenario();
  for (const k of ["sizes", "bursts", "channels", "block", "workers"]) if (q.has(k)) $(k).value = q.get(k);
  for (const k of ["board", "kernel", "dma-debug", "buffers"]) if (q.has(k)) chooseBoxes($(k), list(q.get(k)));
  if (q.has("swiotlb")) {
    // "force" ends the text or is all of it; what comes before is the slab count, taken as typed.
    const text = q.get("swiotlb");
    const force = text === "force" || text.endsWith(",force");
    $("swiotlb").checked = force;
    $("swiotlb-slabs").value = force ? text.slice(0, -"force".length).replace(/,$/, "") : text;
  }
}

/** The form's choices as applyQuery reads them (app.js keeps them in the address). */
export function query() {
  const q = new URLSearchParams();
  setIfChanged(q, "scenario", $("scenario"));
  setIfChanged(q, "params", $("sweep-params"));
  setIfChanged(q, "chart", $("sweep-chart"));
  for (const k of ["board", "kernel"]) setIfChanged(q, k, $(k));
  const swiotlb = swiotlbText();
  if (swiotlb !== undefined) q.set("swiotlb", swiotlb);
  for (const k of ["profile", "memory", "cma", "dma-debug"]) setIfChanged(q, k, $(k));
  for (const k of ["sizes", "bursts", "channels"]) setIfChanged(q, k, $(k));
  for (const k of ["buffers", "block", "workers"]) setIfChanged(q, k, $(k));
  return q;
}
