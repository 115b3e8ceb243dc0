#!/usr/bin/env node
// purertc-turn: a thin wrapper over @purertc/turn/node's CLI (options: purertc-turn --help).
import { runTurnCli } from "@purertc/turn/node";

process.exitCode = await runTurnCli(process.argv.slice(2), {
  env: process.env,
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
});
