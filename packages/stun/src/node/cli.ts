/** The `purertc-stun` executable (see `cli-main.ts`). */
import { main } from "./cli-main.js";

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
