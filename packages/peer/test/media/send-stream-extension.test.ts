import {
  buildExtensionBlock,
  encodeAbsSendTime,
  encodeSdesExtension,
  type HeaderExtension,
  RTP_EXTENSION_URI,
  readHeaderExtensions,
} from "@purertc/rtp";
import type { Extmap } from "@purertc/sdp";
import { describe, expect, it } from "vitest";
import { defaultCodecs, defaultExtmaps } from "../../src/index.js";
import { SendStream } from "../../src/media/send-stream.js";

function stream(mid: string, extmaps: readonly Extmap[], rid?: string) {
  return new SendStream(
    {
      id: 1,
      mid,
      kind: "video",
      ssrc: 0x1000,
      rtxSsrc: 0x2000,
      codecs: defaultCodecs("video"),
      extmaps,
      ...(rid !== undefined ? { rid } : {}),
    },
    100,
  );
}

/** What the stream must write: MID, rid, abs-send-time at `now`, the transport-cc placeholder. */
function expected(mid: string, extmaps: readonly Extmap[], now: number, rid?: string) {
  const id = (uri: string) => extmaps.find((e) => e.uri === uri)?.id;
  const list: HeaderExtension[] = [];
  const push = (i: number | undefined, data: Uint8Array) => {
    if (i !== undefined) list.push({ id: i, data });
  };
  push(id(RTP_EXTENSION_URI.mid), encodeSdesExtension(mid));
  if (rid !== undefined) push(id(RTP_EXTENSION_URI.rtpStreamId), encodeSdesExtension(rid));
  push(id(RTP_EXTENSION_URI.absSendTime), encodeAbsSendTime(now));
  push(id(RTP_EXTENSION_URI.transportWideCc), new Uint8Array(2));
  return list.length === 0 ? undefined : buildExtensionBlock(list);
}

const video = defaultExtmaps("video");
const without = (uri: string) => video.filter((e) => e.uri !== uri);

describe("SendStream extension block (RFC 8285), prepared once and patched per packet", () => {
  const cases: [string, string, readonly Extmap[], string | undefined][] = [
    ["one-byte form, MID + abs-send-time + transport-cc", "0", video, undefined],
    ["with a rid before abs-send-time", "1", video, "hi"],
    ["two-byte form (a 20-byte MID)", "m".repeat(20), video, undefined],
    ["no abs-send-time negotiated", "0", without(RTP_EXTENSION_URI.absSendTime), undefined],
    ["nothing negotiated", "0", [], undefined],
  ];
  it.each(cases)(
    "%s: equals the block built from the list, at every send time",
    (_n, mid, ext, rid) => {
      const tx = stream(mid, ext, rid);
      for (const now of [0, 1234.5, 64_000 + 7, 999_999]) {
        expect(tx.extension(now)).toEqual(expected(mid, ext, now, rid));
      }
      // Each packet gets its own copy: patching one does not change another.
      const a = tx.extension(10);
      const b = tx.extension(20);
      if (a !== undefined && b !== undefined) expect(a.data).not.toBe(b.data);
    },
  );

  it("carried end-to-end extensions come first, ours after", () => {
    const tx = stream("0", video);
    const carried = [{ id: 9, data: Uint8Array.of(0x85) }];
    const block = tx.extension(5, carried)!;
    const ours = expected("0", video, 5)!;
    expect(block).toEqual(buildExtensionBlock([...carried, ...readHeaderExtensions(ours)]));
  });
});
