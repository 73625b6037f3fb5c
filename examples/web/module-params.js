// A scenario module's parameters as the page's params fields take them: `key=value` words
// separated by spaces, as `dmasim run ./mydrv.mjs --param key=value …` takes them (a sweep's
// `key=v1,v2`, as `dmasim sweep --param key=v1,v2`). Each value is read as the CLI reads it
// (paramValue: `3` a number, `true` a boolean), so the module gets what a Node run gives it.
import { paramValue } from "../../dist/browser/dmasim.js";

/** The field's words as [key, text] pairs; a word without a key, or a key given twice, is refused
 *  naming the field (`label`). */
function pairs(text, label) {
  const seen = new Set();
  return text.split(/\s+/).filter(Boolean).map((word) => {
    const eq = word.indexOf("=");
    if (eq <= 0) throw new TypeError(`${label}: "${word}" is not key=value`);
    const key = word.slice(0, eq);
    if (seen.has(key)) throw new TypeError(`${label}: ${key} is given twice: give it once`);
    seen.add(key);
    return [key, word.slice(eq + 1)];
  });
}

/** One run's parameters: `sync=for-cpu frames=2` → { sync: "for-cpu", frames: 2 }. */
export function runParams(text, label = "params") {
  return Object.fromEntries(pairs(text, label).map(([k, v]) => [k, paramValue(v)]));
}

/** A sweep's grid: `sync=none,for-cpu frames=2` → { sync: ["none", "for-cpu"], frames: [2] }. */
export function sweepGrid(text, label = "params") {
  return Object.fromEntries(pairs(text, label).map(([k, v]) => [k, v.split(",").filter(Boolean).map(paramValue)]));
}
