import { useState } from "preact/hooks";
import { t } from "../lib/i18n.js";

/** Copies text (or the result of a getter, e.g. a secret fetched on demand) to the clipboard. */
export function CopyButton({
  text,
  label,
  class: className,
}: {
  text: string | (() => Promise<string>);
  label?: string;
  class?: string;
}) {
  const [state, setState] = useState<"idle" | "done" | "failed">("idle");
  const copy = async () => {
    try {
      await copyText(typeof text === "string" ? text : await text());
      setState("done");
    } catch {
      setState("failed");
    }
    setTimeout(() => setState("idle"), 1500);
  };
  return (
    <button type="button" class={className ?? "small"} onClick={copy} aria-live="polite">
      {state === "done" ? t("copied") : state === "failed" ? t("copyFailed") : (label ?? t("copy"))}
    </button>
  );
}

export async function copyText(text: string) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // Plain-HTTP deployments have no async clipboard: fall back to a hidden textarea.
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "offscreen";
  document.body.append(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  if (!ok) throw new Error("copy failed");
}
