import type { KeyRecord } from "../spec/storage.js";
import { sha256Hex } from "../util/crypto.js";

export interface NewKeyInput {
  provider: string;
  secret: string;
  baseURL?: string;
  tags?: string[];
  weight?: number;
}

/** The id of a key: (provider, key hash) is its identity, so re-adding a key is a no-op. */
export function keyId(provider: string, hash: string): string {
  return `${provider}-${hash.slice(0, 20)}`;
}

/** A fresh record for a key nobody has checked yet: active until the upstream says otherwise. */
export async function newKeyRecord(input: NewKeyInput, now: number): Promise<KeyRecord> {
  const hash = await sha256Hex(input.secret);
  return {
    id: keyId(input.provider, hash),
    provider: input.provider,
    secret: input.secret,
    hash,
    baseURL: input.baseURL,
    tags: input.tags ?? [],
    weight: input.weight ?? 1,
    status: "active",
    statusReason: "added",
    statusChangedAt: now,
    consecutiveFailures: 0,
    addedAt: now,
    updatedAt: now,
  };
}

/** Splits pasted text into keys on any run of whitespace, commas or semicolons. */
export function splitKeys(text: string): string[] {
  return text.split(/[\s,;]+/).filter(Boolean);
}
