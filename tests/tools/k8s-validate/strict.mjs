// Unknown fields, as the API server's strict field validation (kubectl's
// default since 1.27) rejects them: the OpenAPI schemas that kubernetes-models
// compiles do not forbid extra properties, so a misspelt `readinesProbe`
// would validate and then be refused (or, on an old server, dropped) at
// apply time. The field names come from the package's own type declarations
// (.d.ts), one interface per schema definition, followed through Array<...>
// and string maps.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const modelsRoot = dirname(require.resolve("kubernetes-models/package.json"));
const nodeModules = dirname(modelsRoot);
const cache = new Map();

// The first exported interface of a .d.ts: { fields: Map(name -> type), imports: Map(type -> file) }.
function declaration(file) {
  if (cache.has(file)) return cache.get(file);
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch {
    cache.set(file, null);
    return null;
  }
  const imports = new Map();
  for (const match of text.matchAll(/^import \{ (\w+) \} from "([^"]+)";$/gm)) {
    const from = match[2].startsWith(".") ? join(dirname(file), match[2]) : join(nodeModules, match[2]);
    imports.set(match[1], `${from}.d.ts`);
  }
  const body = /^export interface \w+[^{]*\{\n([\s\S]*?)^\}/m.exec(text);
  const result = body ? { fields: new Map(), imports } : null;
  if (body) {
    // `"name"?: TYPE;` on one line, or a string map over three:
    // `"labels"?: {\n        [key: string]: string;\n    };`
    const field = /^ {4}"([^"]+)"\??: (\{\n\s*\[key: string\]: [^;\n]+;\n {4}\}|.+);$/gm;
    for (const match of body[1].matchAll(field)) result.fields.set(match[1], match[2]);
  }
  cache.set(file, result);
  return result;
}

// Checks VALUE against TYPE (a type expression of FROM's declaration).
function walk(value, type, from, path, errors) {
  if (value === null || typeof value !== "object") return;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    value.forEach((item, i) => walk(item, array[1], from, `${path}[${i}]`, errors));
    return;
  }
  const map = /^\{\s*\[key: string\]: ([^;]+);\s*\}$/.exec(type);
  if (map) {
    for (const [key, item] of Object.entries(value)) walk(item, map[1], from, `${path}.${key}`, errors);
    return;
  }
  const file = from.imports.get(type);
  const target = file && declaration(file);
  if (target) check(value, target, path, errors);
}

function check(object, decl, path, errors) {
  for (const [key, value] of Object.entries(object)) {
    if (!decl.fields.has(key)) {
      errors.push(`${path}.${key}: unknown field`);
      continue;
    }
    walk(value, decl.fields.get(key), decl, `${path}.${key}`, errors);
  }
}

// Returns the unknown fields of OBJECT (an apiVersion/kind that validated), e.g. [".spec.replica: unknown field"].
export function unknownFields(object) {
  const decl = declaration(join(modelsRoot, object.apiVersion, `${object.kind}.d.ts`));
  if (!decl) return [`no type declaration for ${object.apiVersion} ${object.kind}`];
  const errors = [];
  check(object, decl, "", errors);
  return errors;
}
