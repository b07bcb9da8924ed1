/**
 * The effective settings of one instance: defaults, then configuration, then what admins stored.
 * Reloaded when the storage revision changes; listeners push changes into the pool and proxy.
 */
import type { Storage } from "../spec/storage.js";
import {
  defaultSettings,
  type GatewaySettings,
  settingName,
  settingsPatchSchema,
  settingsSchema,
} from "./settings-schema.js";

export class SettingsRuntime {
  private current: GatewaySettings;
  private readonly listeners: ((settings: GatewaySettings) => void)[] = [];

  constructor(
    private readonly storage: Storage,
    private readonly configured: Partial<GatewaySettings> = {},
  ) {
    this.current = { ...defaultSettings, ...configured };
  }

  get value(): GatewaySettings {
    return this.current;
  }

  onChange(listener: (settings: GatewaySettings) => void): void {
    this.listeners.push(listener);
    listener(this.current);
  }

  /** Reads stored settings; invalid stored values are ignored field by field, never fatal. */
  async reload(): Promise<void> {
    const all = await this.storage.settings.all();
    const merged: Record<string, unknown> = { ...defaultSettings, ...this.configured };
    const shape = settingsSchema.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
    for (const [name, value] of Object.entries(all)) {
      if (!name.startsWith("setting.")) continue;
      const field = name.slice("setting.".length);
      if (shape[field]?.safeParse(value).success) merged[field] = value;
    }
    this.current = merged as GatewaySettings;
    for (const listener of this.listeners) listener(this.current);
  }

  /** Validates and stores a partial update; returns the new effective settings. */
  async update(patch: Partial<GatewaySettings>): Promise<GatewaySettings> {
    const parsed = settingsPatchSchema.parse(patch);
    for (const [field, value] of Object.entries(parsed)) await this.storage.settings.set(settingName(field), value);
    await this.reload();
    return this.current;
  }
}
