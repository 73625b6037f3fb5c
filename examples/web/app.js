// The page: four views, one shown at a time — Demo (`dmasim demo`), Bugs (`dmasim run bug`),
// Module (`dmasim run ./mydrv.mjs`: the user's own scenario module) and Sweep (`dmasim sweep` of
// memcpy, another built-in scenario or a module) — chosen by the nav or the address's ?view=demo|bugs|module|sweep. The address
// fills the chosen view's form, and &auto=1 runs it at load (the end-to-end test uses this); an
// edit of a form writes every view's form back (page-query.js: the other views' under their
// names, demo.size=64K), so a reload keeps them all. An address with no view= that holds the
// sweep form's parameters (?sizes=…&auto=1, the page's addresses from before it had views) opens
// the Sweep view; a bare one the Demo. A parameter no view reads (a typo, the Sweep's buffers= on
// a Demo link) is named above the view rather than dropped without a word: a student would take
// the run for the one the link asked.
import * as demo from "./demo-view.js";
import * as bugs from "./bug-view.js";
import * as moduleView from "./module-view.js";
import * as sweep from "./sweep-view.js";
import { ignoredKeys, pageQuery, viewQuery } from "./page-query.js";

const VIEWS = { demo, bugs, module: moduleView, sweep };
const SWEEP_PARAMS = [...sweep.QUERY_KEYS, "auto"];

const TITLES = { demo: "Demo", bugs: "Bugs", module: "Module", sweep: "Sweep" };
const notes = [];

function viewOf(q) {
  const name = q.get("view");
  if (name === null) return SWEEP_PARAMS.some((k) => q.has(k)) ? "sweep" : "demo";
  if (Object.hasOwn(VIEWS, name)) return name;
  notes.push(`no view "${name}" (demo, bugs, module or sweep): showing the demo`);
  return "demo";
}

const KEYS_OF = Object.fromEntries(Object.entries(VIEWS).map(([name, view]) => [name, view.QUERY_KEYS]));

function noteIgnored(q, shown) {
  for (const { view, prefix, keys } of ignoredKeys(q, shown, KEYS_OF)) {
    const list = keys.map((k) => `"${k}"`).join(", ");
    // The shown view's own names, and auto; another view's under its prefix (it runs only shown).
    const reads = [...KEYS_OF[view].map((k) => prefix + k), ...(prefix ? [] : ["auto"])];
    notes.push(`the ${TITLES[view]} view ignores ${list} in the address (it reads ${reads.slice(0, -1).join(", ")} and ${reads.at(-1)})`);
  }
}

function show(name) {
  for (const v of Object.keys(VIEWS)) document.getElementById(`${v}-view`).hidden = v !== name;
  for (const a of document.querySelectorAll("nav a[data-view]")) {
    if (a.dataset.view === name) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

/** Puts the view shown and every view's form choices (each view's query(), what its applyQuery
 *  reads) into the address, so that a reload or a shared link opens the same. Lists keep their
 *  commas. */
function remember(shown) {
  const q = pageQuery(shown, Object.fromEntries(Object.entries(VIEWS).map(([name, view]) => [name, view.query()])));
  history.replaceState(null, "", `?${String(q).replace(/%2C/g, ",")}`);
  document.getElementById("view-note").hidden = true; // it spoke of the address just replaced
}

// A view switch keeps what the other views hold (a sweep under way goes on); the address names
// the view shown and every view's choices. An edit of a form writes its choices there as it is made
// (without auto=1: a reload shows the choices, it does not run them).
for (const a of document.querySelectorAll("nav a[data-view]")) {
  a.addEventListener("click", (e) => {
    e.preventDefault();
    show(a.dataset.view);
    remember(a.dataset.view);
  });
}
for (const name of Object.keys(VIEWS)) {
  for (const type of ["input", "change"]) document.getElementById(`${name}-view`).addEventListener(type, () => remember(name));
}

const query = new URLSearchParams(location.search);
const name = viewOf(query);
noteIgnored(query, name);
if (notes.length > 0) {
  const note = document.getElementById("view-note");
  note.textContent = notes.join("; ");
  note.hidden = false;
}
show(name);
for (const [view, module] of Object.entries(VIEWS)) module.applyQuery(viewQuery(query, view, name));
if (query.has("auto")) VIEWS[name].run();
