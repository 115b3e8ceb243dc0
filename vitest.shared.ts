import type { UserWorkspaceConfig } from "vitest/config";

/**
 * Vitest project settings shared by every package: tests run on the TypeScript sources,
 * selected through the `@purertc/source` export condition (no build needed).
 */
export function sourceProject(name: string): UserWorkspaceConfig {
  const conditions = ["@purertc/source", "module", "node", "development|production"];
  return {
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ["@purertc/source", "node"] } },
    test: {
      name,
      include: ["test/**/*.test.ts"],
      environment: "node",
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  };
}
