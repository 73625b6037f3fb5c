// Every command README.md quotes, the demo `npm start` runs among them, prints what it says.
import { describeDocCommands } from "../helpers/doc-blocks.js";

describeDocCommands("README.md", { atLeast: 4 });
