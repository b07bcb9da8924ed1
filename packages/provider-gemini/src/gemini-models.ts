import { joinURL, type ModelInfo } from "@keyhive/gateway";

interface ModelsPage {
  models?: { name: string }[];
  nextPageToken?: string;
}

/** Lists every model, following `nextPageToken`; ids lose their `models/` prefix. */
export async function listGeminiModels(o: {
  baseURL: string;
  headers: Headers;
  fetch: typeof fetch;
  signal?: AbortSignal;
  /** Guards against an upstream that keeps handing out tokens. @default 50 */
  maxPages?: number;
}): Promise<ModelInfo[]> {
  const out: ModelInfo[] = [];
  let token: string | undefined;
  for (let page = 0; page < (o.maxPages ?? 50); page++) {
    const search = new URLSearchParams({ pageSize: "1000" });
    if (token) search.set("pageToken", token);
    const response = await o.fetch(joinURL(o.baseURL, "/v1beta/models", `?${search}`), {
      headers: o.headers,
      signal: o.signal,
    });
    if (!response.ok) throw new Error(`Listing Gemini models failed: HTTP ${response.status}`);
    const json = (await response.json()) as ModelsPage;
    for (const model of json.models ?? []) out.push({ id: model.name.replace(/^models\//, ""), ownedBy: "google" });
    token = json.nextPageToken;
    if (!token) break;
  }
  return out;
}
