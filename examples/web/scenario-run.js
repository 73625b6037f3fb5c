// One run of a built-in scenario or a scenario module on a System in a Web Worker (createSystem
// with worker: true, as `dmasim demo --worker` runs it), for the Demo, Bugs and Module views. The
// System is booted for the run and ended after it, so that each run starts from a fresh boot as
// the CLI's does. A run takes a second or more and reports no steps: the progress bar is
// indeterminate while it runs.
import { createSystem } from "../../dist/browser/dmasim.js";

/** A view's runner. `controls`: its form's submit button, progress bar, status line, the
 *  element the result's text goes to and, if given, `show(output, text)` to lay the text out in
 *  it (else it is the element's text as it is), and `words(text)` to put the result's text and
 *  an error's message in the form's words (form-words.js; else they are the library's). The
 *  returned function does nothing while a run is under way (a second click, or Enter in a field,
 *  would print two runs over each other). */
export function scenarioRunner({ button, progress, status, output, show = (pre, text) => (pre.textContent = text), words = (text) => text }) {
  let running = false;
  /** `label` says what runs in the status line; `format(result, provenance)` turns the result,
   *  and what its System ran on, into the text shown. A scenario module's run gives `prepare`
   *  instead of `scenario` and `params`: called as the run starts (so that what it refuses, no
   *  file chosen or a parameter that is not key=value, shows as the run's error), it gives them,
   *  `words(text)` for the module's messages and `done()` for when the run is over
   *  (module-file.js). */
  return async function run({ label, system, scenario, params, format, prepare = async () => ({ scenario, params }) }) {
    if (running) return;
    running = true;
    button.disabled = true;
    // The last run's text would read as this one's answer, beside this one's error.
    output.textContent = "";
    window.dmasimText = undefined;
    window.dmasimError = undefined;
    progress.removeAttribute("value");
    status.textContent = `running ${label}…`;
    const started = performance.now();
    let remote = null;
    let prepared = null;
    const inWords = (text) => words(prepared?.words?.(text) ?? text);
    try {
      prepared = await prepare();
      remote = await createSystem({ ...system, worker: true });
      const result = await remote.run(prepared.scenario, prepared.params);
      const text = inWords(format(result, await remote.provenance()));
      show(output, text);
      window.dmasimText = text;
      progress.value = 1;
      status.textContent = `done: ${label} in ${((performance.now() - started) / 1000).toFixed(1)} s`;
    } catch (e) {
      progress.value = 0;
      const message = inWords(e instanceof Error ? e.message : String(e));
      status.textContent = `error: ${message}`;
      window.dmasimError = message;
    } finally {
      await remote?.close();
      prepared?.done?.();
      running = false;
      button.disabled = false;
    }
  };
}
