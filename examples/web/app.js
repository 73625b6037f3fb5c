// The page: three views, one shown at a time — Demo (`dmasim demo`), Bugs (`dmasim run bug`) and
// Sweep (a memcpy sweep) — chosen by the nav or the address's ?view=demo|bugs|sweep. The address
// fills the chosen view's form, and &auto=1 runs it at load (the end-to-end test uses this). An
// address with no view= that holds the sweep form's parameters (?sizes=…&auto=1, the page's
// addresses from before it had views) opens the Sweep view; a bare one the Demo.
import * as demo from "./demo-view.js";
import * as bugs from "./bug-view.js";
import * as sweep from "./sweep-view.js";

const VIEWS = { demo, bugs, sweep };
const SWEEP_PARAMS = ["sizes", "bursts", "channels", "buffers", "block", "workers", "board", "kernel", "swiotlb", "auto"];

function viewOf(q) {
  const name = q.get("view");
  if (name === null) return SWEEP_PARAMS.some((k) => q.has(k)) ? "sweep" : "demo";
  if (Object.hasOwn(VIEWS, name)) return name;
  const note = document.getElementById("view-note");
  note.textContent = `no view "${name}" (demo, bugs or sweep): showing the demo`;
  note.hidden = false;
  return "demo";
}

function show(name) {
  for (const v of Object.keys(VIEWS)) document.getElementById(`${v}-view`).hidden = v !== name;
  for (const a of document.querySelectorAll("nav a[data-view]")) {
    if (a.dataset.view === name) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

// A view switch keeps what the other views hold (a sweep under way goes on); the address names
// the view shown, so that a reload or a shared link opens it.
for (const a of document.querySelectorAll("nav a[data-view]")) {
  a.addEventListener("click", (e) => {
    e.preventDefault();
    show(a.dataset.view);
    history.replaceState(null, "", `?view=${a.dataset.view}`);
  });
}

const query = new URLSearchParams(location.search);
const name = viewOf(query);
show(name);
VIEWS[name].applyQuery(query);
if (query.has("auto")) VIEWS[name].run();
