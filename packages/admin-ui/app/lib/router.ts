import { createStore, useStore } from "./store.js";

/** The current location (path + search), updated by navigate() and the back button. */
export const location$ = createStore({ path: location.pathname, search: location.search });

export function navigate(to: string, replace = false) {
  if (replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  location$.set({ path: location.pathname, search: location.search });
  window.scrollTo(0, 0);
}

addEventListener("popstate", () => location$.set({ path: location.pathname, search: location.search }));

export function useLocation() {
  return useStore(location$);
}

/** Click handler for in-app links: plain clicks navigate without a reload. */
export function linkClick(event: MouseEvent) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  const anchor = event.currentTarget as HTMLAnchorElement;
  event.preventDefault();
  navigate(anchor.getAttribute("href") ?? "/admin");
}
