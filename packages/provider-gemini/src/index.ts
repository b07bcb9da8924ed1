// Implemented in the provider-adapters issue.
export {};
