import { defineProject } from "vitest/config";
import { sourceProject } from "../vitest.shared.js";

const base = sourceProject("interop");

/** Native addons (wrtc, node-datachannel) are loaded in child processes, not worker threads. */
export default defineProject({ ...base, test: { ...base.test, pool: "forks" } });
