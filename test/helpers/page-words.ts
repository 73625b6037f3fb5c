// What the browser page shows for `dmasim sweep`'s stdout: the line under the table naming the
// fields it leaves out says what the page offers for them (its chart field, by a figure's dotted
// path) instead of the CLI's --json; the rest is the CLI's text.

export const inPageWords = (stdout: string) =>
  stdout.replace(/^\(not in the table: (\w+)(.*); --json has them\)$/m, "(not in the table: $1$2; chart draws any figure in them, by its path: $1.…)");
