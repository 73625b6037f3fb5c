// The built-in boards as a <select>'s options or a group's checkboxes, each titled with the
// board's description (the Demo view's board, the Bugs view's after its "the kind's own" choice;
// the Sweep view's boxes, several of which compare boards).
import { BOARDS } from "../../dist/browser/dmasim.js";

/** Adds one option per board; `selected` names the one chosen at load, if any. */
export function addBoards(select, selected) {
  for (const [name, board] of Object.entries(BOARDS)) {
    const option = new Option(name, name, name === selected, name === selected);
    option.title = board.description;
    select.add(option);
  }
}

/** Adds one checkbox per board to `fieldset`, `checked` checked at load. */
export function addBoardBoxes(fieldset, checked) {
  for (const [name, board] of Object.entries(BOARDS)) {
    const box = Object.assign(document.createElement("input"), { type: "checkbox", name: "board", value: name, checked: name === checked, defaultChecked: name === checked });
    const label = document.createElement("label");
    label.title = board.description;
    label.append(box, ` ${name}`);
    fieldset.append(label);
  }
}
