// Debian's dtc (package device-tree-compiler), the reference dmasim's device-tree output is
// compared with. The tests that use it fail, with this message, when it is missing.

import { execFileSync, spawnSync } from "node:child_process";

const MISSING =
  "dtc is not installed: the device-tree tests compare dmasim's output with Debian's dtc " +
  "(install it with: apt-get install -y device-tree-compiler; .ci/run does this in CI)";

let checked = false;

function need(): void {
  if (checked) return;
  const r = spawnSync("dtc", ["--version"], { encoding: "utf8" });
  if (r.error || r.status !== 0) throw new Error(MISSING);
  checked = true;
}

/** Runs dtc with `args`, feeding `input` on stdin; returns stdout bytes. Throws with dtc's
 *  message when it fails. */
export function dtc(args: string[], input?: Uint8Array | string): Uint8Array {
  need();
  try {
    return new Uint8Array(execFileSync("dtc", ["-q", ...args], { input, stdio: ["pipe", "pipe", "pipe"], maxBuffer: 64 << 20 }));
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`dtc ${args.join(" ")} failed: ${err.stderr?.toString().trim() || err.message}`);
  }
}

/** dtc's verdict on an input: its first error line, or undefined when it compiles. */
export function dtcError(args: string[], input?: Uint8Array | string): string | undefined {
  need();
  const r = spawnSync("dtc", ["-q", ...args, "-o", "/dev/null"], { input, encoding: "utf8" });
  return r.status === 0 ? undefined : (r.stderr.split("\n").find((l) => /error/i.test(l)) ?? r.stderr.trim());
}
