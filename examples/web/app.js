// The page: three views, one shown at a time — Demo (`dmasim demo`), Bugs (`dmasim run bug`) and
// Sweep (a memcpy sweep) — chosen by the nav or the address's ?view=demo|bugs|sweep. The address
// fills the chosen view's form, and &auto=1 runs it at load (the end-to-end test uses this); an
// edit of the form writes it back, so a reload keeps it. An
// address with no view= that holds the sweep form's parameters (?sizes=…&auto=1, the page's
// addresses from before it had views) opens the Sweep view; a bare one the Demo. A parameter the
// view does not read (a typo, the Sweep's buffers= on a Demo link) is named above the view
// rather than dropped without a word: a student would take the run for the one the link asked.
import * as demo from "./demo-view.js";
import * as bugs from "./bug-view.js";
import * as sweep from "./sweep-view.js";

const VIEWS = { demo, bugs, sweep };
const SWEEP_PARAMS = [...sweep.QUERY_KEYS, "auto"];

const TITLES = { demo: "Demo", bugs: "Bugs", sweep: "Sweep" };
const notes = [];

function viewOf(q) {
  const name = q.get("view");
  if (name === null) return SWEEP_PARAMS.some((k) => q.has(k)) ? "sweep" : "demo";
  if (Object.hasOwn(VIEWS, name)) return name;
  notes.push(`no view "${name}" (demo, bugs or sweep): showing the demo`);
  return "demo";
}

function noteIgnored(q, name) {
  const known = ["view", "auto", ...VIEWS[name].QUERY_KEYS];
  const ignored = [...new Set(q.keys())].filter((k) => !known.includes(k));
  if (ignored.length === 0) return;
  const list = ignored.map((k) => `"${k}"`).join(", ");
  notes.push(`the ${TITLES[name]} view ignores ${list} in the address (it reads ${VIEWS[name].QUERY_KEYS.join(", ")} and auto)`);
}

function show(name) {
  for (const v of Object.keys(VIEWS)) document.getElementById(`${v}-view`).hidden = v !== name;
  for (const a of document.querySelectorAll("nav a[data-view]")) {
    if (a.dataset.view === name) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

/** Puts the view shown and its form's choices (the view's query(), what its applyQuery reads)
 *  into the address, so that a reload or a shared link opens the same. Lists keep their commas. */
function remember(name) {
  const q = new URLSearchParams([["view", name], ...VIEWS[name].query()]);
  history.replaceState(null, "", `?${String(q).replace(/%2C/g, ",")}`);
  document.getElementById("view-note").hidden = true; // it spoke of the address just replaced
}

// A view switch keeps what the other views hold (a sweep under way goes on); the address names
// the view shown and its choices. An edit of a form writes its choices there as it is made
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
VIEWS[name].applyQuery(query);
if (query.has("auto")) VIEWS[name].run();
