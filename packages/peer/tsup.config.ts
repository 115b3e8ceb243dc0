import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/node/index.ts", "src/node/global.ts"],
  format: "esm",
  target: "node20",
  // tsup sets baseUrl for its d.ts pass, which TypeScript 6 deprecates.
  dts: { compilerOptions: { ignoreDeprecations: "6.0" } },
  sourcemap: true,
  clean: true,
});
