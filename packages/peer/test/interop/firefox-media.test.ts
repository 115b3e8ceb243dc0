/**
 * Media interop with headless Firefox ESR (fake camera and microphone), in the Firefox harness's
 * network namespace: Firefox's VP8 and Opus arrive as frames with purertc as answerer and as
 * offerer, and the GStreamer VP8 clip sent by purertc is decoded by Firefox. Each step runs in
 * the scenario child (firefox-media-scenario.ts), which checks the media itself.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FirefoxInterop, firefoxUnavailable } from "./firefox-harness.js";
import { passed } from "./scenario-tests.js";

const unavailable = firefoxUnavailable();
if (unavailable) console.warn(`[peer] SKIPPING Firefox ESR media interop: ${unavailable}`);

describe.skipIf(unavailable !== undefined)("media interop with headless Firefox ESR", () => {
  const interop = new FirefoxInterop();

  beforeAll(async () => {
    await interop.start("firefox-media-scenario.ts");
    interop.launchFirefox("main", { obfuscateHostAddresses: false });
  }, 30_000);

  afterAll(() => interop.close(), 20_000);

  it("simulcast from Firefox (sendEncodings q/h/f): three layers of one receiver, VP8 at a quarter, half and full size", async () => {
    const info = passed(await interop.run("simulcast"), interop);
    expect(info.rids).toEqual(["q", "h", "f"]);
    const [q, h, f] = (info.sizes as string[]).map((s) => s.split("x").map(Number));
    expect(f![0]).toBe(2 * h![0]!);
    expect(h![0]).toBe(2 * q![0]!);
  }, 60_000);

  it("Firefox offers camera + microphone, purertc answers: VP8 (key frame) and Opus arrive as frames", async () => {
    const info = passed(await interop.run("receive", { side: "answerer" }), interop);
    expect(info.size).toMatch(/^\d+x\d+$/);
    expect(info).toMatchObject({ video: true, audio: true });
    // Recorded (WebmWriter, OggOpusWriter), ffprobe reads the codecs and the camera's size.
    const [w, h] = String(info.size).split("x");
    expect(info.webm).toBe(`stream|codec_name=vp8|width=${w}|height=${h}`);
    expect(info.ogg).toBe("stream|codec_name=opus");
  }, 60_000);

  it("purertc offers to receive, Firefox answers sending: VP8 and Opus arrive as frames", async () => {
    const info = passed(await interop.run("receive", { side: "offerer" }), interop);
    expect(info).toMatchObject({ video: true, audio: true });
  }, 60_000);

  it("echo: purertc answers Firefox's camera by relaying its own video back on the same transceiver, and Firefox decodes it", async () => {
    const info = passed(await interop.run("echo"), interop);
    expect(info.mimeType).toBe("video/VP8");
    expect(info.framesDecoded as number).toBeGreaterThan(30);
    expect(info.frameWidth).toBe(320);
    expect(info.packetsForwarded as number).toBeGreaterThan(30);
  }, 60_000);

  it("5 % loss on the path (iptables random drop of UDP): Firefox's video keeps arriving, NACKs and retransmissions show in both sides' stats", async () => {
    const info = passed(await interop.run("lossy"), interop);
    const ours = info.ours as Record<string, number>;
    const theirs = info.theirs as Record<string, number>;
    // 8 s of a 30 fps camera, nearly all of it delivered despite the loss.
    expect(info.frames as number).toBeGreaterThan(150);
    expect(ours.nackCount).toBeGreaterThan(0);
    expect(ours.retransmittedPacketsReceived).toBeGreaterThan(0);
    expect(theirs.nackCount).toBeGreaterThan(0);
    expect(theirs.retransmittedPacketsSent).toBeGreaterThan(0);
  }, 60_000);

  it("the VP8 and Opus clips sent by purertc are decoded by Firefox (framesDecoded > 0, frameWidth 320, audio samples received)", async () => {
    const info = passed(await interop.run("send-clip"), interop);
    expect(info.mimeType).toBe("video/VP8");
    expect(info.framesDecoded).toBeGreaterThan(0);
    expect(info.frameWidth).toBe(320);
    expect(info.audio).toMatchObject({ mimeType: "audio/opus" });
    expect((info.audio as { totalSamplesReceived: number }).totalSamplesReceived).toBeGreaterThan(
      0,
    );
  }, 60_000);
});
