// Half 1 of the bounded PL330 fuzz run (test/helpers/pl330-fuzz-half.ts says what it checks).

import { pl330FuzzHalf } from "../helpers/pl330-fuzz-half.js";

pl330FuzzHalf(1);
