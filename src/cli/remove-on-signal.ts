// A file being written must not outlive a Ctrl-C: Node's own end on SIGINT or SIGTERM runs no
// cleanup (not even "exit" handlers), so a --trace or --report cut short would leave its
// FILE.PID.part beside the output (outputs.ts) for the user to find and remove.

import { rmSync } from "node:fs";

/** SIGHUP too: a closed terminal ends a run as Ctrl-C does. */
const ENDING_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** Runs `work`, which writes `path`; should one of ENDING_SIGNALS come meanwhile, removes `path`
 *  and then lets the signal end the process as it would have (a shell sees 130 for Ctrl-C), unless
 *  the command listens for it itself (a sweep stopping on Ctrl-C), which then decides. */
export async function removeOnSignal<T>(path: string, work: () => Promise<T>): Promise<T> {
  const stopListening = () => {
    for (const s of ENDING_SIGNALS) process.off(s, onSignal);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    rmSync(path, { force: true });
    stopListening();
    // With no listener left Node restores the signal's default action, so this ends the process
    // by the signal itself, the status a parent or shell expects.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  // First, so that the file is gone before a command's own listener exits.
  for (const s of ENDING_SIGNALS) process.prependListener(s, onSignal);
  try {
    return await work();
  } finally {
    stopListening();
  }
}
