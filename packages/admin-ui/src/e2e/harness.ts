/**
 * Browser-test rig: a real gateway (with `adminUI()`) over HTTP in front of the mock upstream,
 * and headless Chromium driven by playwright-core. Node only.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { createGateway, type Gateway } from "@keyhive/gateway";
import { createOpenAI } from "@keyhive/provider-openai";
import { type MockOpenAI, type MockOpenAIOptions, startMockOpenAI } from "@keyhive/provider-openai/testing";
import { createSiliconFlow } from "@keyhive/provider-siliconflow";
import {
  type MockSiliconFlow,
  type MockSiliconFlowOptions,
  startMockSiliconFlow,
} from "@keyhive/provider-siliconflow/testing";
import { createMemoryStorage } from "@keyhive/storage";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { adminUI } from "../index.js";

export const ADMIN_PASSWORD = "e2e-admin-password";
export const CLIENT_TOKEN = "kh-e2e-client-token";
export const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts/", import.meta.url));

export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  mobile: { width: 375, height: 812 },
} as const;

export interface Rig {
  url: string;
  mock: MockOpenAI;
  gateway: Gateway;
  context: BrowserContext;
  page: Page;
  /** Console errors and CSP violations seen by the page. */
  consoleErrors: string[];
  /** Pages wider than the viewport (horizontal scrolling of the whole page), found by screenshot(). */
  overflows: string[];
  /** Admin API call from Node with the admin password as bearer (setup, not UI). */
  admin(path: string, init?: { method?: string; json?: unknown }): Promise<Response>;
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startRig(
  mockOptions: MockOpenAIOptions = {},
  /** Also serve SiliconFlow keys (they have balances) from its mock. */
  siliconflowOptions?: MockSiliconFlowOptions,
): Promise<Rig> {
  const mock = await startMockOpenAI(mockOptions);
  const sf: MockSiliconFlow | undefined = siliconflowOptions
    ? await startMockSiliconFlow(siliconflowOptions)
    : undefined;
  const gateway = createGateway({
    providers: [createOpenAI({ baseURL: mock.baseURL }), ...(sf ? [createSiliconFlow({ baseURL: sf.baseURL })] : [])],
    storage: createMemoryStorage(),
    adminPassword: ADMIN_PASSWORD,
    clientTokens: [CLIENT_TOKEN],
    ui: adminUI(),
    onError: () => {},
  });
  await gateway.ready();
  const server = serve({ fetch: gateway.app.fetch, port: 0, hostname: "127.0.0.1" }) as Server;
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const { profile, context, page, consoleErrors } = await openChromium(url);
  const overflows: string[] = [];
  await mkdir(ARTIFACTS, { recursive: true });

  return {
    url,
    mock,
    gateway,
    context,
    page,
    consoleErrors,
    overflows,
    admin: (path, init = {}) =>
      fetch(`${url}${path}`, {
        method: init.method ?? (init.json === undefined ? "GET" : "POST"),
        headers: { authorization: `Bearer ${ADMIN_PASSWORD}`, "content-type": "application/json" },
        body: init.json === undefined ? undefined : JSON.stringify(init.json),
      }),
    async screenshot(name) {
      for (const [size, viewport] of Object.entries(VIEWPORTS)) {
        await page.setViewportSize(viewport);
        await page.waitForTimeout(150); // let charts re-layout
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        if (width > viewport.width) overflows.push(`${name}-${size}: ${width}px`);
        await page.screenshot({ path: join(ARTIFACTS, `${name}-${size}.png`), fullPage: true });
      }
      await page.setViewportSize(VIEWPORTS.desktop);
    },
    async close() {
      await context.close().catch(() => {});
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mock.close();
      await sf?.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Headless Chromium on a fresh profile, pointed at `url`, recording the page's console errors. */
async function openChromium(url: string) {
  const profile = await mkdtemp(join(tmpdir(), "keyhive-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: VIEWPORTS.desktop,
    locale: "en-US",
    baseURL: url,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(8000);
  const consoleErrors: string[] = [];
  page.on("console", (message) => {
    const text = message.text();
    // 4xx answers the UI handles (401 before login, 400 validation) are logged by Chromium too.
    if (message.type() === "error" && !/status of (400|401|403|404)/.test(text)) consoleErrors.push(text);
  });
  page.on("pageerror", (error) => consoleErrors.push(String(error)));
  return { profile, context, page, consoleErrors };
}

export async function logIn(page: Page, password = ADMIN_PASSWORD) {
  await page.getByLabel("Admin password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}
