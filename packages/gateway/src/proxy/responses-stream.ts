/**
 * The Responses API's stream error: a typed `event: error` block, the shape its SDKs raise as an
 * API error (`{"type":"error","code","message","param"}`), for a stream that broke mid-answer.
 */
export function responsesStreamError(message: string): string {
  const data = { type: "error", code: "stream_interrupted", message, param: null };
  return `event: error\ndata: ${JSON.stringify(data)}\n\n`;
}
