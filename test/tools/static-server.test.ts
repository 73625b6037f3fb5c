// The demo's static server (`dmasim serve`, the browser tests): a request it cannot make sense
// of is answered with an error status, and the server goes on serving.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Server } from "node:http";
import { serveStatic } from "../../src/tools/static-server.js";
import { tempDir } from "../helpers/temp-dir.js";

let server: Server;
let url: string;

beforeAll(async () => {
  const root = tempDir("dmasim-static-");
  writeFileSync(join(root, "page.html"), "<p>hello</p>");
  mkdirSync(join(root, "demo"));
  writeFileSync(join(root, "demo", "index.html"), "<p>demo</p>");
  ({ server, url } = await serveStatic(root, 0, "127.0.0.1", "/demo/index.html"));
});
afterAll(() => new Promise((r) => server.close(r)));

describe("static server", () => {
  it("serves a file with its type and answers 404 for a missing one", async () => {
    const page = await fetch(`${url}/page.html`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await page.text()).toBe("<p>hello</p>");
    expect((await fetch(`${url}/missing.js`)).status).toBe(404);
  });

  it("answers 400 to a path that is not valid percent-encoding, and keeps serving", async () => {
    expect((await fetch(`${url}/%E0%A4%A`)).status).toBe(400);
    expect((await fetch(`${url}/page.html`)).status).toBe(200);
  });

  it("sends the bare address on to the demo page, and serves a folder's index.html", async () => {
    const bare = await fetch(`${url}/`, { redirect: "manual" });
    expect(bare.status).toBe(302);
    expect(bare.headers.get("location")).toBe("/demo/index.html");
    expect(await (await fetch(url)).text()).toBe("<p>demo</p>");
    expect(await (await fetch(`${url}/demo/`)).text()).toBe("<p>demo</p>");
  });
});
