import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { parse } from "@purertc/sdp";
import { describe, expect, it } from "vitest";
import { JsepSession, readTransport } from "../../src/index.js";
import { releaseModel } from "../../src/jsep/remote.js";
import { init, opus } from "./fixtures.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Ends the current job (WeakRef targets are kept until then), then collects. */
async function collect(): Promise<void> {
  await new Promise((r) => setImmediate(r));
  gc();
}

function connected(): { a: JsepSession; b: JsepSession; offer: string; answer: string } {
  const a = new JsepSession("1");
  const b = new JsepSession("2");
  const offer = a.createOffer(init("aaaa"), true);
  a.setLocal("offer", offer);
  b.setRemote("offer", offer);
  const answer = b.createAnswer(init("bbbb"));
  b.setLocal("answer", answer);
  a.setRemote("answer", answer);
  return { a, b, offer, answer };
}

describe("JsepSession memory once stable", () => {
  it("lets the GC take a released model and parses it again, equal, from the text", async () => {
    const sdp = connected().offer;
    const info = readTransport(sdp);
    const probe = new WeakRef(info.model);
    releaseModel(info);
    await collect();
    expect(probe.deref()).toBeUndefined();
    expect(info.model).toEqual(parse(sdp));
    expect(info.ufrag).toBe("aaaa");
    expect(info.data?.sctpPort).toBe(5000);
  });

  it("keeps an unreleased model (a pending description's) however often the GC runs", async () => {
    const info = readTransport(connected().offer);
    const probe = new WeakRef(info.model);
    await collect();
    expect(probe.deref()).toBe(info.model);
  });

  it("does not hold the current descriptions' models after the answer (stable)", async () => {
    const { a, b } = connected();
    const probes = [a.localTransport, a.remoteTransport, b.localTransport, b.remoteTransport].map(
      (t) => new WeakRef(t!.model),
    );
    await collect();
    expect(probes.map((p) => p.deref())).toEqual([undefined, undefined, undefined, undefined]);
    expect(a.dataNegotiated && b.dataNegotiated).toBe(true);
    expect(a.remoteTransport?.mids).toEqual(["0"]);
  });

  it("renegotiates after the models were collected: the re-offer keeps the data section first (RFC 8829 §5.2.2)", async () => {
    const { a, b } = connected();
    await collect();
    const reOffer = a.createOffer(init("aaaa"), true, [
      { kind: "audio", mid: "1", direction: "sendrecv", codecs: [opus] },
    ]);
    expect(parse(reOffer).media.map((m) => m.mid)).toEqual(["0", "1"]);
    a.setLocal("offer", reOffer);
    b.setRemote("offer", reOffer);
    await collect();
    // The pending offer's model is held: the answer is built from it.
    const answer = parse(b.createAnswer(init("bbbb")));
    expect(answer.media.map((m) => m.mid)).toEqual(["0", "1"]);
  });

  it("rolls back a re-offer after the models were collected and offers again from the current ones", async () => {
    const { a } = connected();
    await collect();
    a.setLocal("offer", a.createOffer(init("aaaa"), true));
    expect(a.rollback("local")).toBe("have-local-offer");
    await collect();
    expect(a.signalingState).toBe("stable");
    expect(parse(a.createOffer(init("aaaa"), true)).media.map((m) => m.mid)).toEqual(["0"]);
  });
});
