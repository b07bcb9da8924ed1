/**
 * The OpenAPI 3.1 description of the admin API, served at `/admin/api/openapi.json`. Hand-kept
 * next to ADMIN-API.md; a test fails when a registered route is missing here.
 */

type Method = "get" | "post" | "patch" | "delete";
interface Route {
  method: Method;
  path: string;
  summary: string;
  /** Who may call it. @default "admin" */
  auth?: "admin" | "none" | "page";
  body?: string;
  responses?: Record<string, string>;
}

const ROUTES: Route[] = [
  {
    method: "post",
    path: "/admin/api/login",
    summary:
      "Sign in with the admin password; sets the keyhive_session cookie (5 attempts/min per client address, 50 across all, then 429).",
    auth: "none",
    body: "{password}",
    responses: { "200": "{ok, expiresAt}", "401": "wrong password", "429": "too many attempts" },
  },
  {
    method: "post",
    path: "/admin/api/logout",
    summary: "Revoke the session (on every instance) and clear its cookie.",
    auth: "none",
    responses: { "204": "signed out" },
  },
  {
    method: "get",
    path: "/admin/api/session",
    summary: "The current admin session.",
    responses: { "200": "{authenticated, role, via, expiresAt, passwordManagedByEnvironment}" },
  },
  {
    method: "post",
    path: "/admin/api/password",
    summary: "Change the admin password (≥ 12 chars); other sessions end.",
    body: "{current, next}",
    responses: {
      "204": "changed",
      "403": "current password wrong",
      "409": "password managed by the environment (KEYHIVE_ADMIN_PASSWORD)",
    },
  },
  { method: "get", path: "/admin/api/openapi.json", summary: "This document.", auth: "none" },
  { method: "get", path: "/admin/api/admin-tokens", summary: "List admin tokens (masked)." },
  {
    method: "post",
    path: "/admin/api/admin-tokens",
    summary: "Create an admin token (shown once).",
    body: "{name}",
    responses: { "201": "{token, record}" },
  },
  {
    method: "delete",
    path: "/admin/api/admin-tokens/{id}",
    summary: "Revoke an admin token.",
    responses: { "204": "revoked" },
  },
  {
    method: "post",
    path: "/admin/api/keys",
    summary: "Add keys in bulk (≤ 10,000; body ≤ 2 MiB); optional check job.",
    body: "{provider, keys, baseURL?, tags?, weight?, check?}",
    responses: { "201": "{added, duplicates, rejected, check?}", "200": "nothing new" },
  },
  {
    method: "get",
    path: "/admin/api/keys",
    summary: "List keys: filter, sort, page (masked).",
    responses: { "200": "{data, total, page, pageSize}" },
  },
  {
    method: "delete",
    path: "/admin/api/keys",
    summary: "Delete keys by ids or filter.",
    body: "{ids?, filter?}",
    responses: { "200": "{deleted}" },
  },
  {
    method: "post",
    path: "/admin/api/keys/bulk",
    summary: "Enable, disable or delete keys by ids or filter.",
    body: "{action, ids?, filter?}",
    responses: { "200": "{affected}" },
  },
  { method: "get", path: "/admin/api/keys/{id}", summary: "One key (masked)." },
  {
    method: "patch",
    path: "/admin/api/keys/{id}",
    summary: "Change a key: disabled, weight, tags, baseURL.",
    body: "{disabled?, weight?, tags?, baseURL?}",
  },
  { method: "delete", path: "/admin/api/keys/{id}", summary: "Delete one key.", responses: { "204": "deleted" } },
  { method: "get", path: "/admin/api/keys/{id}/secret", summary: "The full secret of one key (explicit)." },
  {
    method: "post",
    path: "/admin/api/checks",
    summary: "Start a batch check job.",
    body: "{ids?|filter?|all?, concurrency?, interval?, retries?, retryIntervalMs?}",
    responses: { "202": "{jobId, total}" },
  },
  { method: "get", path: "/admin/api/checks", summary: "Check jobs of this instance." },
  { method: "get", path: "/admin/api/checks/{jobId}", summary: "A job's progress." },
  {
    method: "get",
    path: "/admin/api/checks/{jobId}/events",
    summary: "Live progress (text/event-stream: progress, result, done).",
  },
  { method: "post", path: "/admin/api/checks/{jobId}/stop", summary: "Stop a job." },
  {
    method: "post",
    path: "/admin/api/checks/{jobId}/step",
    summary: "Run the next bounded chunk (Workers).",
    body: "{budget?: 1–40}",
  },
  {
    method: "get",
    path: "/admin/api/export",
    summary: "Export keys (keys, key-balance, csv, json); secrets only with reveal=true.",
  },
  { method: "get", path: "/admin/api/tokens", summary: "Client tokens with today's usage." },
  {
    method: "post",
    path: "/admin/api/tokens",
    summary: "Create a client token (shown once).",
    body: "{name, expiresAt?, models?, providers?, rpm?, dailyRequests?, dailyTokens?}",
    responses: { "201": "{token, record}" },
  },
  { method: "get", path: "/admin/api/tokens/{id}", summary: "One client token." },
  {
    method: "patch",
    path: "/admin/api/tokens/{id}",
    summary: "Change a client token's name or limits (null removes a limit).",
  },
  {
    method: "delete",
    path: "/admin/api/tokens/{id}",
    summary: "Revoke a client token.",
    responses: { "204": "revoked" },
  },
  { method: "get", path: "/admin/api/settings", summary: "Effective settings (no secrets)." },
  { method: "patch", path: "/admin/api/settings", summary: "Change settings (guestPassword as plaintext)." },
  {
    method: "get",
    path: "/admin/api/stats",
    summary: "Totals, balance figures, buckets, recent keys, today's requests.",
  },
  {
    method: "get",
    path: "/admin/api/stats/balance-trend",
    summary: "Total balance over time (period=all|7d|30d, filterOutliers).",
  },
  {
    method: "get",
    path: "/admin/api/stats/requests",
    summary: "Requests, errors and latency over time (period=24h|7d|30d).",
  },
  {
    method: "get",
    path: "/admin/api/stats/top-keys",
    summary: "Top-N keys by balance (filterOutliers caps at 2× p75).",
  },
  {
    method: "get",
    path: "/admin/api/backup",
    summary: "JSON lines of keys, tokens and settings (key secrets included; auth records only with includeAuth=true).",
  },
  {
    method: "post",
    path: "/admin/api/restore",
    summary:
      "Restore JSON lines (≤ 64 MiB), validated in full before any write; auth records only with includeAuth=true.",
    body: "JSON lines",
    responses: { "200": "{keys, duplicates, tokens, settings, skippedAuth}", "400": "bad line N: nothing written" },
  },
  {
    method: "get",
    path: "/public/api/info",
    summary: "Access mode and whether this visitor may see the key page.",
    auth: "none",
  },
  {
    method: "post",
    path: "/public/api/login",
    summary: "Guest sign-in (restricted mode); sets keyhive_guest.",
    auth: "none",
    body: "{password}",
  },
  { method: "post", path: "/public/api/logout", summary: "Guest sign-out (revokes the session).", auth: "none" },
  {
    method: "get",
    path: "/public/api/keys",
    summary: "Masked keys with balance and status (per access mode).",
    auth: "page",
  },
  { method: "get", path: "/metrics", summary: "Prometheus metrics (admin credentials or session).", auth: "admin" },
];

