/**
 * `POST /admin/api/keys/import`: a key dump in one call. The dump is read by `parseImport`
 * (import-formats.ts), each key validated by its provider, the valid ones stored through
 * `addKeys` (keys-add.ts), the dump's balances set on the keys this call added, and a check job
 * started if asked for. The shapes are in `schemas/import.ts`.
 */
import { type Context, Hono } from "hono";
import type * as z from "zod/mini";
import { keyId } from "../pool/new-key.js";
import { errors } from "../spec/errors.js";
import type { Provider } from "../spec/provider.js";
import { sha256Hex } from "../util/crypto.js";
import { maskSecret } from "../util/mask.js";
import { type ImportFormat, type ImportReject, type ParsedImport, parseImport } from "./import-formats.js";
import { type AddKeysDeps, addKeys } from "./keys-add.js";
import { checkSettingsSchema } from "./schemas/checks.js";
import { importJsonBody, importQuery, type importResult } from "./schemas/import.js";
import { MAX_KEYS_PER_CALL } from "./schemas/keys.js";
import { readJson, readQuery } from "./validate.js";

export interface ImportRoutesDeps extends AddKeysDeps {
  now?: () => number;
}

type ImportResult = z.output<typeof importResult>;

/** One import request, whichever form it came in. */
interface ImportRequest {
  provider: string;
  format: ImportFormat;
  text: string;
  check?: boolean | Record<string, unknown>;
  tags?: string[];
  /** Where the dump was: the raw body, or the JSON form's `text`. */
  param: "body" | "text";
}

/** The JSON form when the body is JSON and the query names no provider; else the body is the dump. */
async function readImport(c: Context): Promise<ImportRequest> {
  const json = /^application\/json\b/i.test(c.req.header("content-type") ?? "");
  if (json && c.req.query("provider") === undefined) {
    return { ...(await readJson(c, importJsonBody)), param: "text" };
  }
  const query = readQuery(c, importQuery);
  return { ...query, text: await c.req.text(), param: "body" };
}

function providerOf(deps: ImportRoutesDeps, id: string): Provider {
  const provider = deps.providers.get(id);
  if (!provider) {
    throw errors.badRequest(`Unknown provider '${id}'; known: ${[...deps.providers.keys()].join(", ")}.`, "provider");
  }
  return provider;
}

const placeOf = (r: ImportReject) => ("line" in r ? `line ${r.line}` : `item ${r.item}`);

/** The dump read, or a 400 saying why there is nothing to import. */
function readDump(request: ImportRequest): ParsedImport {
  if (request.text.trim() === "") {
    const where = request.param === "body" ? "the request body" : "'text'";
    throw errors.badRequest(`The dump is empty: send the keys as ${where}.`, request.param);
  }
  const parsed = parseImport(request.text, request.format);
  if (parsed.keys.length === 0) {
    const first = parsed.rejected[0];
    const why = first ? ` ${parsed.rejected.length} rejected; first: ${placeOf(first)}: ${first.reason}.` : "";
    throw errors.badRequest(`No key could be read from the dump as '${parsed.format}'.${why}`, request.param);
  }
  if (parsed.keys.length > MAX_KEYS_PER_CALL) {
    throw errors.badRequest(
      `At most ${MAX_KEYS_PER_CALL} keys per call (the dump has ${parsed.keys.length}): split it.`,
      request.param,
    );
  }
  return parsed;
}

/** Sets the dump's balances on the keys this call added; returns how many were set. */
async function setBalances(deps: ImportRoutesDeps, added: Set<string>, balances: Map<string, number>) {
  let set = 0;
  for (const [id, balance] of balances) {
    if (added.has(id) && deps.pool.patch(id, { balance })) set++;
  }
  if (set > 0) await deps.pool.flushWrites();
  return set;
}

async function runImport(deps: ImportRoutesDeps, request: ImportRequest, at: number) {
  const provider = providerOf(deps, request.provider);
  const parsed = readDump(request);
  const rejected: ImportResult["rejected"] = [...parsed.rejected];
  const secrets: string[] = [];
  const balances = new Map<string, number>();
  for (const { secret, balance } of parsed.keys) {
    const verdict = provider.validateKeyFormat(secret);
    if (!verdict.ok) {
      rejected.push({ key: maskSecret(secret), reason: verdict.reason });
      continue;
    }
    secrets.push(secret);
    if (balance !== undefined) balances.set(keyId(provider.id, await sha256Hex(secret)), balance);
  }
  const result: ImportResult = { format: parsed.format, added: [], duplicates: [], rejected, balances: 0 };
  if (secrets.length === 0) return result;
  const stored = await addKeys(deps, { provider: provider.id, keys: secrets, tags: request.tags, check: false }, at);
  result.added = stored.result.added;
  result.duplicates = stored.result.duplicates;
  const addedIds = result.added.map((k) => k.id);
  result.balances = await setBalances(deps, new Set(addedIds), balances);
  if (request.check && deps.jobs && addedIds.length > 0) {
    const options = typeof request.check === "object" ? request.check : {};
    const job = await deps.jobs.start(addedIds, checkSettingsSchema.parse(options));
    result.check = { jobId: job.id, total: job.total };
  }
  return result;
}

export function importRoutes(deps: ImportRoutesDeps) {
  const now = deps.now ?? Date.now;
  const app = new Hono();
  app.post("/", async (c) => {
    const result = await runImport(deps, await readImport(c), now());
    return c.json(result, result.added.length > 0 ? 201 : 200);
  });
  return app;
}
