// Files that ship with the package (the wasm builds, the built-in boards), located relative to
// this module so they load from src/ in tests, from dist/src/ once built, and over HTTP in a
// browser.

const isNode = typeof process !== "undefined" && !!process.versions?.node;

/** Where this module can sit in the package: src/resources.ts, dist/src/resources.js, or a
 *  bundle of dmasim's own in dist/browser/ or dist/node/. Anywhere else a consumer's bundler has
 *  copied it into their own file, away from the files it finds by its URL. */
const PACKAGE_LAYOUT = /\/src\/resources\.ts$|\/dist\/(src|browser|node)\/[^/]+$/;

/** URL of a file given relative to the package root. */
export function packageUrl(path: string): URL {
  const here = import.meta.url;
  const root = /\/dist\/(src|browser|node)\//.test(here) ? "../../" : "../";
  return new URL(root + path, here);
}

/** What to do when a package file did not load from `moduleUrl` (this module's URL; a parameter
 *  for the tests): dmasim bundled into a consumer's own file looks for its files beside that
 *  file, where they are not. Empty when the module sits in the package's layout. */
export function bundledAwayAdvice(moduleUrl: string = import.meta.url): string {
  if (PACKAGE_LAYOUT.test(moduleUrl.split(/[?#]/)[0]!)) return "";
  return `dmasim was bundled into ${moduleUrl}, away from its package's folder, where it finds its ` +
    `wasm, boards and worker by its own URL: leave "dmasim" out of the bundle (esbuild --external:dmasim, ` +
    `Vite optimizeDeps.exclude) and load it from the installed package (in a page: an import map ` +
    `mapping "dmasim" to node_modules/dmasim/dist/browser/dmasim.js, the package's folder served as installed)`;
}

export async function loadBytes(url: URL): Promise<Uint8Array> {
  if (isNode && url.protocol === "file:") {
    const { readFile } = await import("node:fs/promises");
    try {
      return new Uint8Array(await readFile(url));
    } catch (e) {
      const advice = bundledAwayAdvice();
      if (!advice) throw e;
      throw new Error(`${(e as Error).message}: ${advice}`, { cause: e });
    }
  }
  const response = await fetch(url);
  if (!response.ok) {
    const advice = bundledAwayAdvice();
    throw new Error(`cannot fetch ${url} (${response.status})${advice ? `: ${advice}` : ""}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}
