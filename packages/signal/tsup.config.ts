import { defineConfig } from "tsup";

export default defineConfig([
  {
    entry: ["src/index.ts", "src/node/server/index.ts"],
    format: "esm",
    target: "node20",
    // tsup sets baseUrl for its d.ts pass, which TypeScript 6 deprecates.
    dts: { compilerOptions: { ignoreDeprecations: "6.0" } },
    sourcemap: true,
    clean: true,
  },
  {
    // The CLI: its own build so only it gets the shebang.
    entry: { "node/server/cli": "src/node/server/cli.ts" },
    format: "esm",
    target: "node20",
    sourcemap: true,
    clean: false,
    banner: { js: "#!/usr/bin/env node" },
  },
]);
