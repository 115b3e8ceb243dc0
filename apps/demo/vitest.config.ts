import { defineProject } from "vitest/config";
import { sourceProject } from "../../vitest.shared.js";

export default defineProject(sourceProject("demo"));
