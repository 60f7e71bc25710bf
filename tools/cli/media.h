// The media of `conclave join` (docs/cli.md "Media"): a member's audio and
// video from generated signals or files, Opus/VP8 encoding, SFrame
// protection under its epoch keys, the media path on UDP or on the signaling
// WebSocket, reception under the receiver policy, jitter buffers, decoding,
// recordings and per-stream statistics.
//
// Everything runs on the CLI's one thread: the join loop calls tick() every
// few milliseconds, after it has fed the session what the server sent.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/media/audio_jitter_buffer.h"
#include "client/media/epoch_keys.h"
#include "client/media/media_receiver.h"
#include "client/media/media_sender.h"
#include "client/media/nack_tracker.h"
#include "client/media/video_jitter_buffer.h"
#include "client/session.h"
#include "codec/i420_frame.h"
#include "codec/opus_decoder.h"
#include "codec/opus_encoder.h"
#include "codec/vp8_decoder.h"
#include "codec/vp8_encoder.h"
#include "core/result.h"
#include "crypto/hpke/dhkem.h"
#include "media/limits.h"
#include "media/udp_socket.h"

namespace conclave::cli {

// MediaTransport chooses how media packets travel: UDP to the server's media
// port, the signaling WebSocket, or UDP with a fall back to the WebSocket
// when the server does not answer on UDP within kUdpProbeMs.
enum class MediaTransport : uint8_t { kAuto, kUdp, kWebSocket };
const char* to_string(MediaTransport t);

inline constexpr uint64_t kUdpProbeMs = 3000;
// Keepalives keep the server's binding (and any NAT's) alive.
inline constexpr uint64_t kKeepaliveProbeMs = 500;
inline constexpr uint64_t kKeepaliveIdleMs = 5000;
// A recording stops growing at this size (a bound, not an expected size).
inline constexpr size_t kMaxRecordingBytes = 64 * 1024 * 1024;

// MediaOptions is what `join --audio/--video/--record/--media-transport`
// asked for. Sources are read (and files checked) by MediaEngine::create.
struct MediaOptions {
  std::string audio;       // "" (send none), "tone", "tone:HZ", or a WAV path
  std::string video;       // "" (send none), "pattern", "pattern:WxH@FPS", or a Y4M path
  std::string record_dir;  // "" records nothing
  // The recorder (SF-13, `--recorder --recording-key`): records only while
  // set_recording_allowed(true) (its own roster entry is labelled
  // recorder), and seals every recording to this organisation key.
  bool recorder = false;
  std::shared_ptr<const crypto::hpke::PublicKey> recording_key;
  MediaTransport transport = MediaTransport::kAuto;
  uint32_t video_kbps = 300;
  uint32_t audio_bps = 32000;

  bool enabled() const { return !audio.empty() || !video.empty() || !record_dir.empty(); }
};

// parse_media_transport reads --media-transport (auto|udp|websocket).
[[nodiscard]] Result<MediaTransport> parse_media_transport(std::string_view s);

// MediaNotice is one line for the user (a transport change, a recording
// written, an error of the media pipeline); the runner prints it.
struct MediaNotice {
  std::string json;
  std::string text;
};

class MediaEngine {
 public:
  using Notify = std::function<void(const MediaNotice&)>;

  // create loads and checks the sources (a file that does not parse is an
  // error naming the file and why) and makes the encoders; `server_host` is
  // where the media UDP port is (the signaling server's host).
  [[nodiscard]] static Result<std::unique_ptr<MediaEngine>> create(const MediaOptions& options,
                                                                   std::string server_host,
                                                                   Notify notify);
  ~MediaEngine();
  MediaEngine(const MediaEngine&) = delete;
  MediaEngine& operator=(const MediaEngine&) = delete;

  // attach installs the session's media handler (WebSocket fallback
  // packets); call it once, before the session starts.
  void attach(client::Session& session);

  // tick does what is due at `now_ms` (a monotonic clock shared by the
  // machine's processes, so that latency between local clients is true):
  // install a new epoch's keys, receive, send due frames, play out, send
  // keyframe requests and keepalives.
  void tick(client::Session& session, uint64_t now_ms);

