/**
 * Bulk writes a client can ask about. With an `Idempotency-Key` header, an add or delete of many
 * keys is written in chunks of {@link BULK_CHUNK}, and its progress is a small record
 * (`job.bulk.<sha256 of the key>`) that any instance can read — so a client whose connection
 * broke mid-request can ask what happened (`GET /admin/api/jobs/bulk/{id}`) or simply retry:
 * every step is idempotent by key, so a retry with the same key and body resumes where the
 * writes stopped, and once the job is done it replays the answer without writing again.
 */
import { errors } from "../spec/errors.js";
import type { Storage } from "../spec/storage.js";
import { sha256Hex } from "../util/crypto.js";

/** Keys written (or deleted) per storage call; the job record moves after each chunk. */
export const BULK_CHUNK = 500;
/** A running job whose record has not moved for this long died with its instance. */
export const BULK_STALE_AFTER_MS = 30_000;
/** Finished job records are pruned after a day (where storage can delete). */
export const BULK_KEEP_MS = 24 * 60 * 60 * 1000;

export type BulkKind = "keys.add" | "keys.delete" | "keys.bulk";

export interface BulkJobRecord {
  /** The client's `Idempotency-Key`. */
  id: string;
  kind: BulkKind;
  /** sha256 of method, path and body: a retry must send the same request. */
  requestHash: string;
  state: "running" | "done" | "failed";
  /** Keys the request writes (valid keys to add; selected keys to delete or change). */
  total: number;
  /** Keys written so far (all attempts). */
  done: number;
  attempts: number;
  startedAt: number;
  updatedAt: number;
  finishedAt?: number;
  /** keys.add: bit i set = the i-th valid key of the request was stored by this job (base64). */
  addedBits?: string;
  /** keys.delete / keys.bulk: records the job deleted or changed. */
  affected?: number;
  /** HTTP status of the final answer. */
  status?: number;
  checkJob?: { jobId: string; total: number };
  error?: string;
}

/** `Idempotency-Key` values: printable ASCII, 1–255 characters (as in the IETF draft's examples). */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** The request's `Idempotency-Key`, or undefined; a malformed one is a 400, never ignored. */
export const isIdempotencyKey = (value: string) => KEY_PATTERN.test(value);

export function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const key = header.trim();
  if (!isIdempotencyKey(key)) {
    throw errors.badRequest(
      "The Idempotency-Key header must be 1–255 printable ASCII characters without spaces.",
      "Idempotency-Key",
    );
  }
  return key;
}

const recordName = async (id: string) => `job.bulk.${(await sha256Hex(id)).slice(0, 40)}`;

/** An add resends the same keys; a delete or change selects what is left, after what was done. */
function resumedTotal(found: BulkJobRecord, total: number): number {
  return found.kind === "keys.add" ? total : (found.affected ?? 0) + total;
}

export function isStale(record: BulkJobRecord, now: number): boolean {
  return record.state === "running" && now - record.updatedAt > BULK_STALE_AFTER_MS;
}

/** What `GET /admin/api/jobs/bulk/{id}` shows: `interrupted` is a running job nobody moves. */
export function bulkJobView(record: BulkJobRecord, now: number) {
  const { requestHash: _hash, addedBits, ...rest } = record;
  return {
    ...rest,
    state: isStale(record, now) ? ("interrupted" as const) : record.state,
    ...(addedBits !== undefined ? { added: countBits(addedBits) } : {}),
  };
}

function countBits(base64: string): number {
  let count = 0;
  for (const byte of decodeBits(base64)) for (let b = byte; b; b &= b - 1) count++;
  return count;
}

