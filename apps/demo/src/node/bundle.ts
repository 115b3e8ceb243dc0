/** Bundles the page (src/web) with esbuild, in memory, once at start. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { build } from "esbuild";

export interface PageAssets {
  readonly html: string;
  readonly css: string;
  readonly js: string;
}

const WEB = join(import.meta.dirname, "..", "web");

export async function bundlePage(): Promise<PageAssets> {
  const result = await build({
    entryPoints: [join(WEB, "main.ts")],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    conditions: ["@purertc/source"],
    sourcemap: "inline",
    logLevel: "silent",
  });
  const js = result.outputFiles[0]?.text;
  if (js === undefined) throw new Error("esbuild produced no output");
  const [html, css] = await Promise.all([
    readFile(join(WEB, "index.html"), "utf8"),
    readFile(join(WEB, "style.css"), "utf8"),
  ]);
  return { html, css, js };
}
