// A scenario parameter's value from its text, as `--param k=v` gives it: the browser page's
// parameter fields read it the same way, so a value means the same to a scenario module in
// both (`dmesg=0` is the number 0, false to a module's `if (params.dmesg)`, not the string "0").

export function paramValue(text: string): string | number | boolean {
  if (text === "true" || text === "false") return text === "true";
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}
