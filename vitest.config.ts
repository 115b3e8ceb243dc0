import { defineConfig } from "vitest/config";
import { sourceProject } from "./vitest.shared.js";

export default defineConfig({
  test: {
    projects: [
      "packages/*/vitest.config.ts",
      "apps/*/vitest.config.ts",
      "interop/vitest.config.ts",
      {
        extends: false,
        ...sourceProject("repo"),
      },
      "test-dist/vitest.config.ts",
    ],
  },
});
