import { useEffect, useState } from "preact/hooks";
import { ApiError, api, errorText } from "../../lib/api.js";
import { useFetch } from "../use-fetch.js";
import { freeModelsToText, SETTING_GROUPS, type Settings, textToFreeModels } from "./settings-fields.js";

/** Each field as the form edits it: checkboxes as booleans, everything else as typed text. */
export type SettingsDraft = Record<string, string | boolean>;

export interface SettingsError {
  text: string;
  /** The setting the API's validation names (`pageSize`, `freeModels.x`), shown next to its field. */
  param?: string;
}

/** The settings form: the saved settings, the admin's edits, and saving only what changed. */
export function useSettingsForm() {
  const current = useFetch(() => api<Settings>("/admin/api/settings"), []);
  const [draft, setDraft] = useState<SettingsDraft>({});
  const [freeModels, setFreeModels] = useState("");
  const [guestPassword, setGuestPassword] = useState("");
  const [error, setError] = useState<SettingsError | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (!current.data) return;
    setDraft(draftOf(current.data));
    setFreeModels(freeModelsToText(current.data.freeModels));
  }, [current.data]);

  const save = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setSaved(false);
    const patch = changedSettings(draft, current.data);
    const models = textToFreeModels(freeModels);
    if (JSON.stringify(models) !== JSON.stringify(current.data?.freeModels ?? {})) patch.freeModels = models;
    if (guestPassword) patch.guestPassword = guestPassword;
    try {
      const next = await api<Settings>("/admin/api/settings", { method: "PATCH", json: patch });
      current.setData(next);
      setGuestPassword("");
      setSaved(true);
    } catch (e) {
      setError({ text: errorText(e), param: e instanceof ApiError ? e.param : undefined });
    }
  };

  return {
    settings: current.data,
    loadError: current.error,
    draft,
    setField: (name: string, value: string | boolean) => setDraft({ ...draft, [name]: value }),
    freeModels,
    setFreeModels,
    guestPassword,
    setGuestPassword,
    error,
    /** The setting named by the last validation error, if any. */
    invalidField: error?.param?.split(".")[0],
    saved,
    save,
  };
}

function draftOf(settings: Settings): SettingsDraft {
  const draft: SettingsDraft = {};
  for (const group of SETTING_GROUPS)
    for (const f of group.fields) {
      const v = settings[f.name];
      draft[f.name] = f.kind === "boolean" ? Boolean(v) : v === undefined || v === null ? "" : String(v);
    }
  return draft;
}

/** The fields whose value differs from the saved one; an emptied number or text field keeps its value. */
function changedSettings(draft: SettingsDraft, saved: Settings | undefined): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const group of SETTING_GROUPS)
    for (const f of group.fields) {
      const v = draft[f.name];
      const value =
        f.kind === "number" ? (v === "" ? undefined : Number(v)) : f.kind === "text" && v === "" ? undefined : v;
      if (value !== undefined && value !== saved?.[f.name]) patch[f.name] = value;
    }
  return patch;
}
