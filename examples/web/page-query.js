// The page's address as all of its views' forms: the view shown (view=), that view's fields by
// their own names (?view=bugs&kind=dma-ranges, the links each view has always read), and every
// other view's fields under its view's name (demo.board=arm64-ref, sweep.sizes=8K,16K). A
// reload, or a copied link, then opens every view as it was left, not only the one shown; the
// shown view's fields stay where an old link or a lecturer's hand-written one puts them. Each
// view's fields are its form-query.js query (only what differs from the page's own choices).

/** `demo.` for the Demo view's fields while another view is shown. */
const prefixOf = (view) => `${view}.`;

/** The address's query: `view=shown`, the shown view's fields, then each other view's under its
 *  prefix. `queries`: each view's fields, by view name, in the page's order. */
export function pageQuery(shown, queries) {
  const q = new URLSearchParams([["view", shown], ...queries[shown]]);
  for (const [view, fields] of Object.entries(queries)) {
    if (view === shown) continue;
    for (const [key, value] of fields) q.append(prefixOf(view) + key, value);
  }
  return q;
}

/** The fields of `view` in `query`, as its applyQuery reads them: those under its prefix, and
 *  for the view shown its unprefixed ones too, which win (a link from before the prefixes). */
export function viewQuery(query, view, shown) {
  const q = new URLSearchParams();
  for (const [key, value] of query) if (key.startsWith(prefixOf(view))) q.set(key.slice(prefixOf(view).length), value);
  if (view === shown) for (const [key, value] of query) if (!key.includes(".")) q.set(key, value);
  return q;
}

/** The keys of `query` that no view reads, grouped by the view they were meant for: `prefix` ""
 *  for the shown view's own keys (and any key under no view's prefix), `bugs.` for those under
 *  a view's prefix. `keysOf`: each view's QUERY_KEYS, by view name. `view` and `auto` (the
 *  shown view's run at load) are the page's. */
export function ignoredKeys(query, shown, keysOf) {
  const groups = [];
  for (const key of new Set(query.keys())) {
    const view = Object.keys(keysOf).find((v) => key.startsWith(prefixOf(v)));
    const read = view ? keysOf[view].includes(key.slice(prefixOf(view).length)) : ["view", "auto", ...keysOf[shown]].includes(key);
    if (read) continue;
    const prefix = view ? prefixOf(view) : "";
    let group = groups.find((g) => g.prefix === prefix);
    if (!group) groups.push((group = { view: view ?? shown, prefix, keys: [] }));
    group.keys.push(key);
  }
  return groups;
}
