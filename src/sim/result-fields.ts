// A scenario's result as the fields a person reads: a nested plain object (cpu-process's
// `cached.process.timePs`) becomes one field per leaf under its dotted path, so that `dmasim run`
// and its --report show each figure on its own row rather than as one line of JSON.

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object") return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** [dotted key, value] for every leaf; arrays, typed arrays and empty objects stay whole. */
export function resultFields(result: Record<string, unknown>, prefix = ""): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(result)) {
    if (isPlainObject(v) && Object.keys(v).length > 0) out.push(...resultFields(v, `${prefix}${k}.`));
    else out.push([prefix + k, v]);
  }
  return out;
}

/** Whether `text` reads as a field's dotted path (`mbPerSec`, `cached.process.timePs`): names
 *  without blanks, joined by single dots. */
export function isFieldPath(text: unknown): text is string {
  return typeof text === "string" && /^[^.\s]+(\.[^.\s]+)*$/.test(text);
}

/** The value at a dotted path in a result (`cached.totalPs`), undefined where it has none. */
export function resultFieldAt(result: unknown, path: string): unknown {
  let v = result;
  for (const k of path.split(".")) {
    if (typeof v !== "object" || v === null || !Object.hasOwn(v, k)) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}
