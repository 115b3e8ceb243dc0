package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v3"
	"github.com/pion/webrtc/v3/pkg/media"
	"github.com/pion/webrtc/v3/pkg/media/ivfreader"
	"github.com/pion/webrtc/v3/pkg/media/oggreader"
)

// received is what arrived on one remote track.
type received struct {
	Kind      string `json:"kind"`
	Codec     string `json:"codec"`
	SSRC      uint32 `json:"ssrc"`
	Packets   int    `json:"packets"`
	Frames    int    `json:"frames"`
	KeyFrames int    `json:"keyFrames"`
	Width     int    `json:"width"`
	Height    int    `json:"height"`
	LastSeq   uint16 `json:"lastSeq"`
}

// mediaState sends the IVF/Ogg files, counts what the remote tracks carry, and counts the RTCP
// feedback our senders get. As an interceptor factory it also counts RTP per SSRC, including
// the RTX repair streams that Pion 3.1 reads and drops.
type mediaState struct {
	interceptor.NoOp
	mu         sync.Mutex
	videoPath  string
	audioPath  string
	video      *webrtc.TrackLocalStaticSample
	audio      *webrtc.TrackLocalStaticSample
	tracks     map[string]*received
	ssrcCounts map[uint32]int
	feedback   map[string]int
	connected  chan struct{}
	once       sync.Once
}

func newMediaState() *mediaState {
	return &mediaState{tracks: map[string]*received{}, ssrcCounts: map[uint32]int{},
		feedback: map[string]int{}, connected: make(chan struct{})}
}

func (m *mediaState) markConnected() { m.once.Do(func() { close(m.connected) }) }

// NewInterceptor makes the state the (stateless) counting interceptor of the connection.
func (m *mediaState) NewInterceptor(_ string) (interceptor.Interceptor, error) { return m, nil }

// BindRemoteStream counts every RTP packet read on a remote SSRC.
func (m *mediaState) BindRemoteStream(info *interceptor.StreamInfo, reader interceptor.RTPReader) interceptor.RTPReader {
	ssrc := info.SSRC
	return interceptor.RTPReaderFunc(func(b []byte, a interceptor.Attributes) (int, interceptor.Attributes, error) {
		n, a, err := reader.Read(b, a)
		if err == nil {
			m.mu.Lock()
			m.ssrcCounts[ssrc]++
			m.mu.Unlock()
		}
		return n, a, err
	})
}

func (m *mediaState) addSources(video, audio string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.videoPath, m.audioPath = video, audio
	return nil
}

// attachSenders adds the tracks for the configured sources (once) and reads their RTCP.
func (m *mediaState) attachSenders(pc *webrtc.PeerConnection) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	add := func(mime, id string, path string) (*webrtc.TrackLocalStaticSample, error) {
		if path == "" {
			return nil, nil
		}
		track, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: mime}, id, "pion")
		if err != nil {
			return nil, err
		}
		sender, err := pc.AddTrack(track)
		if err != nil {
			return nil, err
		}
		go m.readFeedback(id, sender)
		return track, nil
	}
	var err error
	if m.video == nil {
		if m.video, err = add(webrtc.MimeTypeVP8, "video", m.videoPath); err != nil {
			return err
		}
	}
	if m.audio == nil {
		m.audio, err = add(webrtc.MimeTypeOpus, "audio", m.audioPath)
	}
	return err
}

// readFeedback counts the PLI/FIR/NACK packets the remote sends about our track `id`.
func (m *mediaState) readFeedback(id string, sender *webrtc.RTPSender) {
	for {
		pkts, _, err := sender.ReadRTCP()
		if err != nil {
			return
		}
		m.mu.Lock()
		for _, p := range pkts {
			switch p.(type) {
			case *rtcp.PictureLossIndication:
				m.feedback[id+"Pli"]++
			case *rtcp.FullIntraRequest:
				m.feedback[id+"Fir"]++
			case *rtcp.TransportLayerNack:
				m.feedback[id+"Nack"]++
			case *rtcp.ReceiverReport:
				m.feedback[id+"Rr"]++
			}
		}
		m.mu.Unlock()
	}
}

// receive counts the packets of a remote track; VP8 frames end at the marker bit, a keyframe's
// dimensions come from its header (RFC 6386 §9.1).
func (m *mediaState) receive(track *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
	r := &received{Kind: track.Kind().String(), Codec: track.Codec().MimeType, SSRC: uint32(track.SSRC())}
	m.mu.Lock()
	m.tracks[r.Kind] = r
	m.mu.Unlock()
	event("track", map[string]any{"kind": r.Kind, "codec": r.Codec})
	go func() {
		vp8 := codecs.VP8Packet{}
		for {
			pkt, _, err := track.ReadRTP()
			if err != nil {
				return
			}
			m.mu.Lock()
			r.Packets++
			r.LastSeq = pkt.SequenceNumber
			if r.Kind == "video" {
				m.countVP8(r, &vp8, pkt)
			} else {
				r.Frames++
			}
			m.mu.Unlock()
		}
	}()
}

func (m *mediaState) countVP8(r *received, vp8 *codecs.VP8Packet, pkt *rtp.Packet) {
	if pkt.Marker {
		r.Frames++
	}
	payload, err := vp8.Unmarshal(pkt.Payload)
	if err != nil || vp8.S != 1 || vp8.PID != 0 || len(payload) < 10 || payload[0]&1 != 0 {
		return
	}
	r.KeyFrames++
	r.Width = int(binary.LittleEndian.Uint16(payload[6:8]) & 0x3fff)
	r.Height = int(binary.LittleEndian.Uint16(payload[8:10]) & 0x3fff)
}

