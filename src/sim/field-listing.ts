// The fields a sweep's rows have, as a refusal of a column lists them for a person at a terminal:
// cpu-process's results have about a hundred, which on one line read as a wall of text. The
// top-level figures lead on a line of their own, then each object's figures (`cached.…`) on
// theirs, wrapped so that no line is wider than a terminal commonly is.

const WIDTH = 100;
const INDENT = "  ";
const CONTINUED = "    ";

/** `paths` (dotted, in the order the rows hold them) grouped by their top-level name: first the
 *  top-level figures, then one group per object in the order the rows hold them. Each group
 *  starts a line indented by two spaces, its paths joined by ", ", continued on lines indented by
 *  four once the next (and its comma) would pass 100 characters. "" for no paths. */
export function fieldListing(paths: readonly string[]): string {
  const topLevel: string[] = [];
  const objects = new Map<string, string[]>();
  for (const p of paths) {
    const dot = p.indexOf(".");
    if (dot < 0) topLevel.push(p);
    else objects.set(p.slice(0, dot), [...(objects.get(p.slice(0, dot)) ?? []), p]);
  }
  return [topLevel, ...objects.values()].filter((g) => g.length > 0).map(wrappedGroup).join("\n");
}

function wrappedGroup(paths: readonly string[]): string {
  const lines = [INDENT + paths[0]];
  for (const p of paths.slice(1)) {
    const last = lines.length - 1;
    // Room kept for the "," a line ends with when the group goes on past it.
    if (`${lines[last]}, ${p},`.length <= WIDTH) lines[last] += `, ${p}`;
    else {
      lines[last] += ",";
      lines.push(CONTINUED + p);
    }
  }
  return lines.join("\n");
}
