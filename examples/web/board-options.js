// The built-in boards as a <select>'s options, each titled with the board's description (the
// Demo and Sweep views' board, the Bugs view's after its "the kind's own" choice).
import { BOARDS } from "../../dist/browser/dmasim.js";

/** Adds one option per board; `selected` names the one chosen at load, if any. */
export function addBoards(select, selected) {
  for (const [name, board] of Object.entries(BOARDS)) {
    const option = new Option(name, name, name === selected, name === selected);
    option.title = board.description;
    select.add(option);
  }
}
