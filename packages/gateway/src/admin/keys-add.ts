/** Batch add of keys: split the paste, validate each key by its provider, store, maybe check. */
import type * as z from "zod/mini";
import type { KeyPool } from "../pool/key-pool.js";
import { newKeyRecord, splitKeys } from "../pool/new-key.js";
import { errors } from "../spec/errors.js";
import type { Provider } from "../spec/provider.js";
import type { KeyRecord, Storage } from "../spec/storage.js";
import { maskSecret } from "../util/mask.js";
import type { CheckJobs } from "./check-jobs.js";
import { checkSettingsSchema } from "./schemas/checks.js";
import { type addKeysBody, type addKeysResult, MAX_KEYS_PER_CALL } from "./schemas/keys.js";

export interface AddKeysDeps {
  storage: Storage;
  pool: KeyPool;
  providers: ReadonlyMap<string, Provider>;
  jobs?: CheckJobs;
}

/** The distinct secrets of a paste (text splits on whitespace, commas, semicolons). */
function secretsOf(keys: string | string[]): string[] {
  const pasted = Array.isArray(keys) ? keys.map((k) => k.trim()).filter(Boolean) : splitKeys(keys);
  const secrets = [...new Set(pasted)];
  if (secrets.length > MAX_KEYS_PER_CALL) {
    throw errors.badRequest(`At most ${MAX_KEYS_PER_CALL} keys per call (got ${secrets.length}).`, "keys");
  }
  if (secrets.length === 0) throw errors.badRequest("No keys found in 'keys'.", "keys");
  return secrets;
}

/** Adds the keys of one request; `created` is whether any key was new (201 rather than 200). */
export async function addKeys(
  deps: AddKeysDeps,
  input: z.output<typeof addKeysBody>,
  at: number,
): Promise<{ result: z.output<typeof addKeysResult>; created: boolean }> {
  const provider = deps.providers.get(input.provider);
  if (!provider) {
    throw errors.badRequest(
      `Unknown provider '${input.provider}'; known: ${[...deps.providers.keys()].join(", ")}.`,
      "provider",
    );
  }
  const rejected: { key: string; reason: string }[] = [];
  const records: KeyRecord[] = [];
  for (const secret of secretsOf(input.keys)) {
    const verdict = provider.validateKeyFormat(secret);
    if (!verdict.ok) rejected.push({ key: maskSecret(secret), reason: verdict.reason });
    else {
      const { baseURL, tags, weight } = input;
      records.push(await newKeyRecord({ provider: provider.id, secret, baseURL, tags, weight }, at));
    }
  }
  const stored = records.length > 0 ? await deps.storage.keys.add(records) : { added: [], duplicates: [] };
  const addedSet = new Set(stored.added);
  deps.pool.upsertLocal(records.filter((r) => addedSet.has(r.id)));
  const byId = new Map(records.map((r) => [r.id, r]));
  const describe = (id: string) => ({ id, key: maskSecret(byId.get(id)?.secret ?? "") });
  let check: { jobId: string; total: number } | undefined;
  if (input.check && deps.jobs && stored.added.length > 0) {
    const options = typeof input.check === "object" ? input.check : {};
    const job = await deps.jobs.start(stored.added, checkSettingsSchema.parse(options));
    check = { jobId: job.id, total: job.total };
  }
  const result = {
    added: stored.added.map(describe),
    duplicates: stored.duplicates.map(describe),
    rejected,
    ...(check ? { check } : {}),
  };
  return { result, created: stored.added.length > 0 };
}
