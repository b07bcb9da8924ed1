#!/usr/bin/env node
/**
 * Structure rules that no linter here knows (run by `npm run lint`, so `.ci/run` enforces them):
 *
 * 1. no source file over 300 lines (generated files, marked `@generated`, and `.d.ts` excepted);
 * 2. no function over 80 lines in `packages/<name>/src`;
 * 3. no import cycle between modules, anywhere in the repository (type-only imports included:
 *    a cycle of types is still two files that cannot be read one without the other);
 * 4. every workspace package a file imports is declared in that package's package.json, and the
 *    workspace packages form no cycle (devDependencies included: that is how cycles hide);
 * 5. no vendor name in the code of `packages/gateway/src` (comments are docs and may cite them);
 * 6. the contracts (`packages/gateway/src/spec/`, the `@keyhive/gateway/spec` entry) import
 *    nothing but each other, so an adapter author reads them without the rest of the gateway.
 *
 * Why our own script: the rules need the workspace map (a `@keyhive/x` import means that package's
 * `src`, whether or not it is built) and the TypeScript parser we already have; dependency-cruiser
 * or madge would add a resolver to configure around the same ~200 lines.
 *
 * Usage: node scripts/check-structure.mjs [--list]   (--list prints the figures, not just failures)
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), "..");
const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 80;
const VENDOR_NAMES = /siliconflow|gemini|google|goog-|deepseek|anthropic|claude/i;
const SOURCE = /\.(ts|tsx|mts|mjs|js)$/;

const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
  cwd: ROOT,
  encoding: "utf8",
})
  .split("\n")
  .filter((f) => SOURCE.test(f) && !f.endsWith(".d.ts") && !f.endsWith(".d.mts"))
  .filter((f) => /^(packages|examples|scripts)\//.test(f) && !/(^|\/)(dist|node_modules|fixtures-dist)\//.test(f))
  .filter((f) => existsSync(join(ROOT, f)));

const workspaces = loadWorkspaces();
const problems = [];
const graph = new Map(); // file -> Set(file)

for (const file of files) {
  const text = readFileSync(join(ROOT, file), "utf8");
  const generated = /@generated/.test(text.slice(0, 400));
  const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
  if (!generated && lines > MAX_FILE_LINES) problems.push(`${file}: ${lines} lines (max ${MAX_FILE_LINES})`);
  if (generated) continue;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kindOf(file));
  if (/^packages\/[^/]+\/src\//.test(file)) checkFunctions(file, source);
  if (file.startsWith("packages/gateway/src/")) checkVendorNames(file, source);
  graph.set(file, new Set());
  for (const specifier of importsOf(source)) {
    const target = resolveImport(file, specifier);
    if (target) graph.get(file).add(target);
    if (file.startsWith("packages/gateway/src/spec/") && !(target ?? "").startsWith("packages/gateway/src/spec/")) {
      problems.push(`${file}: the contracts import only each other, not ${specifier}`);
    }
  }
}

checkCycles();
checkPackageGraph();

if (problems.length > 0) {
  for (const p of problems) console.error(`structure: ${p}`);
  console.error(`structure: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(
  `structure: ${files.length} files, no file over ${MAX_FILE_LINES} lines, no function over ${MAX_FUNCTION_LINES} lines in packages/*/src, no import cycle, no vendor name in the gateway`,
);

function kindOf(file) {
  if (file.endsWith(".tsx")) return ts.ScriptKind.TSX;
  if (/\.(mjs|js)$/.test(file)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

function checkFunctions(file, source) {
  const visit = (node) => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const length = end - start + 1;
      if (length > MAX_FUNCTION_LINES) {
        problems.push(`${file}:${start + 1}: function ${nameOf(node)} is ${length} lines (max ${MAX_FUNCTION_LINES})`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

function nameOf(node) {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text;
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (parent && ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (parent && ts.isCallExpression(parent)) return `(callback of ${parent.expression.getText().slice(0, 40)})`;
  return "(anonymous)";
}

function checkVendorNames(file, source) {
  const visit = (node) => {
    if (ts.isStringLiteralLike(node) || ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) {
      const text = node.text;
      if (VENDOR_NAMES.test(text)) {
        const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
        problems.push(`${file}:${line}: vendor name in the core: ${JSON.stringify(text.slice(0, 60))}`);
      }
    } else if (ts.isTemplateExpression(node) || node.kind === ts.SyntaxKind.JsxText) {
      const text = node.getText(source);
      if (VENDOR_NAMES.test(text)) {
        const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
        problems.push(`${file}:${line}: vendor name in the core: ${JSON.stringify(text.slice(0, 60))}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

