// A view's form as the address's query, the inverse of the view's applyQuery: what app.js writes
// into the address as the form is edited, so that a reload (or the link copied) opens the view
// with the same choices. Only the controls the user changed from the page's own values are
// written: the link stays short, and a default stays the page's. A group of checkboxes (a
// <fieldset>: the Sweep's buffers, boards, kernels) is one control, its value the checked boxes'
// values as a comma list.

const boxesOf = (fieldset) => [...fieldset.querySelectorAll("input[type=checkbox]")];

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

/** Whether the control (or a box of the group) holds something else than it did at load. */
export function changed(control) {
  if (control.tagName === "FIELDSET") return boxesOf(control).some(changed);
  return currentValue(control) !== initialValue(control);
}

/** A group's checked values (`coherent,pool`), another control's value. */
function queryValue(control) {
  if (control.tagName === "FIELDSET") return boxesOf(control).filter((b) => b.checked).map((b) => b.value).join(",");
  return control.value;
}

/** Puts `control`'s value into `query` as `key` when the user changed it. */
export function setIfChanged(query, key, control) {
  if (changed(control)) query.set(key, queryValue(control));
}
