// A <select>'s choice, or a group of checkboxes' choices, from the address (?board=…, ?kind=…,
// ?buffers=coherent,pool). A value the page does not offer is offered (and chosen), so that the
// library refuses it by name instead of the page quietly running another.

export function choose(select, value) {
  if (![...select.options].some((o) => o.value === value)) select.add(new Option(value, value));
  select.value = value;
}

/** Checks the boxes of `fieldset` whose values are in `values` and unchecks the others; a value
 *  with no box gets one, named as the group's boxes are. */
export function chooseBoxes(fieldset, values) {
  const boxes = () => [...fieldset.querySelectorAll("input[type=checkbox]")];
  const name = boxes()[0]?.name ?? fieldset.id;
  for (const value of values) {
    if (boxes().some((i) => i.value === value)) continue;
    const label = document.createElement("label");
    label.append(Object.assign(document.createElement("input"), { type: "checkbox", name, value }), ` ${value}`);
    fieldset.append(label);
  }
  for (const input of boxes()) input.checked = values.includes(input.value);
}
