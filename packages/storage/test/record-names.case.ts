/**
 * Unsafe record names on a real driver: `testRecordNames({ name, create })` checks that every
 * store method taking an id or a name refuses them with `InvalidRecordNameError` and writes
 * nothing. Workerd-safe (no Node APIs), so the KV and D1 tests run it too.
 */
import { InvalidRecordNameError, newKeyRecord, type Storage } from "@keyhive/gateway";
import { describe, expect, it } from "vitest";

const UNSAFE = ["../settings/auth.sessionSecret", "a:b", "a/b", "a\\b", "abc\0", ".hidden", "a?b", "", "x".repeat(257)];

export function testRecordNames({ name, create }: { name: string; create: () => Promise<Storage> | Storage }): void {
  describe(`Record names: ${name}`, () => {
    it("refuses unsafe ids and setting names with InvalidRecordNameError, writing nothing", async () => {
      const storage = await create();
      const revision = await storage.revision();
      const key = await newKeyRecord({ provider: "openai", secret: "sk-record-names-0001" }, 1);
      const token = { id: "", name: "t", hash: "ab".repeat(32), hint: "kh-ab…", createdAt: 1 };
      for (const bad of UNSAFE) {
        const calls: [string, () => Promise<unknown>][] = [
          ["keys.get", () => storage.keys.get(bad)],
          ["keys.add", () => storage.keys.add([key, { ...key, id: bad }])],
          ["keys.put", () => storage.keys.put({ ...key, id: bad })],
          ["keys.patch", () => storage.keys.patch(bad, { weight: 2 })],
          ["keys.delete", () => storage.keys.delete([bad])],
          ["tokens.get", () => storage.tokens.get(bad)],
          ["tokens.put", () => storage.tokens.put({ ...token, id: bad })],
          ["tokens.delete", () => storage.tokens.delete(bad)],
          ["settings.get", () => storage.settings.get(bad)],
          ["settings.set", () => storage.settings.set(bad, 1)],
        ];
        for (const [label, call] of calls) {
          const error = await call().then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(InvalidRecordNameError.isInstance(error), `${label}(${JSON.stringify(bad)})`).toBe(true);
        }
      }
      // A batch with one bad id is refused whole: the good key was not added either.
      expect(await storage.keys.count()).toBe(0);
      expect(await storage.tokens.list()).toEqual([]);
      expect(await storage.revision()).toBe(revision);
    });
  });
}