const errorSchema = {
  type: "object",
  properties: {
    error: {
      type: "object",
      properties: {
        message: { type: "string" },
        type: { type: "string" },
        code: { type: "string" },
        param: { type: ["string", "null"] },
      },
    },
  },
};

function operation(route: Route) {
  const security = route.auth === "none" || route.auth === "page" ? [] : [{ bearer: [] }, { session: [] }];
  const responses: Record<string, unknown> = {};
  for (const [status, description] of Object.entries(route.responses ?? { "200": "OK" })) {
    responses[status] = { description };
  }
  responses.default = { description: "OpenAI-style error", content: { "application/json": { schema: errorSchema } } };
  return {
    summary: route.summary,
    security,
    ...(route.body ? { requestBody: { description: route.body, required: true } } : {}),
    responses,
  };
}

export const openApiDocument = {
  openapi: "3.1.0",
  info: { title: "Keyhive admin API", version: "1.0.0", description: "See ADMIN-API.md in @keyhive/gateway." },
  components: {
    securitySchemes: {
      bearer: { type: "http", scheme: "bearer", description: "Admin password or admin token" },
      session: { type: "apiKey", in: "cookie", name: "keyhive_session" },
    },
  },
  paths: ROUTES.reduce<Record<string, Record<string, unknown>>>((paths, route) => {
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method] = operation(route);
    return paths;
  }, {}),
};
