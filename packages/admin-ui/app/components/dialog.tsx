import type { ComponentChildren } from "preact";
import { useLayoutEffect, useRef, useState } from "preact/hooks";
import { t } from "../lib/i18n.js";

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export interface DialogProps {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  footer?: ComponentChildren;
  wide?: boolean;
  /** An extra class on the <dialog> (`drawer`: at the side, full screen on a phone). */
  className?: string;
}

/**
 * A modal on the native <dialog>: showModal() makes the rest of the page inert (focus stays
 * inside), Escape closes it, and focus returns to the opener afterwards.
 */
export function Dialog({ title, onClose, children, footer, wide, className }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  // Taken at first render, before any later keystroke can move focus: where focus returns.
  const [opener] = useState(() => document.activeElement as HTMLElement | null);
  // A layout effect opens the modal in the same task as the render, so no key press lands outside it.
  useLayoutEffect(() => {
    const dialog = ref.current!;
    dialog.showModal();
    const first = dialog.querySelector<HTMLElement>("[autofocus], input, select, textarea, button:not(.dialog-x)");
    first?.focus();
    const onCancel = (event: Event) => {
      event.preventDefault();
      closeRef.current();
    };
    // showModal() makes the page inert, but Tab can still leave for the browser chrome: wrap it.
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "Tab") return;
      const focusables = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.offsetParent !== null);
      const first = focusables[0];
      const last = focusables[focusables.length - 1];
      if (!first || !last) return;
      if (event.shiftKey && (document.activeElement === first || !dialog.contains(document.activeElement))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (document.activeElement === last || !dialog.contains(document.activeElement))) {
        event.preventDefault();
        first.focus();
      }
    };
    dialog.addEventListener("cancel", onCancel);
    dialog.addEventListener("keydown", onKeyDown);
    return () => {
      dialog.removeEventListener("cancel", onCancel);
      dialog.removeEventListener("keydown", onKeyDown);
      if (dialog.open) dialog.close();
      // Chromium restores focus after close() asynchronously; make sure it lands on the opener.
      opener?.focus?.();
      setTimeout(() => {
        if (opener?.isConnected && !document.querySelector("dialog[open]")) opener.focus();
      }, 0);
    };
  }, [opener]);
  const id = `dlg-${title.replace(/\W+/g, "-").toLowerCase()}`;
  return (
    <dialog ref={ref} class={["dialog", wide && "wide", className].filter(Boolean).join(" ")} aria-labelledby={id}>
      <header class="dialog-head">
        <h2 id={id}>{title}</h2>
        <button type="button" class="icon dialog-x" aria-label={t("close")} onClick={() => closeRef.current()}>
          ×
        </button>
      </header>
      <div class="dialog-body">{children}</div>
      {footer && <footer class="dialog-foot">{footer}</footer>}
    </dialog>
  );
}

export interface ConfirmProps {
  message: string;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}

export function Confirm({ message, confirmLabel, danger, onConfirm, onClose }: ConfirmProps) {
  return (
    <Dialog
      title={t("confirm")}
      onClose={onClose}
      footer={
        <>
          <button type="button" onClick={onClose}>
            {t("cancel")}
          </button>
          <button
            type="button"
            class={danger ? "danger" : "primary"}
            onClick={() => {
              onConfirm();
              onClose();
            }}
          >
            {confirmLabel}
          </button>
        </>
      }
    >
      <p>{message}</p>
    </Dialog>
  );
}
