"""An aiortc (Debian's python3-aiortc 1.4) peer driven by the purertc interop tests over
stdin/stdout, one JSON object per line — the same protocol as ../pion/main.go:

  requests  {"id": n, "cmd": "...", ...}  -> {"type": "result", "id": n, ...}
                                             or {"type": "error", "id": n, "message": "..."}
  events    {"type": "event", "event": "...", ...} at any time

Every channel echoes what it receives, except channels labelled "bulk...": those hash what they
receive and answer the text "end" with {"bytes": n, "sha256": "..."}. ICE gathers 127.0.0.1 only
(aioice skips loopback by itself, so its address lister is replaced) and no STUN server is used
(aiortc's default configuration would ask Google's).
"""

import asyncio
import fractions
import hashlib
import json
import logging
import os
import sys

import aioice.ice
import numpy
from av import VideoFrame

from aiortc import (
    RTCConfiguration,
    RTCPeerConnection,
    RTCSessionDescription,
    VideoStreamTrack,
)
from aiortc.rtp import RtcpPsfbPacket, RtcpRtpfbPacket

aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]

WIDTH, HEIGHT = 320, 240


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def event(name, **fields):
    emit({"type": "event", "event": name, **fields})


class MovingBars(VideoStreamTrack):
    """Generated 320x240 frames at 30 fps (aiortc encodes them with libvpx)."""

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        shift = (pts // 3000) % WIDTH
        img = numpy.zeros((HEIGHT, WIDTH, 3), numpy.uint8)
        img[:, :, 0] = numpy.roll(numpy.arange(WIDTH, dtype=numpy.uint8), shift)
        img[:, :, 1] = 128
        frame = VideoFrame.from_ndarray(img, format="bgr24")
        frame.pts = pts
        frame.time_base = time_base
        return frame


def channel_info(ch):
    return {
        "label": ch.label,
        "channelId": ch.id,
        "ordered": ch.ordered,
        "maxRetransmits": ch.maxRetransmits,
        "maxPacketLifeTime": ch.maxPacketLifeTime,
        "protocol": ch.protocol,
        "negotiated": ch.negotiated,
    }


class Peer:
    def __init__(self):
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.channels = {}
        self.send_video = False
        self.receive_audio = False
        self.video_added = False
        self.received = {}
        self.feedback = {}
        self.last_rtp = None  # (receiver, ssrc, seq) of the last video packet
        self.pc.on("datachannel", self.on_datachannel)
        self.pc.on("track", self.on_track)
        self.pc.on(
            "connectionstatechange",
            lambda: event("connection", state=self.pc.connectionState),
        )

    # --- data channels ---------------------------------------------------------------------

    def on_datachannel(self, ch):
        self.adopt(ch)
        event("channel", **channel_info(ch))

    def adopt(self, ch):
        self.channels[ch.label] = ch
        ch.on("close", lambda: event("channel-close", label=ch.label))
        if not ch.label.startswith("bulk"):
            ch.on("message", lambda m: ch.send(m))
            return
        state = {"sum": hashlib.sha256(), "bytes": 0}

        def on_message(m):
            if m == "end":
                ch.send(json.dumps({"bytes": state["bytes"], "sha256": state["sum"].hexdigest()}))
                return
            state["sum"].update(m if isinstance(m, bytes) else m.encode())
            state["bytes"] += len(m)

        ch.on("message", on_message)

    async def open(self, r):
        ch = self.pc.createDataChannel(
            r["label"],
            ordered=r.get("ordered", True),
            maxRetransmits=r.get("maxRetransmits"),
            protocol=r.get("protocol", ""),
            negotiated=r.get("negotiated", False),
            id=r.get("channelId"),
        )
        self.adopt(ch)
        return channel_info(ch)

    async def send_bulk(self, r):
        ch = self.pc.createDataChannel(r["label"])
        opened = asyncio.Event()
        ch.on("open", opened.set)
        drained = asyncio.Event()
        ch.bufferedAmountLowThreshold = 256 * 1024
        ch.on("bufferedamountlow", drained.set)
        await opened.wait()
        total, chunk, high = r["bytes"], 16384, 1024 * 1024
        i = numpy.arange(total, dtype=numpy.int64)
        pattern = (((i * 31) ^ (i >> 8)) & 0xFF).astype(numpy.uint8).tobytes()
        digest = hashlib.sha256(pattern).hexdigest()
        max_buffered, waits = 0, 0
        for o in range(0, total, chunk):
            ch.send(pattern[o : o + chunk])
            max_buffered = max(max_buffered, ch.bufferedAmount)
            while ch.bufferedAmount > high:
                waits += 1
                drained.clear()
                await drained.wait()
        ch.send("end")
        return {"bytes": total, "sha256": digest, "maxBuffered": max_buffered, "waits": waits}

    # --- media -------------------------------------------------------------------------------

    def attach_senders(self, offering):
        if self.send_video and not self.video_added:
            self.video_added = True
            sender = self.pc.addTrack(MovingBars())
            self.watch_feedback("video", sender)
            if offering and self.receive_audio:
                self.pc.addTransceiver("audio", direction="recvonly")

    def watch_feedback(self, kind, sender):
        original = sender._handle_rtcp_packet

        async def counting(packet):
            name = None
            if isinstance(packet, RtcpPsfbPacket) and packet.fmt == 1:
                name = "Pli"
            elif isinstance(packet, RtcpRtpfbPacket) and packet.fmt == 1:
                name = "Nack"
            if name:
                key = kind + name
                self.feedback[key] = self.feedback.get(key, 0) + 1
            await original(packet)

        sender._handle_rtcp_packet = counting

    def on_track(self, track):
        stats = {"kind": track.kind, "frames": 0, "width": 0, "height": 0, "sampleRate": 0}
        self.received[track.kind] = stats
        event("track", kind=track.kind)
        receiver = next(t.receiver for t in self.pc.getTransceivers() if t.receiver.track is track)
        if track.kind == "video":
            original = receiver._handle_rtp_packet

            async def recording(packet, arrival_time_ms):
                self.last_rtp = (receiver, packet.ssrc, packet.sequence_number)
                await original(packet, arrival_time_ms)

            receiver._handle_rtp_packet = recording

        async def consume():
            while True:
                try:
                    frame = await track.recv()
                except Exception:
                    return
                stats["frames"] += 1
                if track.kind == "video":
                    stats["width"], stats["height"] = frame.width, frame.height
                else:
                    stats["sampleRate"] = frame.sample_rate

        asyncio.ensure_future(consume())

    async def send_feedback(self, kind):
        if self.last_rtp is None:
            raise RuntimeError("no video received yet")
        receiver, ssrc, seq = self.last_rtp
        if kind == "pli":
            await receiver._send_rtcp_pli(ssrc)
            return {}
        await receiver._send_rtcp_nack(ssrc, [seq])
        return {"seq": seq}

    # --- signaling ---------------------------------------------------------------------------

    async def handle(self, r):
        cmd = r["cmd"]
        if cmd == "offer":
            self.attach_senders(True)
            await self.pc.setLocalDescription(await self.pc.createOffer())
            return {"sdp": self.pc.localDescription.sdp}
        if cmd == "accept":
            await self.pc.setRemoteDescription(RTCSessionDescription(r["sdp"], "offer"))
            self.attach_senders(False)
            await self.pc.setLocalDescription(await self.pc.createAnswer())
            return {"sdp": self.pc.localDescription.sdp}
        if cmd == "answer":
            await self.pc.setRemoteDescription(RTCSessionDescription(r["sdp"], "answer"))
            return {}
        if cmd == "sctp":
            return {"maxChannels": self.pc.sctp.maxChannels if self.pc.sctp else None}
        if cmd == "open":
            return await self.open(r)
        if cmd == "close":
            self.channels[r["label"]].close()
            return {}
        if cmd == "send-bulk":
            return await self.send_bulk(r)
        if cmd == "add-media":
            self.send_video = r.get("video") == "generate"
            self.receive_audio = r.get("audio") == "receive"
            return {}
        if cmd == "media-report":
            return {"tracks": self.received, "feedback": self.feedback}
        if cmd in ("pli", "nack"):
            return await self.send_feedback(cmd)
        raise RuntimeError(f"unknown command {cmd!r}")


async def serve(peer, r):
    try:
        result = await peer.handle(r)
        emit({"type": "result", "id": r["id"], **result})
    except Exception as e:  # reported to the test, which fails with the message
        emit({"type": "error", "id": r["id"], "message": f"{type(e).__name__}: {e}"})


async def main():
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=16 * 1024 * 1024)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    peer = Peer()
    tasks = set()
    while line := await reader.readline():
        task = asyncio.ensure_future(serve(peer, json.loads(line)))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    await peer.pc.close()


if __name__ == "__main__":
    if os.environ.get("AIORTC_DEBUG"):
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="%(relativeCreated)d %(message)s")
    asyncio.run(main())
