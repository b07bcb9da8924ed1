import { errors } from "../spec/errors.js";

/**
 * The one form of a native route's path that both the model read (`describe`, token scopes)
 * and the upstream URL use, so they can never disagree about which model a request names:
 *
 * - empty segments are dropped (`/models//gemini-2.5-pro` is `/models/gemini-2.5-pro`);
 * - each segment is percent-decoded once and re-encoded the same way every time;
 * - a malformed escape (`%E0%A4%A`), an encoded `/` or `\` and a `.`/`..` segment are a 400:
 *   each would let the gateway read one model while an upstream resolves the path to another.
 */
export function canonicalNativePath(path: string): string {
  const segments: string[] = [];
  for (const raw of path.split("/")) {
    if (raw === "") continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      throw errors.badRequest(`The request path has a malformed percent-escape: '${raw.slice(0, 100)}'.`);
    }
    if (/[/\\]/.test(segment) || segment === "." || segment === "..") {
      throw errors.badRequest(
        "The request path may not hold an encoded '/' or '\\', nor '.' or '..' segments; write the path plainly.",
      );
    }
    segments.push(encodeSegment(segment));
  }
  return `/${segments.join("/")}`;
}

/** `encodeURIComponent`, but the characters a path segment may carry as they are (RFC 3986 pchar). */
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/%(3A|40|24|26|2B|2C|3B|3D)/gi, (kept) => decodeURIComponent(kept));
}
