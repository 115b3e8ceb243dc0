import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/node/index.ts", "src/node/global.ts"],
  format: "esm",
  target: "node20",
  dts: true,
  sourcemap: true,
  clean: true,
});
