import { seededRng } from "@purertc/common";
import { describe, expect, it } from "vitest";
import { SctpAssociation } from "../../src/association/association.js";
import type { InitChunk } from "../../src/chunks/init.js";
import { EDMID_DTLS } from "../../src/constants.js";
import { decodePacket, encodePacket } from "../../src/packet.js";
import type { Param } from "../../src/params/param.js";

/** The INIT ACK an association (zero checksum enabled) answers to an INIT with `params`. */
function initAckFor(params: readonly Param[]): InitChunk {
  const assoc = new SctpAssociation({ rng: seededRng(3), zeroChecksum: true });
  const init: InitChunk = {
    kind: "init",
    initiateTag: 0x1234_5678,
    aRwnd: 131072,
    outboundStreams: 1024,
    inboundStreams: 1024,
    initialTsn: 1,
    params: [{ kind: "forward-tsn-supported" }, ...params],
  };
  assoc.handleDatagram(
    0,
    encodePacket({ sourcePort: 5000, destinationPort: 5000, verificationTag: 0, chunks: [init] }),
  );
  const out = assoc.pollTransmit();
  expect(out).toBeDefined();
  const ack = decodePacket(out!).chunks[0] as InitChunk;
  expect(ack.kind).toBe("init-ack");
  return ack;
}

const zeroChecksumParam = (c: InitChunk) =>
  c.params.filter((p) => p.kind === "zero-checksum-acceptable");

describe("INIT ACK and Zero Checksum Acceptable (RFC 9653 §5.1)", () => {
  it("is not announced to a peer whose INIT lacks it (Pion sctp < 1.8.12 cannot parse it and never connects)", () => {
    expect(zeroChecksumParam(initAckFor([]))).toEqual([]);
  });

  it("is announced to a peer whose INIT offers it", () => {
    const ack = initAckFor([{ kind: "zero-checksum-acceptable", edmid: EDMID_DTLS }]);
    expect(zeroChecksumParam(ack)).toEqual([
      { kind: "zero-checksum-acceptable", edmid: EDMID_DTLS },
    ]);
  });
});