export function decodeBits(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

export function encodeBits(bits: Uint8Array): string {
  let text = "";
  for (const byte of bits) text += String.fromCharCode(byte);
  return btoa(text);
}

function runningConflict(id: string, found?: BulkJobRecord) {
  const progress = found ? ` (${found.done} of ${found.total})` : "";
  return errors.conflict(
    `The job of Idempotency-Key '${id}' is still running${progress}; see GET /admin/api/jobs/bulk/{id}.`,
    "job_running",
  );
}

/** How a request with an `Idempotency-Key` goes on: run it (first or resumed attempt), or replay. */
export type BulkStart = { replay: false; job: BulkJob } | { replay: true; record: BulkJobRecord };

export class BulkJobs {
  /** Jobs this instance is running now: a second request for one is refused however fresh. */
  private readonly running = new Set<string>();

  constructor(
    private readonly storage: Storage,
    readonly now: () => number,
  ) {}

  async get(id: string): Promise<BulkJobRecord | undefined> {
    return this.storage.settings.get<BulkJobRecord>(await recordName(id));
  }

  /** Starts, resumes or replays the job of `id`; refuses a reused key and a job still running. */
  async start(id: string, kind: BulkKind, requestHash: string, total: number, at: number): Promise<BulkStart> {
    const name = await recordName(id);
    // Claimed before the record is read, so concurrent requests with one key on this instance
    // cannot both see "no job yet" and both run it.
    if (this.running.has(name)) throw runningConflict(id);
    this.running.add(name);
    try {
      const started = await this.claimed(id, name, kind, requestHash, total, at);
      if (started.replay) this.running.delete(name);
      return started;
    } catch (error) {
      this.running.delete(name);
      throw error;
    }
  }

  /** `start` once this instance holds the name: reads the record and decides. */
  private async claimed(
    id: string,
    name: string,
    kind: BulkKind,
    requestHash: string,
    total: number,
    now: number, // the request's time, which new key records carry as `addedAt`
  ): Promise<BulkStart> {
    const found = await this.storage.settings.get<BulkJobRecord>(name);
    if (found && (found.requestHash !== requestHash || found.kind !== kind)) {
      throw errors.conflict(
        `Idempotency-Key '${id}' was used for a different request; use a new key for a new request.`,
        "idempotency_key_reused",
      );
    }
    if (found?.state === "done") return { replay: true, record: found };
    if (found?.state === "running" && !isStale(found, now)) throw runningConflict(id, found);
    const record: BulkJobRecord = found
      ? {
          ...found,
          state: "running",
          attempts: found.attempts + 1,
          updatedAt: now,
          error: undefined,
          total: resumedTotal(found, total),
        }
      : { id, kind, requestHash, state: "running", total, done: 0, attempts: 1, startedAt: now, updatedAt: now };
    await this.storage.settings.set(name, record);
    if (!found) this.prune(now).catch(() => {}); // best effort: old records are a few hundred bytes
    return { replay: false, job: new BulkJob(record, name, this) };
  }

  /** @internal */
  async save(name: string, record: BulkJobRecord, finished: boolean): Promise<void> {
    try {
      await this.storage.settings.set(name, { ...record, updatedAt: this.now() });
    } finally {
      if (finished) this.running.delete(name);
    }
  }

  /** Deletes finished job records older than {@link BULK_KEEP_MS}. */
  private async prune(now: number): Promise<void> {
    const remove = this.storage.settings.delete?.bind(this.storage.settings);
    if (!remove) return;
    for (const [name, value] of Object.entries(await this.storage.settings.all())) {
      const record = value as Partial<BulkJobRecord> | null;
      if (!name.startsWith("job.bulk.") || !record) continue;
      const last = record.finishedAt ?? record.updatedAt ?? 0;
      if (now - last > BULK_KEEP_MS) await remove(name);
    }
  }
}

/** One attempt of a job: records progress after each chunk and the final answer. */
export class BulkJob {
  private readonly bits: Uint8Array;

  constructor(
    readonly record: BulkJobRecord,
    private readonly name: string,
    private readonly jobs: BulkJobs,
  ) {
    const size = Math.ceil(record.total / 8);
    const previous = record.addedBits ? decodeBits(record.addedBits) : new Uint8Array(0);
    this.bits = new Uint8Array(size);
    this.bits.set(previous.subarray(0, size));
  }

  /** True when an earlier attempt (or this one) stored the i-th valid key. */
  wasAdded(index: number): boolean {
    return ((this.bits[index >> 3] ?? 0) & (1 << (index & 7))) !== 0;
  }

  markAdded(index: number): void {
    const at = index >> 3;
    this.bits[at] = (this.bits[at] ?? 0) | (1 << (index & 7));
  }

  /** After a chunk: `done` keys of the request are written, `affected` (delete/bulk) so far. */
  async progress(done: number, affected?: number): Promise<void> {
    this.update({ done, affected });
    await this.jobs.save(this.name, this.record, false);
  }

  async finish(status: number, extra: Pick<BulkJobRecord, "affected" | "checkJob"> = {}): Promise<void> {
    this.update({ ...extra, done: this.record.total });
    Object.assign(this.record, { state: "done", status, finishedAt: this.jobs.now() });
    await this.jobs.save(this.name, this.record, true);
  }

  /** The attempt failed (storage error): the record says so, and a retry resumes. */
  async fail(error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    Object.assign(this.record, { state: "failed", error: message.slice(0, 500) });
    await this.jobs.save(this.name, this.record, true).catch(() => {});
  }

  private update(change: Partial<BulkJobRecord>): void {
    Object.assign(this.record, change);
    if (this.record.kind === "keys.add") this.record.addedBits = encodeBits(this.bits);
  }
}
