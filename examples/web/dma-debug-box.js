// The DMA-API debug box of a view's System form (Demo, Bugs, Module): CONFIG_DMA_API_DEBUG, as
// the CLI's --dma-debug turns it on (createSystem({ dmaDebug: true })). Checked, it is
// dma-debug=1 in the address (app.js writes each view's query()), so a reload or a shared link
// keeps it; unchecked, the address leaves it out and the System is the view's own.

/** The address's parameter for the box, in each view's QUERY_KEYS. */
export const DMA_DEBUG_KEY = "dma-debug";

/** Adds the box, labelled "DMA-API debug", to `form` before its submit button; the box. */
export function addDmaDebugBox(form, id) {
  const box = Object.assign(document.createElement("input"), { type: "checkbox", id });
  const label = document.createElement("label");
  label.title = "CONFIG_DMA_API_DEBUG, as dmasim's --dma-debug: checks every DMA API call and reports with the kernel's texts";
  label.append(box, " DMA-API debug");
  form.querySelector("button[type=submit]").before(label, " ");
  return box;
}

/** `options` with DMA-API debug on when the box is checked (else as they are). */
export function withDmaDebug(options, box) {
  return box.checked ? { ...options, dmaDebug: true } : options;
}

/** The box as the address says (dma-debug=0 unchecks it); left as it is when the address is silent. */
export function applyDmaDebugQuery(q, box) {
  if (q.has(DMA_DEBUG_KEY)) box.checked = q.get(DMA_DEBUG_KEY) !== "0";
}

/** Puts dma-debug=1 into `q` when the box is checked. */
export function setDmaDebugQuery(q, box) {
  if (box.checked) q.set(DMA_DEBUG_KEY, "1");
}