  // finish writes the recordings (once; later calls do nothing).
  void finish();

  // set_recording_allowed says whether a recorder may record now; without
  // MediaOptions::recorder it changes nothing.
  void set_recording_allowed(bool allowed) { recording_allowed_ = allowed; }

  // frames_decrypted is the number of frames that passed the receiver
  // policy, in all or from the member named `from`.
  uint64_t frames_decrypted() const;
  uint64_t frames_decrypted_from(std::string_view from) const;

  // summary renders the statistics as one JSON object (event
  // "media_summary") or as readable lines.
  std::string summary_json() const;
  std::string summary_text() const;

 private:
  struct Source;
  struct Incoming;
  struct Outgoing;

  MediaEngine(const MediaOptions& options, std::string server_host, Notify notify);
  Result<void> start(client::Session& session, uint64_t now_ms);
  void install_epoch(const client::Session& session, uint64_t now_ms);
  void receive_udp(client::Session& session, uint64_t now_ms);
  void handle_packet(client::Session& session, ByteView packet, const media::PeerAddress& from,
                     uint64_t now_ms);
  void handle_frame(const client::Session& session, client::media::ReceivedFrame frame,
                    uint64_t now_ms);
  void send_audio(client::Session& session, uint64_t now_ms);
  void send_video(client::Session& session, uint64_t now_ms);
  void send_frame(client::Session& session, Outgoing& out, ByteView encoded, uint64_t capture_ms,
                  bool keyframe);
  void transmit(client::Session& session, ByteView sealed, media::PacketType type,
                media::MediaKind kind);
  void play_out(client::Session& session, uint64_t now_ms);
  void keepalive(client::Session& session, uint64_t now_ms);
  void send_feedback(client::Session& session, const media::Feedback& feedback);
  void request_retransmissions(client::Session& session, uint64_t now_ms);
  bool may_send(media::MediaKind kind) const;
  void notice(std::string_view what, std::string_view text);
  void error(std::string_view what, const Error& e);

  MediaOptions options_;
  std::string server_host_;
  Notify notify_;
  std::unique_ptr<Source> source_;
  std::unique_ptr<client::media::EpochKeys> keys_;
  std::unique_ptr<client::media::MediaReceiver> receiver_;
  std::unique_ptr<Outgoing> audio_out_;
  std::unique_ptr<Outgoing> video_out_;
  std::map<uint32_t, std::unique_ptr<Incoming>> incoming_;  // by stream id
  // Loss tracking of incoming video streams, by stream id (at most
  // client::media::kMaxReceiveStreams).
  std::map<uint32_t, client::media::NackTracker> nacks_;
  std::vector<Bytes> ws_queue_;  // fallback packets, in order
  // UDP receive buffers, kept between ticks.
  std::vector<std::array<uint8_t, media::kMaxPacketLen>> receive_buffers_;
  // The pre-skip of an Ogg Opus recording: the encoder delay of the Opus
  // profile every sender uses (OpusEncoder::lookahead), learnt once.
  std::optional<uint16_t> opus_pre_skip_;

  bool started_ = false;
  bool stopped_ = false;
  bool finished_ = false;
  MediaTransport using_ = MediaTransport::kUdp;
  std::unique_ptr<media::UdpSocket> socket_;
  std::optional<uint8_t> socket_dscp_;  // the codepoint the socket marks with now
  media::PeerAddress server_udp_;
  bool udp_answered_ = false;
  uint64_t start_ms_ = 0;
  uint64_t next_keepalive_ms_ = 0;
  uint64_t next_audio_ms_ = 0;
  uint64_t next_video_ms_ = 0;
  uint64_t epochs_installed_ = 0;
  std::map<uint64_t, uint64_t> decrypted_by_epoch_;
  uint64_t transmit_errors_ = 0;
  uint64_t keyframe_requests_sent_ = 0;
  uint64_t keyframe_requests_received_ = 0;
  uint64_t nacks_sent_ = 0;
  std::vector<std::string> recordings_;
  bool recording_allowed_ = false;
};

}  // namespace conclave::cli
