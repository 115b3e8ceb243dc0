// A Pion (github.com/pion/webrtc/v3, Debian's golang-github-pion-webrtc.v3-dev) peer driven by the
// purertc interop tests over stdin/stdout, one JSON object per line.
//
// Requests  {"id":n,"cmd":"...",...}      → replies {"type":"result","id":n,...} or
//
//	{"type":"error","id":n,"message":"..."}
//
// Events    {"type":"event","event":"...",...} at any time (channel opened/closed by us, track).
//
// Every channel echoes what it receives (text as text, binary as binary), except channels whose
// label starts with "bulk": those hash what they receive and answer the text "end" with
// {"bytes":n,"sha256":"..."}. Only 127.0.0.1 over UDP4, no mDNS, no STUN servers.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"github.com/pion/ice/v2"
	"github.com/pion/interceptor"
	"github.com/pion/logging"
	"github.com/pion/webrtc/v3"
)

type request struct {
	ID             int     `json:"id"`
	Cmd            string  `json:"cmd"`
	SDP            string  `json:"sdp"`
	Label          string  `json:"label"`
	Ordered        *bool   `json:"ordered"`
	MaxRetransmits *uint16 `json:"maxRetransmits"`
	Negotiated     bool    `json:"negotiated"`
	ChannelID      *uint16 `json:"channelId"`
	Protocol       string  `json:"protocol"`
	Bytes          int     `json:"bytes"`
	Video          string  `json:"video"`
	Audio          string  `json:"audio"`
	PaceMs         int     `json:"paceMs"`
	Kind           string  `json:"kind"`
	Trickle        bool    `json:"trickle"`
	Candidate      *string `json:"candidate"`
	SDPMid         *string `json:"sdpMid"`
	SDPMLineIndex  *uint16 `json:"sdpMLineIndex"`
}

var outMu sync.Mutex

// emit writes one JSON line to stdout.
func emit(v map[string]any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	outMu.Lock()
	defer outMu.Unlock()
	os.Stdout.Write(append(b, '\n'))
}

func event(name string, fields map[string]any) {
	fields["type"] = "event"
	fields["event"] = name
	emit(fields)
}

// peer is the one RTCPeerConnection of this process and what the tests ask about it.
type peer struct {
	pc       *webrtc.PeerConnection
	mu       sync.Mutex
	channels map[string]*webrtc.DataChannel
	media    *mediaState
}

func newPeer() (*peer, error) {
	settings := webrtc.SettingEngine{}
	logs := logging.NewDefaultLoggerFactory() // stdout carries the protocol: Pion logs to stderr
	logs.Writer = os.Stderr
	settings.LoggerFactory = logs
	settings.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	settings.SetIncludeLoopbackCandidate(true)
	settings.SetIPFilter(func(ip net.IP) bool { return ip.Equal(net.IPv4(127, 0, 0, 1)) })
	settings.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)

	media := &webrtc.MediaEngine{}
	if err := media.RegisterDefaultCodecs(); err != nil {
		return nil, err
	}
	registry := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(media, registry); err != nil {
		return nil, err
	}
	state := newMediaState()
	registry.Add(state)
	api := webrtc.NewAPI(webrtc.WithSettingEngine(settings), webrtc.WithMediaEngine(media),
		webrtc.WithInterceptorRegistry(registry))
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, err
	}
	p := &peer{pc: pc, channels: map[string]*webrtc.DataChannel{}, media: state}
	pc.OnDataChannel(func(dc *webrtc.DataChannel) {
		p.adopt(dc)
		dc.OnOpen(func() {
			event("channel", channelInfo(dc))
		})
	})
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		if s == webrtc.PeerConnectionStateConnected {
			state.markConnected()
		}
		event("connection", map[string]any{"state": s.String()})
	})
	pc.OnICECandidate(func(c *webrtc.ICECandidate) {
		if c == nil {
			event("candidate", map[string]any{"candidate": nil})
			return
		}
		init := c.ToJSON()
		event("candidate", map[string]any{"candidate": init.Candidate, "sdpMid": init.SDPMid,
			"sdpMLineIndex": init.SDPMLineIndex})
	})
	pc.OnTrack(func(track *webrtc.TrackRemote, receiver *webrtc.RTPReceiver) {
		state.receive(track, receiver)
	})
	return p, nil
}

