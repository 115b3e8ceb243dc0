/**
 * Snapshots of the values behind the most frequent lines, taken at parse time in the line's
 * {@link Slot}, so that the serializer can tell an unchanged value by comparing a few fields
 * instead of rendering the line again. Kinds without a snapshot fall back to render-and-compare.
 */
import type { Candidate } from "./candidate.js";
import { K, type Slot } from "./layout.js";
import type { Codec, Extmap, RtcpFeedback, SsrcAttribute } from "./model.js";
import type { AnySection } from "./render.js";

/** Records the current value of `slot`'s line (called right after the value was parsed). */
export function takeSnapshot(slot: Slot, sec: AnySection): void {
  switch (slot.kind) {
    case K.CANDIDATE: {
      const c = slot.item as Candidate;
      slot.snap = c.extensions.length === 0 ? cloneCandidate(c) : undefined;
      return;
    }
    case K.RTPMAP: {
      const c = slot.item as Codec;
      slot.snap = c.name;
      slot.sn = c.clockRate;
      slot.sm = c.channels ?? -1;
      return;
    }
    case K.FMTP: {
      const p = (slot.item as Codec).parameters;
      let n = 0;
      for (const _ in p) n++;
      slot.snap = { ...p };
      slot.sn = n;
      return;
    }
    case K.RTCPFB: {
      const f = slot.sub as RtcpFeedback;
      slot.snap = f.type;
      slot.s2 = f.parameter;
      return;
    }
    case K.SSRC: {
      const s = slot.item as SsrcAttribute;
      slot.sn = s.ssrc;
      slot.snap = s.attribute;
      slot.s2 = s.value;
      return;
    }
    case K.EXTMAP: {
      const e = slot.item as Extmap;
      slot.sn = e.id;
      slot.snap = e.uri;
      slot.s2 = e.direction;
      slot.s3 = e.attributes;
      return;
    }
    case K.MID:
      slot.snap = sec.mid;
      return;
    case K.ICE_UFRAG:
      slot.snap = sec.iceUfrag;
      return;
    case K.ICE_PWD:
      slot.snap = sec.icePwd;
      return;
    case K.SETUP:
      slot.snap = sec.setup;
      return;
    case K.DIRECTION:
      slot.snap = sec.direction;
      return;
  }
}

/**
 * Whether the value behind `slot` is provably unchanged (`item` is the matched list element or
 * codec). `false` means "render and compare", not "changed".
 */
export function unchanged(slot: Slot, item: object | undefined, sec: AnySection): boolean {
  const snap = slot.snap;
  if (snap === undefined) return false;
  switch (slot.kind) {
    case K.CANDIDATE: {
      const a = item as Candidate;
      const b = snap as Candidate;
      return (
        a.extensions.length === 0 &&
        a.foundation === b.foundation &&
        a.component === b.component &&
        a.transport === b.transport &&
        a.priority === b.priority &&
        a.address === b.address &&
        a.port === b.port &&
        a.type === b.type &&
        a.relatedAddress === b.relatedAddress &&
        a.relatedPort === b.relatedPort &&
        a.tcpType === b.tcpType &&
        a.generation === b.generation &&
        a.ufrag === b.ufrag &&
        a.networkId === b.networkId &&
        a.networkCost === b.networkCost
      );
    }
    case K.RTPMAP: {
      const c = item as Codec;
      return c.name === snap && c.clockRate === slot.sn && (c.channels ?? -1) === slot.sm;
    }
    case K.FMTP: {
      const p = (item as Codec).parameters;
      const q = snap as Record<string, string>;
      let n = 0;
      for (const k in p) {
        if (p[k] !== q[k]) return false;
        n++;
      }
      return n === slot.sn;
    }
    case K.RTCPFB: {
      const f = slot.sub as RtcpFeedback;
      return f.type === snap && f.parameter === slot.s2;
    }
    case K.SSRC: {
      const s = item as SsrcAttribute;
      return s.ssrc === slot.sn && s.attribute === snap && s.value === slot.s2;
    }
    case K.EXTMAP: {
      const e = item as Extmap;
      return (
        e.id === slot.sn && e.uri === snap && e.direction === slot.s2 && e.attributes === slot.s3
      );
    }
    case K.MID:
      return sec.mid === snap;
    case K.ICE_UFRAG:
      return sec.iceUfrag === snap;
    case K.ICE_PWD:
      return sec.icePwd === snap;
    case K.SETUP:
      return sec.setup === snap;
    case K.DIRECTION:
      return sec.direction === snap;
  }
  return false;
}

function cloneCandidate(c: Candidate): Candidate {
  return {
    foundation: c.foundation,
    component: c.component,
    transport: c.transport,
    priority: c.priority,
    address: c.address,
    port: c.port,
    type: c.type,
    relatedAddress: c.relatedAddress,
    relatedPort: c.relatedPort,
    tcpType: c.tcpType,
    generation: c.generation,
    ufrag: c.ufrag,
    networkId: c.networkId,
    networkCost: c.networkCost,
    extensions: c.extensions,
  };
}
