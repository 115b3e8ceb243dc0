import { defineProject } from "vitest/config";

/** Tests the built `dist/` of every published package: no source condition here. */
export default defineProject({
  test: {
    name: "dist",
    include: ["**/*.test.ts"],
    environment: "node",
    testTimeout: 30_000,
  },
});
