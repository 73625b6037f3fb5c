// DescList keeps a list_head's order through removals from the front and from the middle;
// the expected orders come from a plain array filtered in the test.
import { describe, expect, it } from "vitest";
import { DescList } from "../../../src/drivers/pl330/desc-list.js";
import { Pl330Desc } from "../../../src/drivers/pl330/desc.js";

function descs(n: number): Pl330Desc[] {
  return Array.from({ length: n }, (_, i) => Object.assign(new Pl330Desc(), { cookie: i + 2 }));
}

describe("DescList", () => {
  it("take removes the first max matches in order and keeps the others in order", () => {
    const all = descs(10);
    const list = new DescList();
    for (const d of all) list.push(d);
    const odd = (d: Pl330Desc) => d.cookie % 2 === 1;
    expect(list.take(3, odd).map((d) => d.cookie)).toEqual([3, 5, 7]);
    expect([...list].map((d) => d.cookie)).toEqual([2, 4, 6, 8, 9, 10, 11]);
    expect(list.length).toBe(7);
    expect(list.shift()?.cookie).toBe(2);
    expect(list.takeAll().map((d) => d.cookie)).toEqual([4, 6, 8, 9, 10, 11]);
    expect(list.length).toBe(0);
    expect(list.shift()).toBeUndefined();
  });

  it("stays in order across thousands of removals from the front and tail appends", () => {
    const all = descs(5000);
    const list = new DescList();
    const ref: Pl330Desc[] = [];
    const staged = new DescList();
    for (const d of all.slice(0, 3000)) { list.push(d); ref.push(d); }
    for (let i = 0; i < 2500; i++) {
      const got = i % 2 ? list.shift() : list.take(1, () => true)[0];
      expect(got).toBe(ref.shift());
    }
    for (const d of all.slice(3000)) { staged.push(d); ref.push(d); }
    list.spliceTail(staged);
    expect(staged.length).toBe(0);
    expect([...list]).toEqual(ref);
  });
});
