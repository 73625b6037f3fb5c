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
