/**
 * Every HTTP error the gateway produces is an OpenAI-style JSON error:
 * `{"error":{"message","type","code"}}` — what OpenAI SDKs parse into their error classes.
 */

export type ErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "rate_limit_error"
  | "upstream_error"
  | "server_error";

export interface GatewayErrorOptions {
  status: number;
  type: ErrorType;
  code: string;
  /** Seconds, sent as `retry-after`. */
  retryAfter?: number;
  param?: string | null;
}

export class GatewayError extends Error {
  readonly status: number;
  readonly type: ErrorType;
  readonly code: string;
  readonly retryAfter?: number;
  readonly param: string | null;

  constructor(message: string, options: GatewayErrorOptions) {
    super(message);
    this.name = "GatewayError";
    this.status = options.status;
    this.type = options.type;
    this.code = options.code;
    this.retryAfter = options.retryAfter;
    this.param = options.param ?? null;
  }

  toJSON() {
    return { error: { message: this.message, type: this.type, code: this.code, param: this.param } };
  }

  toResponse(): Response {
    const headers = new Headers({ "content-type": "application/json; charset=utf-8" });
    if (this.retryAfter !== undefined) headers.set("retry-after", String(Math.max(0, Math.ceil(this.retryAfter))));
    return new Response(JSON.stringify(this.toJSON()), { status: this.status, headers });
  }
}

/** Shorthands, so call sites read as what happened. */
export const errors = {
  invalidJson: (detail: string) =>
    new GatewayError(`Request body is not valid JSON: ${detail}`, {
      status: 400,
      type: "invalid_request_error",
      code: "invalid_json",
    }),
  badRequest: (message: string, param?: string) =>
    new GatewayError(message, { status: 400, type: "invalid_request_error", code: "invalid_request", param }),
  unauthorized: (message: string) =>
    new GatewayError(message, { status: 401, type: "authentication_error", code: "invalid_api_key" }),
  forbidden: (message: string, code = "forbidden") =>
    new GatewayError(message, { status: 403, type: "permission_error", code }),
  notFound: (message: string, code = "not_found") =>
    new GatewayError(message, { status: 404, type: "not_found_error", code }),
  conflict: (message: string, code = "conflict") =>
    new GatewayError(message, { status: 409, type: "invalid_request_error", code }),
  tooLarge: (limit: number) =>
    new GatewayError(`Request body exceeds the limit of ${limit} bytes.`, {
      status: 413,
      type: "invalid_request_error",
      code: "request_too_large",
    }),
  rateLimited: (message: string, retryAfter?: number, code = "rate_limited") =>
    new GatewayError(message, { status: 429, type: "rate_limit_error", code, retryAfter }),
  upstream: (message: string, status = 502) =>
    new GatewayError(message, { status, type: "upstream_error", code: "upstream_error" }),
  noAvailableKey: (message: string) =>
    new GatewayError(message, { status: 503, type: "server_error", code: "no_available_key" }),
};