// describe sets the local description and returns it: at once when trickling (candidates follow
// as events), else once gathering completed.
func (p *peer) describe(desc webrtc.SessionDescription, trickle bool) (string, error) {
	done := webrtc.GatheringCompletePromise(p.pc)
	if err := p.pc.SetLocalDescription(desc); err != nil {
		return "", err
	}
	if !trickle {
		<-done
	}
	return p.pc.LocalDescription().SDP, nil
}

// addCandidate adds a trickled remote candidate ("" or null: end of candidates) once the remote
// description is set (requests run concurrently, so it may overtake its description).
func (p *peer) addCandidate(r request) error {
	for i := 0; p.pc.RemoteDescription() == nil; i++ {
		if i == 500 {
			return fmt.Errorf("candidate without a remote description")
		}
		time.Sleep(10 * time.Millisecond)
	}
	init := webrtc.ICECandidateInit{SDPMid: r.SDPMid, SDPMLineIndex: r.SDPMLineIndex}
	if r.Candidate != nil {
		init.Candidate = *r.Candidate
	}
	return p.pc.AddICECandidate(init)
}

func (p *peer) handle(r request) (map[string]any, error) {
	switch r.Cmd {
	case "offer":
		if err := p.media.attachSenders(p.pc); err != nil {
			return nil, err
		}
		offer, err := p.pc.CreateOffer(nil)
		if err != nil {
			return nil, err
		}
		sdp, err := p.describe(offer, r.Trickle)
		return map[string]any{"sdp": sdp}, err
	case "accept":
		if err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: r.SDP}); err != nil {
			return nil, err
		}
		if err := p.media.attachSenders(p.pc); err != nil {
			return nil, err
		}
		answer, err := p.pc.CreateAnswer(nil)
		if err != nil {
			return nil, err
		}
		sdp, err := p.describe(answer, r.Trickle)
		return map[string]any{"sdp": sdp}, err
	case "answer":
		return map[string]any{}, p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: r.SDP})
	case "candidate":
		return map[string]any{}, p.addCandidate(r)
	case "sctp":
		sctp := p.pc.SCTP()
		if sctp == nil {
			return nil, fmt.Errorf("no SCTP transport")
		}
		return map[string]any{"maxChannels": sctp.MaxChannels()}, nil
	case "open":
		return p.open(r)
	case "close":
		dc := p.channel(r.Label)
		if dc == nil {
			return nil, fmt.Errorf("no channel %q", r.Label)
		}
		return map[string]any{}, dc.Close()
	case "send-bulk":
		return p.sendBulk(r)
	case "add-media":
		return map[string]any{}, p.media.addSources(r.Video, r.Audio)
	case "play":
		return p.media.play(r.PaceMs)
	case "media-report":
		return p.media.report(), nil
	case "pli":
		return map[string]any{}, p.media.sendPLI(p.pc)
	case "nack":
		return p.media.sendNACK(p.pc)
	}
	return nil, fmt.Errorf("unknown command %q", r.Cmd)
}

func main() {
	p, err := newPeer()
	if err != nil {
		fmt.Fprintln(os.Stderr, "pion:", err)
		os.Exit(1)
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 16<<20)
	for in.Scan() {
		var r request
		if err := json.Unmarshal(in.Bytes(), &r); err != nil {
			fmt.Fprintln(os.Stderr, "pion: bad request:", err)
			os.Exit(1)
		}
		go func(r request) {
			res, err := p.handle(r)
			if err != nil {
				emit(map[string]any{"type": "error", "id": r.ID, "message": err.Error()})
				return
			}
			res["type"] = "result"
			res["id"] = r.ID
			emit(res)
		}(r)
	}
	_ = p.pc.Close()
}
