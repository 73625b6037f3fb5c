// A result printed as `dmasim run` prints it (its heading, then formatResult: a key column, then the value), shown
// one field per line with the value's continuation lines indented under the value: a bug's
// symptom runs to several hundred characters, and in a <pre> that does not wrap its end — the
// half that says why — was past the page's right edge. The text itself is unchanged (the
// element's textContent is the view's text: the CLI's output, its advice in the form's words),
// so a student can copy it as the view gives it.

/** Puts `text` into `pre`, one block per line, wrapped with a hanging indent at the value column. */
export function showFields(pre, text) {
  const lines = text.split("\n");
  // formatResult pads every key to the longest one and puts two spaces after it; the heading
  // above the fields (`dmasim run: …`) has single spaces.
  const valueColumn = lines.map((line) => /^\S+ {2,}/.exec(line)?.[0].length).find((n) => n !== undefined) ?? 0;
  pre.style.setProperty("--value-column", `${valueColumn}ch`);
  pre.replaceChildren(...lines.map((line, i) => {
    const span = document.createElement("span");
    span.className = "field";
    span.textContent = i < lines.length - 1 ? `${line}\n` : line;
    return span;
  }));
}
