// `dmasim sweep … --columns FIELD[,FIELD…]`, repeatable: the result fields its table (and its
// --report's) shows after the swept parameters, an object's name (`cached`) standing for every
// figure in it. Their form is checked before the sweep runs; whether the results have them is
// known only after (sweepTableColumns).

import { has, UsageError, type ParsedArgs } from "./args.js";
import { isFieldPath } from "../sim/result-fields.js";

/** The fields --columns names, in order; undefined without it (every scalar field). */
export function columnsOption(a: ParsedArgs): string[] | undefined {
  const texts = a.flags.get("columns");
  if (texts === undefined) return undefined;
  if (has(a, "json") && !has(a, "report")) {
    throw new UsageError("--columns picks the table's columns, and --json prints no table (it has every field): give one or the other");
  }
  return texts.flatMap((text) => text.split(",").map((field) => {
    if (!isFieldPath(field)) throw new UsageError(`--columns takes result fields, FIELD[,FIELD…] (mbPerSec, or cached.totalPs for a nested one), not "${text}"`);
    return field;
  }));
}
