/**
 * SiliconFlow's own routes beyond the OpenAI-compatible ones, which the gateway serves by vendor
 * pass-through: video generation (`POST /v1/video/submit` → `requestId`, `POST /v1/video/status`),
 * custom voices (`POST /v1/uploads/audio/voice` as multipart, `GET /v1/audio/voice/list`,
 * `POST /v1/audio/voice/deletions`). Shapes are SiliconFlow's documented ones.
 */
import type { ServerResponse } from "node:http";
import { sendJson } from "@keyhive/gateway/testing";

export interface VendorContext {
  method: string;
  /** Path under `/v1`. */
  path: string;
  contentType: string;
  body: Buffer;
}

const VIDEO_URL = "https://sc-maas.oss-cn-shanghai.aliyuncs.com/outputs/mock-video.mp4";
const VOICE = {
  model: "FunAudioLLM/CosyVoice2-0.5B",
  customName: "mock-voice",
  text: "在一无所知中, 梦里的一天结束了",
  uri: "speech:mock-voice:cm04pf7az00061413w7kz5qxs:mjtkgbyuunvtybnsvbxd",
};

function jsonOf(body: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as unknown;
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function invalid(res: ServerResponse, message: string): void {
  sendJson(res, 400, { code: 20015, message, data: null });
}

/** Serves a vendor route; returns false for a path that is none of them. */
export async function serveVendorRoute(res: ServerResponse, context: VendorContext): Promise<boolean> {
  const route = `${context.method} ${context.path}`;
  if (route === "POST /video/submit") {
    const json = jsonOf(context.body);
    if (!json || typeof json.model !== "string" || typeof json.prompt !== "string") {
      invalid(res, "model and prompt are required");
    } else sendJson(res, 200, { requestId: "mock-video-request-0001" });
    return true;
  }
  if (route === "POST /video/status") {
    const json = jsonOf(context.body);
    if (!json || typeof json.requestId !== "string") invalid(res, "requestId is required");
    else {
      sendJson(res, 200, {
        status: "Succeed",
        reason: "",
        results: { videos: [{ url: VIDEO_URL }], timings: { inference: 42.5 }, seed: 123 },
      });
    }
    return true;
  }
  if (route === "GET /audio/voice/list") {
    sendJson(res, 200, { result: [VOICE] });
    return true;
  }
  if (route === "POST /uploads/audio/voice") {
    await uploadVoice(res, context);
    return true;
  }
  if (route === "POST /audio/voice/deletions") {
    sendJson(res, 200, {});
    return true;
  }
  return false;
}

async function uploadVoice(res: ServerResponse, context: VendorContext): Promise<void> {
  if (!context.contentType.includes("multipart/form-data")) return invalid(res, "multipart/form-data expected");
  const form = await new Response(new Uint8Array(context.body), {
    headers: { "content-type": context.contentType },
  }).formData();
  const file = form.get("file");
  const name = form.get("customName");
  if (!(file instanceof Blob) || typeof name !== "string") return invalid(res, "file and customName are required");
  sendJson(res, 200, { uri: `speech:${name}:cm04pf7az00061413w7kz5qxs:${file.size}bytes` });
}
