import { builtinModules } from "node:module";

/** One place where a core file breaks the sans-IO rule (DESIGN.md). */
export interface PurityViolation {
  readonly file: string;
  readonly line: number;
  readonly rule: string;
  readonly text: string;
}

const builtins = new Set(builtinModules.filter((m) => !m.startsWith("_")));

const RULES: readonly { rule: string; pattern: RegExp }[] = [
  { rule: "Buffer", pattern: /\bBuffer\b/ },
  { rule: "timer", pattern: /\b(setTimeout|setInterval|setImmediate|queueMicrotask)\s*\(/ },
  { rule: "clock", pattern: /\bDate\.now\s*\(|\bperformance\.now\s*\(|\bnew Date\s*\(\s*\)/ },
  { rule: "async", pattern: /\basync\s+(function\b|\(|[A-Za-z_$][\w$]*\s*(\(|=>))|\bawait\b/ },
  { rule: "process", pattern: /\bprocess\.(env|hrtime|nextTick|argv|exit)\b/ },
];

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["']([^"']+)["']/g;

/** Blanks out comments and string contents, keeping line structure and import specifiers. */
function stripComments(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, " "))
    .replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
}

function isNodeBuiltin(specifier: string): boolean {
  if (specifier.startsWith("node:")) return true;
  return builtins.has(specifier.split("/")[0] ?? "");
}

/** Rules that still apply in `src/runtime/`: runtime-neutral adapters may use timers and async. */
const RUNTIME_RULES = new Set(["node-import", "Buffer", "process"]);

/**
 * Checks one source file; `file` labels the findings and decides the rule set: core files get
 * every rule, `src/runtime/` adapters (browser-and-Node code such as a reconnecting client) only
 * the portability rules (no Node builtins, no Buffer, no process).
 */
export function checkSource(file: string, source: string): PurityViolation[] {
  const found = checkAllRules(file, source);
  return isRuntimeAdapter(file) ? found.filter((v) => RUNTIME_RULES.has(v.rule)) : found;
}

function checkAllRules(file: string, source: string): PurityViolation[] {
  const found: PurityViolation[] = [];
  const lines = stripComments(source).split("\n");
  lines.forEach((text, i) => {
    for (const m of text.matchAll(IMPORT)) {
      if (isNodeBuiltin(m[1]!))
        found.push({ file, line: i + 1, rule: "node-import", text: text.trim() });
    }
    const code = text.replace(/(["'`])(?:\\.|(?!\1).)*\1/g, '""');
    for (const { rule, pattern } of RULES) {
      if (pattern.test(code)) found.push({ file, line: i + 1, rule, text: text.trim() });
    }
  });
  return found;
}

/** Whether a path (relative to the repo root) is checked: package sources outside `src/node/`. */
export function isCoreFile(relPath: string): boolean {
  const p = relPath.replaceAll("\\", "/");
  return /^packages\/[^/]+\/src\/.*\.ts$/.test(p) && !/\/src\/node\//.test(p);
}

/** Whether a path is a runtime-neutral adapter (`src/runtime/`): portable, but may use timers and async. */
export function isRuntimeAdapter(relPath: string): boolean {
  return /\/src\/runtime\//.test(relPath.replaceAll("\\", "/"));
}