function importsOf(source) {
  const specifiers = [];
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteral(node.arguments[0])) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword) specifiers.push(node.arguments[0].text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const literal = node.argument.literal;
      if (ts.isStringLiteral(literal)) specifiers.push(literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers;
}

/** A relative or workspace import as the repository file it means; external packages: null. */
function resolveImport(from, specifier) {
  if (specifier.startsWith(".")) return existingSource(join(dirname(from), specifier));
  const ws = [...workspaces.values()].find((w) => specifier === w.name || specifier.startsWith(`${w.name}/`));
  if (!ws) return null;
  noteWorkspaceImport(from, ws);
  const subpath = `.${specifier.slice(ws.name.length)}`;
  const target = exportTarget(ws.exports?.[subpath] ?? (subpath === "." ? ws.main : undefined));
  if (!target) return null;
  // Built entries map back to their sources by tsup's convention: dist/x.js is src/x.ts.
  const srcPath = target.replace(/^\.\/dist\//, "src/").replace(/\.m?js$/, "");
  return existingSource(join(ws.dir, srcPath));
}

function exportTarget(entry) {
  if (!entry) return undefined;
  if (typeof entry === "string") return entry;
  return entry.import ?? entry.default ?? entry.types?.replace(/\.d\.ts$/, ".js");
}

function existingSource(path) {
  const base = path.replace(/\.(m?js|jsx?)$/, "");
  for (const candidate of [
    path,
    `${base}.ts`,
    `${base}.tsx`,
    `${base}.mts`,
    `${base}.mjs`,
    `${base}.js`,
    join(path, "index.ts"),
  ]) {
    if (files.includes(candidate)) return candidate;
  }
  return null;
}

function loadWorkspaces() {
  const map = new Map();
  const globs = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).workspaces;
  for (const glob of globs) {
    const parent = glob.replace(/\/\*$/, "");
    const dirs = execFileSync("ls", [join(ROOT, parent)], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean);
    for (const d of dirs) {
      const pkgPath = join(ROOT, parent, d, "package.json");
      if (!existsSync(pkgPath)) continue;
      const pkg = JSON.parse(readFileSync(pkgPath, "utf8"));
      map.set(pkg.name, {
        name: pkg.name,
        dir: `${parent}/${d}`,
        exports: pkg.exports,
        main: pkg.main ?? "./src/index.ts",
        declared: new Set(Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.peerDependencies })),
        uses: new Set(),
      });
    }
  }
  return map;
}

function packageOf(file) {
  return [...workspaces.values()].find((w) => file.startsWith(`${w.dir}/`));
}

function noteWorkspaceImport(from, target) {
  const owner = packageOf(from);
  if (!owner || owner.name === target.name) return;
  owner.uses.add(target.name);
  if (!owner.declared.has(target.name)) {
    problems.push(`${from}: imports ${target.name}, which ${owner.dir}/package.json does not declare`);
  }
}

function checkPackageGraph() {
  const edges = new Map();
  for (const w of workspaces.values()) {
    edges.set(
      w.name,
      [...new Set([...w.declared, ...w.uses])].filter((n) => workspaces.has(n)),
    );
  }
  for (const cycle of cyclesOf(edges)) problems.push(`package cycle: ${cycle.join(" -> ")}`);
}

function checkCycles() {
  const edges = new Map([...graph].map(([k, v]) => [k, [...v]]));
  for (const cycle of cyclesOf(edges))
    problems.push(`import cycle: ${cycle.map((f) => relative(".", f)).join(" -> ")}`);
}

/** Strongly connected components of more than one node (Tarjan), each shown as one cycle. */
function cyclesOf(edges) {
  let index = 0;
  const stack = [];
  const state = new Map();
  const found = [];
  const strongConnect = (v) => {
    state.set(v, { index, low: index, onStack: true });
    index++;
    stack.push(v);
    for (const w of edges.get(v) ?? []) {
      if (!state.has(w)) {
        strongConnect(w);
        state.get(v).low = Math.min(state.get(v).low, state.get(w).low);
      } else if (state.get(w).onStack) {
        state.get(v).low = Math.min(state.get(v).low, state.get(w).index);
      }
    }
    if (state.get(v).low === state.get(v).index) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        state.get(w).onStack = false;
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push([...component.reverse(), component[0]]);
    }
  };
  for (const v of edges.keys()) if (!state.has(v)) strongConnect(v);
  return found;
}
