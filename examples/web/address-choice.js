// A <select>'s choice from the address (?board=…, ?kind=…). A value the page does not offer is
// offered (and chosen), so that the library refuses it by name instead of the page quietly
// running another.

export function choose(select, value) {
  if (![...select.options].some((o) => o.value === value)) select.add(new Option(value, value));
  select.value = value;
}
