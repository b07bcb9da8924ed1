/** The parts a gateway is given, checked before anything is built from them. */
import { PROVIDER_SPECIFICATION_VERSION, type Provider } from "../spec/provider.js";
import { STORAGE_SPECIFICATION_VERSION, type Storage } from "../spec/storage.js";

/** Providers by id; throws on an unknown contract version, a malformed id or a duplicate. */
export function registerProviders(list: readonly Provider[]): Map<string, Provider> {
  const providers = new Map<string, Provider>();
  for (const provider of list) {
    if (provider.specificationVersion !== PROVIDER_SPECIFICATION_VERSION) {
      throw new Error(
        `Provider '${provider.id}' implements spec ${provider.specificationVersion}; this gateway needs ${PROVIDER_SPECIFICATION_VERSION}.`,
      );
    }
    if (!/^[a-z0-9-]+$/.test(provider.id)) throw new Error(`Provider id '${provider.id}' must match [a-z0-9-]+.`);
    if (providers.has(provider.id)) throw new Error(`Two providers share the id '${provider.id}'.`);
    providers.set(provider.id, provider);
  }
  return providers;
}

export function assertStorageVersion(storage: Storage): void {
  if (storage.specificationVersion !== STORAGE_SPECIFICATION_VERSION) {
    throw new Error(
      `Storage implements spec ${storage.specificationVersion}; this gateway needs ${STORAGE_SPECIFICATION_VERSION}.`,
    );
  }
}
