/**
 * One check for every admin route with an id in its path (`/keys/:id`, `/tokens/:id`,
 * `/admin-tokens/:id`, `/checks/:id`): a malformed id is a 400 before any handler or storage
 * call runs; a well-formed id nobody has is the handler's 404.
 */
import type { MiddlewareHandler } from "hono";
import { errors } from "../spec/errors.js";
import { isRecordName } from "../spec/storage.js";

/** Path segments whose next segment is an id, and what the id names. */
export const ID_COLLECTIONS = {
  keys: "key",
  tokens: "token",
  "admin-tokens": "admin token",
  checks: "check job",
} as const;

/** `..%2Fx`-style ids arrive decoded; show them escaped, and never at length. */
export function quoteId(id: string): string {
  const shown = id.length > 80 ? `${id.slice(0, 80)}…` : id;
  return JSON.stringify(shown);
}

/** The 400 for an id that can never name a record. */
export function invalidId(what: string, id: string) {
  return errors.badRequest(
    `Invalid ${what} id ${quoteId(id)}: ids are 1–256 characters of letters, digits, '.', '_' and '-', not starting with '.'.`,
    "id",
  );
}

/** Where {@link validateIds} is mounted: the id is the segment after a collection. */
export const ID_ROUTE = `/:collection{${Object.keys(ID_COLLECTIONS).join("|")}}/:id/*`;

/**
 * Mount at {@link ID_ROUTE} of the admin API, after authentication (unauthenticated callers
 * learn nothing). The id is Hono's decoded path parameter, exactly what the handlers receive.
 */
export function validateIds(): MiddlewareHandler {
  return async (c, next) => {
    const collection = c.req.param("collection") as keyof typeof ID_COLLECTIONS;
    const id = c.req.param("id") ?? "";
    // `POST /keys/bulk` passes too: "bulk" is a well-formed name.
    if (!isRecordName(id)) throw invalidId(ID_COLLECTIONS[collection], id);
    await next();
  };
}
