import { describe, expect, it } from "vitest";
import { parseArgs, UsageError } from "../../src/node/cli-args.js";

describe("demo flags", () => {
  it("defaults to 127.0.0.1:8080 without self-test", () => {
    expect(parseArgs([])).toEqual({
      port: 8080,
      host: "127.0.0.1",
      selfTest: false,
      verbose: false,
      help: false,
    });
  });
  it("takes --port/--host as separate or --flag=value, skipping the npm `--` separator", () => {
    expect(parseArgs(["--", "--port", "9000", "--host=0.0.0.0"])).toMatchObject({
      port: 9000,
      host: "0.0.0.0",
    });
    expect(parseArgs(["--port=0"]).port).toBe(0);
  });
  it("refuses unknown flags, missing values and non-ports (exit 2 in main)", () => {
    expect(() => parseArgs(["--bogus"])).toThrow(UsageError);
    expect(() => parseArgs(["--port"])).toThrow(UsageError);
    expect(() => parseArgs(["--port", "80a"])).toThrow(UsageError);
    expect(() => parseArgs(["--port", "70000"])).toThrow(UsageError);
  });
  it("recognises --help, -h, --self-test and --verbose", () => {
    expect(parseArgs(["-h"]).help).toBe(true);
    expect(parseArgs(["--self-test", "--verbose"])).toMatchObject({
      selfTest: true,
      verbose: true,
    });
  });
});
