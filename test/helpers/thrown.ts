// What a call throws, for tests that look at the error's fields (errno, message) and not only
// its message. A call that throws nothing fails the test.

export function thrown<E = Error>(f: () => unknown): E {
  try {
    f();
  } catch (e) {
    return e as E;
  }
  throw new Error("nothing thrown");
}
