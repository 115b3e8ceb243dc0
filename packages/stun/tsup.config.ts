import { defineConfig } from "tsup";

const shared = {
  format: "esm",
  target: "node20",
  // tsup sets baseUrl for its d.ts pass, which TypeScript 6 deprecates.
  dts: { compilerOptions: { ignoreDeprecations: "6.0" } },
  sourcemap: true,
} as const;

export default defineConfig([
  { ...shared, entry: ["src/index.ts", "src/node/index.ts"], clean: true },
  {
    ...shared,
    entry: { "node/cli": "src/node/cli.ts" },
    dts: false,
    banner: { js: "#!/usr/bin/env node" },
  },
]);
