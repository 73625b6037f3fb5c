// A view's form as the address's query, the inverse of the view's applyQuery: what app.js writes
// into the address as the form is edited, so that a reload (or the link copied) opens the view
// with the same choices. Only the controls the user changed from the page's own values are
// written: the link stays short, and a default stays the page's.

/** The value a control had as the page loaded (a select's chosen option in the HTML or from
 *  addBoards, else its first). */
function initialValue(control) {
  if (control.tagName === "SELECT") return ([...control.options].find((o) => o.defaultSelected) ?? control.options[0])?.value;
  if (control.type === "checkbox") return control.defaultChecked;
  return control.defaultValue;
}

function currentValue(control) {
  return control.type === "checkbox" ? control.checked : control.value;
}

/** Whether the control holds something else than it did at load. */
export function changed(control) {
  return currentValue(control) !== initialValue(control);
}

/** Puts `control`'s value into `query` as `key` when the user changed it. */
export function setIfChanged(query, key, control) {
  if (changed(control)) query.set(key, control.value);
}
