/**
 * Joins an API root and an operation path without doubling a version segment:
 * `joinURL("https://relay.example/v1", "/v1/chat/completions")` and
 * `joinURL("https://relay.example/v1", "/chat/completions")` both give `…/v1/chat/completions`.
 */
export function joinURL(base: string, path: string, search = ""): string {
  const root = base.replace(/\/+$/, "");
  let rest = path.startsWith("/") ? path : `/${path}`;
  const lastSegment = root.slice(root.lastIndexOf("/"));
  if (/^\/v\d+\w*$/.test(lastSegment) && rest.startsWith(`${lastSegment}/`)) rest = rest.slice(lastSegment.length);
  return `${root}${rest}${search}`;
}

/** Removes the named query parameters (e.g. a client's `key=`) from a search string. */
export function stripQueryParams(search: string, names: readonly string[]): string {
  if (!search || search === "?") return "";
  const params = new URLSearchParams(search);
  for (const name of names) params.delete(name);
  const out = params.toString();
  return out ? `?${out}` : "";
}
