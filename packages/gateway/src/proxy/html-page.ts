/**
 * CDNs and proxies in front of every vendor answer their own failures (502, 503, 520–524, a WAF's
 * 403) with an HTML page. Such a page says nothing about the key — only the vendor's own (JSON)
 * answer can declare a key dead or empty — and its markup makes a useless error message.
 */
import type { FailureClass } from "../spec/provider.js";

export function isHtmlPage(headers: Headers, body: string): boolean {
  const type = headers.get("content-type") ?? "";
  return type.includes("text/html") || /^\s*<(!doctype|html)/i.test(body);
}

/** `an HTML error page "520: Web server is returning an unknown error"` from the page's title or first heading. */
export function describeHtmlPage(status: number, body: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1] ?? /<h1[^>]*>([^<]*)<\/h1>/i.exec(body)?.[1];
  const text = title?.replace(/\s+/g, " ").trim().slice(0, 120);
  return `an HTML error page (HTTP ${status}${text ? `: ${text}` : ""}), likely from a CDN or proxy in front of the upstream`;
}

/** A provider's classification, corrected for HTML pages: never a dead or empty key, never raw markup. */
export function blameNoKeyForAPage(cls: FailureClass, response: Response, body: string): FailureClass {
  if (!isHtmlPage(response.headers, body)) return cls;
  const message = describeHtmlPage(response.status, body);
  if (cls.kind === "key_invalid" || cls.kind === "key_exhausted") return { kind: "upstream_error", message };
  return { ...cls, message };
}