// play writes the whole IVF and Ogg files into the tracks, one frame/packet every paceMs.
func (m *mediaState) play(paceMs int) (map[string]any, error) {
	m.mu.Lock()
	video, audio, videoPath, audioPath := m.video, m.audio, m.videoPath, m.audioPath
	m.mu.Unlock()
	pace := time.Duration(paceMs) * time.Millisecond
	// Pion 3.1 reports "connected" before it starts SRTP (dtlstransport.go: onStateChange, then
	// startSRTP) and drops the samples written in between: wait for the state, then a margin.
	<-m.connected
	time.Sleep(100 * time.Millisecond)
	var wg sync.WaitGroup
	var videoFrames, audioPackets int
	var videoErr, audioErr error
	if video != nil {
		wg.Add(1)
		go func() { defer wg.Done(); videoFrames, videoErr = playIvf(video, videoPath, pace) }()
	}
	if audio != nil {
		wg.Add(1)
		go func() { defer wg.Done(); audioPackets, audioErr = playOgg(audio, audioPath, pace) }()
	}
	wg.Wait()
	if videoErr != nil {
		return nil, videoErr
	}
	if audioErr != nil {
		return nil, audioErr
	}
	return map[string]any{"videoFrames": videoFrames, "audioPackets": audioPackets}, nil
}

func playIvf(track *webrtc.TrackLocalStaticSample, path string, pace time.Duration) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	reader, header, err := ivfreader.NewWith(f)
	if err != nil {
		return 0, err
	}
	frameDuration := time.Second * time.Duration(header.TimebaseNumerator) / time.Duration(header.TimebaseDenominator)
	n := 0
	for {
		frame, _, err := reader.ParseNextFrame()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		if err := track.WriteSample(media.Sample{Data: frame, Duration: frameDuration}); err != nil {
			return n, err
		}
		n++
		time.Sleep(pace)
	}
}

// playOgg sends each Opus packet of an Ogg file. Pion 3.1's oggreader returns a page's packets
// glued together (ffmpeg puts 50 in a page), so it only checks the OpusHead here and the packets
// are cut from each page's segment table (RFC 3533 §6) below.
func playOgg(track *webrtc.TrackLocalStaticSample, path string, pace time.Duration) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if _, _, err := oggreader.NewWith(f); err != nil {
		return 0, err
	}
	packets, err := oggPackets(data)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range packets[2:] { // OpusHead and OpusTags first (RFC 7845 §3)
		if err := track.WriteSample(media.Sample{Data: p, Duration: 20 * time.Millisecond}); err != nil {
			return n, err
		}
		n++
		time.Sleep(pace)
	}
	return n, nil
}

// oggPackets splits an Ogg stream into its packets (lacing values < 255 end a packet).
func oggPackets(data []byte) ([][]byte, error) {
	var packets [][]byte
	var cur []byte
	for o := 0; o < len(data); {
		if len(data) < o+27 || string(data[o:o+4]) != "OggS" {
			return nil, fmt.Errorf("ogg: bad page at %d", o)
		}
		segments := int(data[o+26])
		body := o + 27 + segments
		if len(data) < body {
			return nil, fmt.Errorf("ogg: truncated page at %d", o)
		}
		for _, lace := range data[o+27 : body] {
			if len(data) < body+int(lace) {
				return nil, fmt.Errorf("ogg: truncated segment at %d", body)
			}
			cur = append(cur, data[body:body+int(lace)]...)
			body += int(lace)
			if lace < 255 {
				packets = append(packets, cur)
				cur = nil
			}
		}
		o = body
	}
	return packets, nil
}

func (m *mediaState) report() map[string]any {
	m.mu.Lock()
	defer m.mu.Unlock()
	tracks := map[string]any{}
	known := map[uint32]bool{}
	for kind, r := range m.tracks {
		tracks[kind] = *r
		known[r.SSRC] = true
	}
	other := 0
	for ssrc, n := range m.ssrcCounts {
		if !known[ssrc] {
			other += n
		}
	}
	feedback := map[string]int{}
	for k, v := range m.feedback {
		feedback[k] = v
	}
	return map[string]any{"tracks": tracks, "otherSsrcPackets": other, "feedback": feedback}
}

func (m *mediaState) videoReceived() (*received, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.tracks["video"]
	if r == nil || r.Packets == 0 {
		return nil, errors.New("no video received yet")
	}
	return r, nil
}

// sendPLI asks the remote video sender for a keyframe (RFC 4585 §6.3.1).
func (m *mediaState) sendPLI(pc *webrtc.PeerConnection) error {
	r, err := m.videoReceived()
	if err != nil {
		return err
	}
	return pc.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{SenderSSRC: 1, MediaSSRC: r.SSRC}})
}

// sendNACK asks for the last video packet received again (RFC 4585 §6.2.1).
func (m *mediaState) sendNACK(pc *webrtc.PeerConnection) (map[string]any, error) {
	r, err := m.videoReceived()
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	seq := r.LastSeq
	m.mu.Unlock()
	nack := &rtcp.TransportLayerNack{SenderSSRC: 1, MediaSSRC: r.SSRC, Nacks: []rtcp.NackPair{{PacketID: seq}}}
	return map[string]any{"seq": seq}, pc.WriteRTCP([]rtcp.Packet{nack})
}
