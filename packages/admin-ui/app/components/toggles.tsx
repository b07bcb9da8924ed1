import { lang, setLang, t } from "../lib/i18n.js";
import { useStore } from "../lib/store.js";
import { effectiveTheme, theme, toggleTheme } from "../lib/theme.js";

/** Language switch and light/dark toggle, shown on every page. */
export function Toggles() {
  const current = useStore(lang);
  useStore(theme);
  const dark = effectiveTheme() === "dark";
  return (
    <div class="toggles">
      <label class="sr-only" for="lang-select">
        {t("language")}
      </label>
      <select id="lang-select" value={current} onChange={(e) => setLang((e.target as HTMLSelectElement).value)}>
        <option value="en">English</option>
        <option value="zh-CN">简体中文</option>
      </select>
      <button type="button" class="icon" onClick={toggleTheme} aria-label={dark ? t("lightMode") : t("darkMode")}>
        {dark ? "☀" : "☾"}
      </button>
    </div>
  );
}
