/**
 * Batch add of keys: split the paste, validate each key by its provider, store in chunks, maybe
 * check. With a bulk job (an `Idempotency-Key`), progress is recorded after every chunk and a
 * resumed attempt counts the keys an earlier attempt stored as added, not as duplicates.
 */
import type * as z from "zod/mini";
import type { KeyPool } from "../pool/key-pool.js";
import { newKeyRecord, splitKeys } from "../pool/new-key.js";
import { errors } from "../spec/errors.js";
import type { Provider } from "../spec/provider.js";
import type { AddKeysResult, KeyRecord, Storage } from "../spec/storage.js";
import { maskSecret } from "../util/mask.js";
import { BULK_CHUNK, type BulkJob, type BulkJobRecord, decodeBits } from "./bulk-jobs.js";
import type { CheckJobs } from "./check-jobs.js";
import { checkSettingsSchema } from "./schemas/checks.js";
import { type addKeysBody, type addKeysResult, MAX_KEYS_PER_CALL } from "./schemas/keys.js";

export interface AddKeysDeps {
  storage: Storage;
  pool: KeyPool;
  providers: ReadonlyMap<string, Provider>;
  jobs?: CheckJobs;
}

type AddKeysInput = z.output<typeof addKeysBody>;
type AddKeysAnswer = { result: z.output<typeof addKeysResult>; created: boolean };

/** A request's keys after validation: the records to store, in request order, and the rejects. */
export interface PreparedKeys {
  records: KeyRecord[];
  rejected: { key: string; reason: string }[];
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

/** Validates every key of the request by its provider; a bad key is rejected alone. */
export async function prepareKeys(deps: AddKeysDeps, input: AddKeysInput, at: number): Promise<PreparedKeys> {
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
  return { records, rejected };
}

/** Ids among `ids` whose stored record was added at or after `since` (by an earlier attempt). */
async function addedSince(storage: Storage, ids: string[], since: number): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const found = storage.keys.getMany
    ? await storage.keys.getMany(ids)
    : await Promise.all(ids.map((id) => storage.keys.get(id)));
  return new Set(found.filter((r): r is KeyRecord => !!r && r.addedAt >= since).map((r) => r.id));
}

/** Stores the records {@link BULK_CHUNK} at a time, applying each chunk to the pool at once. */
async function storeInChunks(deps: AddKeysDeps, records: KeyRecord[], job?: BulkJob): Promise<AddKeysResult> {
  const result: AddKeysResult = { added: [], duplicates: [] };
  for (let start = 0; start < records.length; start += BULK_CHUNK) {
    const chunk = records.slice(start, start + BULK_CHUNK);
    const stored = await deps.storage.keys.add(chunk);
    const fresh = new Set(stored.added);
    deps.pool.upsertLocal(chunk.filter((r) => fresh.has(r.id)));
    // A resumed job: keys the killed attempt stored (its last chunk was never recorded) are its own.
    const earlier =
      job && job.record.attempts > 1 ? await addedSince(deps.storage, stored.duplicates, job.record.startedAt) : fresh;
    chunk.forEach((record, i) => {
      const mine = fresh.has(record.id) || earlier.has(record.id) || job?.wasAdded(start + i);
      if (mine) job?.markAdded(start + i);
      (mine ? result.added : result.duplicates).push(record.id);
    });
    await job?.progress(start + chunk.length);
  }
  return result;
}

function answer(prepared: PreparedKeys, stored: AddKeysResult, check?: { jobId: string; total: number }) {
  const byId = new Map(prepared.records.map((r) => [r.id, r]));
  const describe = (id: string) => ({ id, key: maskSecret(byId.get(id)?.secret ?? "") });
  const result = {
    added: stored.added.map(describe),
    duplicates: stored.duplicates.map(describe),
    rejected: prepared.rejected,
    ...(check ? { check } : {}),
  };
  return { result, created: stored.added.length > 0 };
}

/** Stores prepared keys (recording progress in `job`, if any) and starts the check asked for. */
export async function storeKeys(
  deps: AddKeysDeps,
  input: AddKeysInput,
  prepared: PreparedKeys,
  job?: BulkJob,
): Promise<AddKeysAnswer> {
  const stored = await storeInChunks(deps, prepared.records, job);
  let check: { jobId: string; total: number } | undefined;
  if (input.check && deps.jobs && stored.added.length > 0) {
    const options = typeof input.check === "object" ? input.check : {};
    const started = await deps.jobs.start(stored.added, checkSettingsSchema.parse(options));
    check = { jobId: started.id, total: started.total };
  }
  return answer(prepared, stored, check);
}

/** The answer of a finished job, from its record: nothing is written again. */
export function replayAddKeys(prepared: PreparedKeys, record: BulkJobRecord): AddKeysAnswer {
  const bits = decodeBits(record.addedBits ?? "");
  const stored: AddKeysResult = { added: [], duplicates: [] };
  prepared.records.forEach((r, i) => {
    const added = ((bits[i >> 3] ?? 0) & (1 << (i & 7))) !== 0;
    (added ? stored.added : stored.duplicates).push(r.id);
  });
  return answer(prepared, stored, record.checkJob);
}

/** Adds the keys of one request; `created` is whether any key was new (201 rather than 200). */
export async function addKeys(deps: AddKeysDeps, input: AddKeysInput, at: number): Promise<AddKeysAnswer> {
  return storeKeys(deps, input, await prepareKeys(deps, input, at));
}
