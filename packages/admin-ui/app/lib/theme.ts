import { createStore, saved } from "./store.js";

export type ThemeChoice = "system" | "light" | "dark";

const stored = saved.get("keyhive.theme");
export const theme = createStore<ThemeChoice>(stored === "light" || stored === "dark" ? stored : "system");

/** The theme in effect: the user's choice, else the system's colour scheme. */
export function effectiveTheme(): "light" | "dark" {
  const choice = theme.get();
  if (choice !== "system") return choice;
  return matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

function apply() {
  document.documentElement.dataset.theme = effectiveTheme();
}

export function initTheme() {
  apply();
  theme.subscribe(apply);
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", apply);
}

export function toggleTheme() {
  const next = effectiveTheme() === "dark" ? "light" : "dark";
  saved.set("keyhive.theme", next);
  theme.set(next);
}
