/**
 * The shape of one admin route's description. Every route of the admin surface is described
 * once, next to its schemas (`schemas/<resource>.ts`); the OpenAPI document, ADMIN-API.md's
 * reference and the admin UI's types are derived from these descriptions, and a test fails
 * when a registered route has none.
 */
import type * as z from "zod/mini";

export type HttpMethod = "get" | "post" | "patch" | "delete";

/**
 * Who may call a route: `admin` (admin password, admin token or admin session), `none`
 * (anyone), `page` (per the public page's access mode).
 */
export type RouteAuth = "admin" | "none" | "page";

export interface RouteResponse {
  description: string;
  /** The body's schema (what the route sends). Omitted for empty bodies. */
  schema?: z.core.$ZodType;
  /** @default "application/json" */
  contentType?: string;
}

export interface AdminRoute {
  method: HttpMethod;
  /** OpenAPI form, parameters in braces: `/admin/api/keys/{id}`. */
  path: string;
  /** The section it belongs to (an OpenAPI tag, a heading of the reference). */
  tag: string;
  summary: string;
  /** What a caller needs to know beyond the shapes (Markdown). */
  description?: string;
  /** @default "admin" */
  auth?: RouteAuth;
  /** The request body (what the route accepts; validated by `readJson`). */
  body?: z.core.$ZodType;
  /** An empty body counts as `{}`. @default false */
  bodyOptional?: boolean;
  /** @default "application/json" */
  bodyContentType?: string;
  /** The query string, an object schema (validated by `readQuery`). */
  query?: z.core.$ZodType;
  /** By status code. Every route also answers errors (`default` in the OpenAPI document). */
  responses: Record<string, RouteResponse>;
}

/** Describes the routes of one section. */
export function describeRoutes(tag: string, routes: Omit<AdminRoute, "tag">[]): AdminRoute[] {
  return routes.map((route) => ({ ...route, tag }));
}
