import { en } from "./i18n-en.js";
import { zh } from "./i18n-zh.js";
import { createStore, saved } from "./store.js";

export type Key = keyof typeof en;
export type Lang = "en" | "zh-CN";

function initialLang(): Lang {
  const stored = saved.get("keyhive.lang");
  if (stored === "en" || stored === "zh-CN") return stored;
  return navigator.language?.toLowerCase().startsWith("zh") ? "zh-CN" : "en";
}

export const lang = createStore<Lang>(initialLang());

function applyLang() {
  document.documentElement.lang = lang.get();
}
applyLang();
lang.subscribe(applyLang);

/** Switches the language and remembers the choice. */
export function setLang(value: string) {
  const next: Lang = value === "zh-CN" ? "zh-CN" : "en";
  saved.set("keyhive.lang", next);
  lang.set(next);
}

/** The text of `key` in the current language, with `{name}` placeholders filled. */
export function t(key: Key, vars?: Record<string, string | number>): string {
  const text = (lang.get() === "zh-CN" ? zh : en)[key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`)) : text;
}
