// Every command docs/debugging-a-driver.md quotes prints what the guide says it prints.
import { describeDocCommands } from "../helpers/doc-blocks.js";

describeDocCommands("docs/debugging-a-driver.md", { atLeast: 15 });
