// What a synchronous call threw, for tests that look at the error's fields, not only its message.

/** The value `call` threw, or undefined when it returned. */
export function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  return undefined;
}
