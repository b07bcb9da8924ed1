#!/usr/bin/env node
// The `keyhive` command; the code is built to dist/ (npx turbo run build --filter=@keyhive/example-node...).
import "../dist/cli.js";
