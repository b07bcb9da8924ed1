/**
 * Answer builders for the adversarial upstream that no vendor owns: JSON, SSE in its legal
 * variants, CDN error pages and rate limits. Vendors' payload shapes live with their adapters
 * (e.g. `openAIWire` in `@keyhive/provider-openai/testing`).
 */
import type { WireAnswer } from "./wire-types.js";

/** Options of `wire.sse`: how the events are written, plus any other part of the answer. */
export type WireSseOptions = {
  /** End lines with `\r\n` instead of `\n`. @default false */
  crlf?: boolean;
  /** Put `: ping` / `: keep-alive` comment blocks between events. @default false */
  comments?: boolean;
  /** Spread each JSON event over several `data:` lines (parsers join them with `\n`). @default false */
  multilineData?: boolean;
  /** End with `data: [DONE]`. @default true */
  done?: boolean;
} & Partial<WireAnswer>;

/** Options of `wire.rateLimited`. */
export interface WireRateLimitOptions {
  /** `retry-after` as delta seconds (`"1"`) or as an HTTP date. */
  retryAfter: "seconds" | "date";
  seconds: number;
  /** The JSON error body. @default {"error":{"message":"Rate limit reached.","type":"rate_limited"}} */
  body?: unknown;
  /** Headers a vendor sends besides `retry-after` (e.g. its own reset counters). */
  headers?: Record<string, string>;
}

/** Cloudflare's titles for its own 52x pages. */
const CLOUDFLARE_TITLES: Record<number, string> = {
  520: "Web server is returning an unknown error",
  521: "Web server is down",
  522: "Connection timed out",
  523: "Origin is unreachable",
  524: "A timeout occurred",
  525: "SSL handshake failed",
  526: "Invalid SSL certificate",
};

/** nginx's wording of its own error pages (note "Time-out"). */
const NGINX_TITLES: Record<number, string> = {
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Temporarily Unavailable",
  504: "Gateway Time-out",
};

/** Builders of `WireAnswer`s and of the payloads real upstreams send. */
export const wire = {
  /** A JSON answer of `value`. */
  json(value: unknown, extra: Partial<WireAnswer> = {}): WireAnswer {
    return { body: JSON.stringify(value), ...extra };
  },

  /**
   * A server-sent event stream: each event (a string as is, an object as JSON) in its own
   * `data:` block, each block its own write, chunked unless told otherwise.
   */
  sse(events: (string | object)[], options: WireSseOptions = {}): WireAnswer {
    const { crlf, comments, multilineData, done = true, ...extra } = options;
    const eol = crlf ? "\r\n" : "\n";
    const blocks: string[] = [];
    for (const [index, event] of [...events, ...(done ? ["[DONE]"] : [])].entries()) {
      if (comments) blocks.push(`${index % 2 === 0 ? ": ping" : ": keep-alive"}${eol}${eol}`);
      const data =
        typeof event === "string" ? event : multilineData ? JSON.stringify(event, null, 1) : JSON.stringify(event);
      // A newline inside data must start a new `data:` line to stay one event.
      blocks.push(
        `${data
          .split("\n")
          .map((line) => `data: ${line}${eol}`)
          .join("")}${eol}`,
      );
    }
    const splitAt: number[] = [];
    let offset = 0;
    for (const block of blocks) {
      offset += Buffer.byteLength(block);
      splitAt.push(offset);
    }
    return {
      framing: "chunked",
      // Real servers flush per event; each event is its own write unless the caller splits otherwise.
      splitAt: extra.chunkSize ? undefined : splitAt,
      ...extra,
      headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", ...extra.headers },
      body: blocks.join(""),
    };
  },

  /** A CDN's or proxy's HTML error page: Cloudflare's for 52x, nginx's otherwise. */
  htmlError(status: number, extra: Partial<WireAnswer> = {}): WireAnswer {
    const cloudflare = CLOUDFLARE_TITLES[status];
    const title = cloudflare ?? NGINX_TITLES[status] ?? "Error";
    const body = cloudflare
      ? `<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<title>api.example.com | ${status}: ${title}</title>\n` +
        `<meta charset="UTF-8" />\n</head>\n<body>\n<div id="cf-wrapper">\n<h1><span class="cf-error-type">Error</span> ` +
        `<span class="cf-error-code">${status}</span></h1>\n<h2 class="cf-subheadline">${title}</h2>\n` +
        `<p>Cloudflare Ray ID: <strong>8f1e2d3c4b5a6978</strong></p>\n</div>\n</body>\n</html>\n`
      : `<html>\r\n<head><title>${status} ${title}</title></head>\r\n<body>\r\n<center><h1>${status} ${title}</h1></center>\r\n` +
        `<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
    return {
      status,
      body,
      ...extra,
      headers: {
        "content-type": "text/html; charset=UTF-8",
        ...(cloudflare ? { server: "cloudflare", "cf-ray": "8f1e2d3c4b5a6978-FRA" } : { server: "nginx" }),
        ...extra.headers,
      },
    };
  },

  /** 429 with `retry-after` in either legal form: delta seconds, or an HTTP date that far ahead. */
  rateLimited(options: WireRateLimitOptions): WireAnswer {
    const retryAfter =
      options.retryAfter === "seconds"
        ? String(options.seconds)
        : new Date(Date.now() + options.seconds * 1000).toUTCString();
    const body = options.body ?? { error: { message: "Rate limit reached.", type: "rate_limited" } };
    return { status: 429, body: JSON.stringify(body), headers: { ...options.headers, "retry-after": retryAfter } };
  },
};
