// Files that ship with the package (the wasm builds, the built-in boards), located relative to
// this module so they load from src/ in tests, from dist/src/ once built, and over HTTP in a
// browser.

const isNode = typeof process !== "undefined" && !!process.versions?.node;

/** URL of a file given relative to the package root. */
export function packageUrl(path: string): URL {
  const here = import.meta.url;
  // src/resources.ts, dist/src/resources.js, or a bundle in dist/browser/ or dist/node/.
  const root = /\/dist\/(src|browser|node)\//.test(here) ? "../../" : "../";
  return new URL(root + path, here);
}

export async function loadBytes(url: URL): Promise<Uint8Array> {
  if (isNode && url.protocol === "file:") {
    const { readFile } = await import("node:fs/promises");
    return new Uint8Array(await readFile(url));
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot fetch ${url} (${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
}
