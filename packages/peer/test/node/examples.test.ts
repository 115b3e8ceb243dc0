import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const TSX = join(import.meta.dirname, "../../../../node_modules/.bin/tsx");
const EXAMPLES = join(import.meta.dirname, "../../examples");
const haveFfmpeg = existsSync("/usr/bin/ffmpeg") && existsSync("/usr/bin/ffprobe");
if (!haveFfmpeg)
  console.warn("[peer] ffmpeg/ffprobe missing: SKIPPING the examples (apt-get install ffmpeg)");

/** Runs an example as a user would (tsx, the source condition), for `seconds` of media. */
function run(name: string, args: string[], seconds = 2): string {
  const r = spawnSync(TSX, ["--conditions=@purertc/source", join(EXAMPLES, name), ...args], {
    encoding: "utf8",
    timeout: 45_000,
    env: { ...process.env, EXAMPLE_SECONDS: String(seconds) },
  });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return r.stdout;
}

/** The count in "… <n> frames …" lines. */
const frames = (line: string) => Number(/(\d+) frames/.exec(line)?.[1]);

describe.skipIf(!haveFfmpeg)(
  "examples (run as scripts, ffmpeg's test pattern as the camera)",
  () => {
    it("ffmpeg-to-browser: ffmpeg's RTP into a track reaches the receiving peer as frames (30 fps, a keyframe per second)", () => {
      const out = run("ffmpeg-to-browser.ts", []);
      expect(out).toMatch(/browser received \d+ frames \(\d+ keyframes\)/);
      expect(frames(out)).toBeGreaterThanOrEqual(50);
    }, 60_000);

    it("record-webm: the recording is a VP8 320×240 WebM that ffprobe reads with its duration", () => {
      const file = join(tmpdir(), `purertc-example-${process.pid}.webm`);
      try {
        const out = run("record-webm.ts", [file]);
        expect(frames(out)).toBeGreaterThanOrEqual(50);
        const p = spawnSync(
          "ffprobe",
          [
            ...["-v", "error", "-of", "compact"],
            ...["-show_entries", "stream=codec_name,width,height:format=duration", file],
          ],
          { encoding: "utf8" },
        );
        expect(p.stdout).toContain("stream|codec_name=vp8|width=320|height=240");
        const duration = Number(/duration=([\d.]+)/.exec(p.stdout)?.[1]);
        expect(duration).toBeGreaterThan(1.5);
        expect(duration).toBeLessThan(3);
      } finally {
        rmSync(file, { force: true });
      }
    }, 60_000);

    it("forwarder: three subscribers each get the publisher's frames as relayed packets", () => {
      const out = run("forwarder.ts", ["3"]);
      const lines = out.trim().split("\n");
      expect(lines).toHaveLength(3);
      for (const l of lines) {
        expect(l).toMatch(/^subscriber \d: \d+ frames, \d+ packets relayed$/);
        expect(frames(l)).toBeGreaterThanOrEqual(50);
      }
    }, 60_000);
  },
);
