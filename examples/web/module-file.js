// A driver writer's scenario module (a file exporting run(system, params), as `dmasim run
// ./mydrv.mjs` takes one) as a URL the page's Web Workers can import: the Module view runs it
// once, the Sweep view sweeps it.
//
// Its `import … from "dmasim"` is a bare specifier. Node finds the package from the module's
// folder; a browser resolves one only through an import map, and Chromium's module workers do
// not see the page's (the worker's import("dmasim") fails: "Failed to resolve module specifier"),
// nor can a worker be given one. So the page rewrites the specifier to the bundle's URL and hands
// the workers the rewritten source as a blob: URL (which a page's workers can import). The
// bundle's code is shared with worker.js (one esbuild build, split into a common chunk), so in a
// worker the module's dmasim is the worker's own: its functions take the worker's System, and
// its errors are the classes the worker sends back.
//
// Each run gets a fresh URL (`loaded(file)`), so a file chosen again after an edit runs as it now
// is; `done()` frees it. Messages name the module by its blob: URL: `words` puts the file's name
// there, as `dmasim run mydrv.mjs` names it by the path typed.

const BUNDLE = new URL("../../dist/browser/dmasim.js", import.meta.url).href;

// `from "dmasim"` (import and export … from), `import "dmasim"` and `import("dmasim")`, either
// quote. The text of a string or comment that spells one is rewritten too: harmless, it names
// the same package.
const DMASIM = /(\bfrom\s*|\bimport\s*(?:\(\s*)?)(["'])dmasim\2/g;

/** `source` with its imports of "dmasim" pointing at the page's bundle. */
export function withDmasimUrl(source) {
  return source.replace(DMASIM, (_, before, quote) => `${before}${quote}${BUNDLE}${quote}`);
}

/** The module in `file` (an <input type=file>'s), ready to import: `url`, the file's `name`,
 *  `words(text)` (the text with `url` put as the name) and `done()`. */
export async function loaded(file) {
  if (!file) throw new Error("choose a module file: a JavaScript module exporting run(system, params)");
  let source;
  try {
    source = await file.text();
  } catch (e) {
    // Chromium refuses to read a file changed on disk since it was chosen (NotReadableError).
    throw new Error(`${file.name} cannot be read (${e.message}): if it changed since it was chosen, choose it again`);
  }
  const url = URL.createObjectURL(new Blob([withDmasimUrl(source)], { type: "text/javascript" }));
  return {
    url,
    name: file.name,
    words: (text) => String(text).replaceAll(url, file.name),
    done: () => URL.revokeObjectURL(url),
  };
}
