// What a scenario has taken (channels, buffers, mappings, client devices), given back when it
// ends, last taken first — also when it fails part way, so that the System it ran on goes on
// without held channels or lost pages. The kernel's devres (devm_*) does this for a driver's probe
// and remove; here the scope is one scenario run.

export type Defer = (release: () => void) => () => void;

/** Runs `body` with a `defer(release)` that registers a release and returns a function that runs
 *  it now instead (once; a scenario that frees a buffer half way keeps its order of events).
 *  Whatever has not been released when `body` returns or throws is released then, in reverse
 *  order, every one of them even if one throws. If `body` threw, its error is the one that
 *  propagates; otherwise the first release's error does. */
export function withTeardown<T>(body: (defer: Defer) => T): T {
  const pending: (() => void)[] = [];
  const defer: Defer = (release) => {
    let done = false;
    const once = () => {
      if (done) return;
      done = true;
      release();
    };
    pending.push(once);
    return once;
  };
  /** Every pending release, last first; their errors, none of them stopping the others. */
  const releaseAll = (): unknown[] => {
    const errors: unknown[] = [];
    for (const release of pending.reverse()) {
      try {
        release();
      } catch (e) {
        errors.push(e);
      }
    }
    return errors;
  };
  let result: T;
  try {
    result = body(defer);
  } catch (e) {
    releaseAll(); // the body's error says what went wrong; a release failing after it follows from it
    throw e;
  }
  const errors = releaseAll();
  if (errors.length) throw errors[0];
  return result;
}
