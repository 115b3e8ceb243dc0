/**
 * `pnpm bench [name ...] [--case TEXT] [--rounds N] [--round-ms MS] [--warmup-ms MS]`: runs the
 * benchmarks in src/benches/ (all, or those named; with `--case`, only the cases whose name
 * contains TEXT), prints a table per case and writes results/<time>.json.
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type BenchDefinition, type CaseResult, formatCase, runCase } from "./harness.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    case: { type: "string" },
    rounds: { type: "string", default: "7" },
    "round-ms": { type: "string", default: "300" },
    "warmup-ms": { type: "string", default: "300" },
    help: { type: "boolean", default: false },
  },
});

const dir = join(import.meta.dirname, "benches");
const available = readdirSync(dir)
  .filter((f) => f.endsWith(".ts"))
  .map((f) => f.slice(0, -3))
  .sort();

if (values.help) {
  console.log(
    `usage: pnpm bench [name ...] [--case TEXT] [--rounds N] [--round-ms MS] [--warmup-ms MS]\nbenchmarks: ${available.join(", ")}`,
  );
  process.exit(0);
}

const unknown = positionals.filter((p) => !available.includes(p));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(", ")}; available: ${available.join(", ")}`);
  process.exit(2);
}

const options = {
  rounds: Number(values.rounds),
  roundMs: Number(values["round-ms"]),
  warmupMs: Number(values["warmup-ms"]),
};
const selected = positionals.length ? positionals : available;
console.log(
  `node ${process.version}, ${cpus()[0]?.model ?? "cpu"} x${cpus().length}; ${options.rounds} interleaved rounds of ${options.roundMs} ms\n`,
);

const all: CaseResult[] = [];
for (const name of selected) {
  const def = (await import(join(dir, `${name}.ts`))).default as BenchDefinition;
  for (const c of def.cases) {
    if (values.case !== undefined && !c.name.includes(values.case)) continue;
    const r = await runCase(def.name, c, options);
    all.push(r);
    console.log(`${formatCase(r)}\n`);
  }
}

const out = join(import.meta.dirname, "..", "results");
mkdirSync(out, { recursive: true });
const file = join(out, `${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(
  file,
  `${JSON.stringify({ node: process.version, options, results: all }, null, 2)}\n`,
);
console.log(`results written to ${file}`);
process.exit(0);
