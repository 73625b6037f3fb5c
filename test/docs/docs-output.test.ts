// Every command the other docs/*.md quote prints what they say (debugging-a-driver.md has a file of
// its own: its commands are the most and the slowest).
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describeDocCommands, docCommands, root } from "../helpers/doc-blocks.js";

const OWN_FILE = ["debugging-a-driver.md"];

for (const name of readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md") && !OWN_FILE.includes(f)).sort()) {
  const file = `docs/${name}`;
  if (docCommands(file).length > 0) describeDocCommands(file, { atLeast: 1 });
}
