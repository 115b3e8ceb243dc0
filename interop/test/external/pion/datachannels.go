package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"strings"

	"github.com/pion/webrtc/v3"
)

// channelInfo is what the tests check of a channel's negotiated parameters.
func channelInfo(dc *webrtc.DataChannel) map[string]any {
	info := map[string]any{
		"label":      dc.Label(),
		"ordered":    dc.Ordered(),
		"protocol":   dc.Protocol(),
		"negotiated": dc.Negotiated(),
	}
	if id := dc.ID(); id != nil {
		info["channelId"] = *id
	}
	if m := dc.MaxRetransmits(); m != nil {
		info["maxRetransmits"] = *m
	}
	if m := dc.MaxPacketLifeTime(); m != nil {
		info["maxPacketLifeTime"] = *m
	}
	return info
}

func (p *peer) channel(label string) *webrtc.DataChannel {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.channels[label]
}

// adopt registers a channel (ours or the remote's) and gives it its echo or bulk behaviour.
func (p *peer) adopt(dc *webrtc.DataChannel) {
	p.mu.Lock()
	p.channels[dc.Label()] = dc
	p.mu.Unlock()
	dc.OnClose(func() {
		event("channel-close", map[string]any{"label": dc.Label()})
	})
	if !strings.HasPrefix(dc.Label(), "bulk") {
		dc.OnMessage(func(msg webrtc.DataChannelMessage) {
			var err error
			if msg.IsString {
				err = dc.SendText(string(msg.Data))
			} else {
				err = dc.Send(msg.Data)
			}
			if err != nil {
				event("echo-error", map[string]any{"label": dc.Label(), "message": err.Error()})
			}
		})
		return
	}
	var sum hash.Hash = sha256.New()
	received := 0
	dc.OnMessage(func(msg webrtc.DataChannelMessage) {
		if msg.IsString && string(msg.Data) == "end" {
			reply, _ := json.Marshal(map[string]any{"bytes": received, "sha256": hex.EncodeToString(sum.Sum(nil))})
			_ = dc.SendText(string(reply))
			return
		}
		sum.Write(msg.Data)
		received += len(msg.Data)
	})
}

// open creates a channel from this side (the test waits for it on its own side).
func (p *peer) open(r request) (map[string]any, error) {
	init := &webrtc.DataChannelInit{Ordered: r.Ordered, MaxRetransmits: r.MaxRetransmits, ID: r.ChannelID}
	if r.Negotiated {
		init.Negotiated = &r.Negotiated
	}
	if r.Protocol != "" {
		init.Protocol = &r.Protocol
	}
	dc, err := p.pc.CreateDataChannel(r.Label, init)
	if err != nil {
		return nil, err
	}
	p.adopt(dc)
	return channelInfo(dc), nil
}

// bulkByte is the deterministic content of byte i of a bulk transfer (the tests compute the same).
func bulkByte(i int) byte { return byte((i * 31) ^ (i >> 8)) }

// sendBulk opens channel r.Label and sends r.Bytes in 16 KiB messages, waiting below a 1 MiB
// high-water mark for bufferedamountlow, then the text "end"; replies with what it sent.
func (p *peer) sendBulk(r request) (map[string]any, error) {
	dc, err := p.pc.CreateDataChannel(r.Label, nil)
	if err != nil {
		return nil, err
	}
	opened := make(chan struct{})
	dc.OnOpen(func() { close(opened) })
	const chunk, high, low = 16384, 1 << 20, 256 << 10
	drained := make(chan struct{}, 1)
	dc.SetBufferedAmountLowThreshold(low)
	dc.OnBufferedAmountLow(func() {
		select {
		case drained <- struct{}{}:
		default:
		}
	})
	<-opened
	sum := sha256.New()
	maxBuffered, waits := uint64(0), 0
	buf := make([]byte, chunk)
	for sent := 0; sent < r.Bytes; {
		n := chunk
		if r.Bytes-sent < n {
			n = r.Bytes - sent
		}
		for i := 0; i < n; i++ {
			buf[i] = bulkByte(sent + i)
		}
		if err := dc.Send(buf[:n]); err != nil {
			return nil, fmt.Errorf("bulk send at %d: %w", sent, err)
		}
		sum.Write(buf[:n])
		sent += n
		if b := dc.BufferedAmount(); b > maxBuffered {
			maxBuffered = b
		}
		for dc.BufferedAmount() > high {
			waits++
			<-drained
		}
	}
	if err := dc.SendText("end"); err != nil {
		return nil, err
	}
	return map[string]any{"bytes": r.Bytes, "sha256": hex.EncodeToString(sum.Sum(nil)),
		"maxBuffered": maxBuffered, "waits": waits}, nil
}
