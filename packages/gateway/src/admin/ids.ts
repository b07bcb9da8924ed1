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
  logs: "request",
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

/**
 * Where {@link validateIds} is mounted, one route per collection. One route with an alternation
 * (`/:collection{keys|tokens|…}/:id/*`) would be shorter, but Hono's RegExpRouter before 4.13
 * throws on it once the app is mounted in another (`app.route("/", gateway.app)`), failing
 * every request of the host app; plain segments work on every Hono 4 release we support.
 */
export const ID_ROUTES = Object.entries(ID_COLLECTIONS).map(([segment, what]) => ({
  path: `/${segment}/:id/*`,
  what,
}));

/**
 * Mount at each of {@link ID_ROUTES} of the admin API, after authentication (unauthenticated
 * callers learn nothing). The id is Hono's decoded path parameter, exactly what handlers receive.
 */
export function validateIds(what: string): MiddlewareHandler {
  return async (c, next) => {
    const id = c.req.param("id") ?? "";
    // `POST /keys/bulk` passes too: "bulk" is a well-formed name.
    if (!isRecordName(id)) throw invalidId(what, id);
    await next();
  };
}
