/** Sign-in, the session, the admin password, admin tokens, this document and the metrics. */
import * as z from "zod/mini";
import { described, epochMs, listOf, password, signedIn } from "./common.js";
import { describeRoutes } from "./route-table.js";

export const loginBody = z.strictObject({ password: password() });

export const passwordBody = z.strictObject({
  current: password(),
  next: z.string().check(z.minLength(12, "must be at least 12 characters"), z.maxLength(1024)),
});

export const sessionView = z.strictObject({
  authenticated: z.literal(true),
  role: z.literal("admin"),
  via: z.enum(["cookie", "bearer"]),
  expiresAt: described(z.nullable(z.number()), "epoch ms; null for a bearer"),
  passwordManagedByEnvironment: z.boolean(),
});

export const adminTokenCreateBody = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
});

export const adminTokenView = z.strictObject({
  id: z.string(),
  name: z.string(),
  hint: described(z.string(), "masked token"),
  createdAt: epochMs(),
});

export const adminTokenCreated = z.strictObject({
  token: described(z.string(), "kha-…, shown once"),
  record: adminTokenView,
});

export const authRoutes = describeRoutes("Sign-in and admin tokens", [
  {
    method: "post",
    path: "/admin/api/login",
    summary: "Sign in with the admin password; sets the `keyhive_session` cookie.",
    description:
      "`Set-Cookie: keyhive_session=…; HttpOnly; SameSite=Strict; Path=/; Max-Age=…` (+ `Secure` when the browser reached the gateway over HTTPS: directly, through a trusted proxy's `X-Forwarded-Proto`, or at an https `publicURL`). Password guesses are throttled (see Login throttle).",
    auth: "none",
    body: loginBody,
    responses: {
      "200": { description: "signed in", schema: signedIn },
      "401": { description: "wrong password" },
      "429": { description: "too many attempts (`too_many_login_attempts`, `retry-after`)" },
    },
  },
  {
    method: "post",
    path: "/admin/api/logout",
    summary: "Revoke the session on every instance and clear its cookie.",
    description:
      "The cookie (and any copy of it) is refused from then on, on this instance at once and on every other instance within `refreshIntervalMs` (default 5 s; on Cloudflare KV add KV's propagation, up to ~60 s). Other sessions live on. A logout without a valid cookie is a 204 too; one with a foreign `Origin` is 403.",
    auth: "none",
    responses: { "204": { description: "signed out" } },
  },
  {
    method: "get",
    path: "/admin/api/session",
    summary: "The current admin session.",
    responses: { "200": { description: "the session", schema: sessionView }, "401": { description: "signed out" } },
  },
  {
    method: "post",
    path: "/admin/api/password",
    summary: "Change the admin password (12–1024 characters); every other session ends.",
    description:
      "The calling browser gets a fresh cookie. A wrong `current` is 403 `wrong_password` and counts as a password guess. When the password comes from the deployment's configuration (`KEYHIVE_ADMIN_PASSWORD`, `createGateway({ adminPassword })`) it is managed there: 409 `password_managed_by_environment` (the configuration would replace a changed password at the next start), and `/session` says `passwordManagedByEnvironment: true`.",
    body: passwordBody,
    responses: {
      "204": { description: "changed" },
      "403": { description: "the current password is wrong (`wrong_password`)" },
      "409": { description: "managed by the environment (`password_managed_by_environment`)" },
    },
  },
  {
    method: "get",
    path: "/admin/api/openapi.json",
    summary: "This OpenAPI 3.1 document.",
    auth: "none",
    responses: { "200": { description: "the document" } },
  },
  {
    method: "get",
    path: "/admin/api/admin-tokens",
    summary: "Admin tokens (masked).",
    responses: { "200": { description: "the tokens", schema: listOf(adminTokenView) } },
  },
  {
    method: "post",
    path: "/admin/api/admin-tokens",
    summary: "Create an admin token for scripts (shown once; at most 100).",
    body: adminTokenCreateBody,
    responses: { "201": { description: "created", schema: adminTokenCreated } },
  },
  {
    method: "delete",
    path: "/admin/api/admin-tokens/{id}",
    summary: "Revoke an admin token.",
    responses: { "204": { description: "revoked" }, "404": { description: "no such token" } },
  },
  {
    method: "get",
    path: "/metrics",
    summary: "Prometheus metrics of this instance (admin credentials or session).",
    description:
      "`keyhive_requests_total{provider,status}`, the `keyhive_request_duration_seconds` histogram (per provider, time to the end of the response) and `keyhive_keys{provider,status}` gauges; counters are per instance since start. A client token, scoped or not, gets 401 like any wrong admin credential and counts as a failed sign-in of its address. Give the scraper its own admin token (`POST /admin/api/admin-tokens`), e.g. in Prometheus `authorization: { credentials: kha-… }`.",
    responses: { "200": { description: "Prometheus text format", schema: z.string(), contentType: "text/plain" } },
  },
]);
