/** Well-formed test keys: `AIza` + 35 characters, one per behaviour of the mock. */
export const geminiKey = (tag: string) => `AIzaSy${tag.padEnd(33, "x").slice(0, 33)}`;

export const GEMINI_KEYS = {
  ok: geminiKey("Ok0000"),
  ok2: geminiKey("Ok2222"),
  invalid: geminiKey("Invalid"),
  denied: geminiKey("Denied"),
  minute: geminiKey("Minute"),
  day: geminiKey("Day"),
  overloaded: geminiKey("Overloaded"),
};
