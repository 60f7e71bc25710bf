#include "media.h"

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "client/media/media_limits.h"
#include "client/new_file.h"
#include "client/recording_file.h"
#include "codec/ivf.h"
#include "codec/limits.h"
#include "codec/ogg_opus_writer.h"
#include "codec/pattern_source.h"
#include "codec/tone_source.h"
#include "codec/wav_reader.h"
#include "codec/y4m_reader.h"
#include "core/reader.h"
#include "events.h"
#include "media/dscp.h"
#include "media/limits.h"
#include "media/packet.h"

namespace conclave::cli {
namespace {

namespace cm = client::media;
using media::MediaKind;

constexpr uint64_t kAudioFrameMs = codec::kFrameMs;
// A sender or player that fell this far behind its schedule (a stalled
// process) skips ahead instead of sending or playing a burst.
constexpr uint64_t kMaxLagMs = 200;
// Receive at most this many batches per tick, so signaling keeps its turn.
constexpr size_t kMaxReceiveBatches = 8;
constexpr size_t kReceiveBatch = 16;

Result<Bytes> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error(Err::kNotFound, "cannot open the file");
  }
  Bytes data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return data;
}

// parse_uint reads a decimal number that fills `s`.
std::optional<uint32_t> parse_uint(std::string_view s) {
  uint32_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) {
    return std::nullopt;
  }
  return v;
}

// resolve_udp finds the media port's address: the signaling host (a name or
// a literal) with the port the server assigned.
Result<media::PeerAddress> resolve_udp(const std::string& host, uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* list = nullptr;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &list) != 0 || list == nullptr) {
    return Error(Err::kNetwork, "cannot resolve the server's host for media");
  }
  std::optional<media::PeerAddress> found;
  for (const addrinfo* a = list; a != nullptr && !found; a = a->ai_next) {
    if (a->ai_family == AF_INET) {
      sockaddr_in sin{};
      std::memcpy(&sin, a->ai_addr, sizeof(sin));
      std::array<uint8_t, 4> ip{};
      std::memcpy(ip.data(), &sin.sin_addr, ip.size());
      found = media::PeerAddress::ipv4(ip, port);
    } else if (a->ai_family == AF_INET6) {
      sockaddr_in6 sin6{};
      std::memcpy(&sin6, a->ai_addr, sizeof(sin6));
      std::array<uint8_t, 16> ip{};
      std::memcpy(ip.data(), &sin6.sin6_addr, ip.size());
      found = media::PeerAddress::ipv6(ip, port);
    }
  }
  ::freeaddrinfo(list);
  if (!found) {
    return Error(Err::kNetwork, "the server's host has no IPv4 or IPv6 address");
  }
  return *found;
}

// The any-address of `to`'s family, for the client's own socket.
media::PeerAddress any_address_like(const media::PeerAddress& to) {
  return to.kind == media::PeerAddress::Kind::kIpv6 ? media::PeerAddress::ipv6({}, 0)
                                                    : media::PeerAddress::ipv4({}, 0);
}

std::string sanitize(std::string_view name) {
  std::string out;
  for (const char c : name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_';
    out += plain ? c : '_';
  }
  return out.empty() ? "member" : out;
}

}  // namespace

const char* to_string(MediaTransport t) {
  switch (t) {
    case MediaTransport::kAuto:
      return "auto";
    case MediaTransport::kUdp:
      return "udp";
    case MediaTransport::kWebSocket:
      return "websocket";
  }
  return "unknown";
}

Result<MediaTransport> parse_media_transport(std::string_view s) {
  for (const MediaTransport t :
       {MediaTransport::kAuto, MediaTransport::kUdp, MediaTransport::kWebSocket}) {
    if (s == to_string(t)) {
      return t;
    }
  }
  return Error(Err::kInvalidArgument, "expected auto, udp or websocket");
}

// Source: the member's capture devices, played from generated signals or
// from files (looped).
struct MediaEngine::Source {
  std::optional<codec::ToneSource> tone;
  std::vector<int16_t> wav;  // interleaved
  uint16_t channels = 1;
  size_t wav_pos = 0;

  std::optional<codec::PatternSource> pattern;
  std::vector<codec::I420Frame> y4m;
  size_t y4m_pos = 0;
  uint32_t width = 0;
  uint32_t height = 0;
  uint32_t fps = 0;

  bool has_audio() const { return tone.has_value() || !wav.empty(); }
  bool has_video() const { return pattern.has_value() || !y4m.empty(); }

  std::vector<int16_t> next_audio() {
    if (tone) {
      return tone->next_frame();
    }
    const size_t n = codec::kFrameSamples * channels;
    std::vector<int16_t> frame(n);
    for (size_t i = 0; i < n; ++i) {
      frame[i] = wav[wav_pos];
      wav_pos = (wav_pos + 1) % wav.size();
    }
    return frame;
  }

  codec::I420Frame next_video() {
    if (pattern) {
      return pattern->next_frame();
    }
    codec::I420Frame f = y4m[y4m_pos];
    y4m_pos = (y4m_pos + 1) % y4m.size();
    return f;
  }
};

// Outgoing: one stream this member sends.
struct MediaEngine::Outgoing {
  MediaKind kind = MediaKind::kAudio;
  std::unique_ptr<cm::MediaSender> sender;
  std::optional<codec::OpusEncoder> opus;
  std::optional<codec::Vp8Encoder> vp8;
  bool had_floor = false;
  uint64_t held_no_floor = 0;  // frames captured while this member had no floor
  uint64_t send_errors = 0;
};

// Incoming: one stream another member sends, as this member plays it.
struct MediaEngine::Incoming {
  uint32_t stream_id = 0;
  MediaKind kind = MediaKind::kAudio;
  uint32_t sender_leaf = 0;
  std::string from;
  cm::AudioJitterBuffer audio;
  cm::VideoJitterBuffer video;
  std::optional<codec::OpusDecoder> opus;
  std::optional<codec::Vp8Decoder> vp8;
  std::optional<uint64_t> next_play_ms;
  uint64_t decoded = 0;
  uint64_t concealed = 0;
  uint64_t fec_recovered = 0;  // of the concealed, rebuilt from in-band FEC
  uint64_t decode_errors = 0;
  uint64_t first_epoch = 0;
  uint64_t last_epoch = 0;
  // The recording: Ogg Opus of the packets played (a lost frame as an empty
  // Opus frame, so the timeline holds), or IVF of the frames decoded.
  std::optional<codec::OggOpusWriter> ogg;
  uint64_t ogg_packets = 0;
  uint16_t pre_skip = 0;
  uint8_t last_toc = 0;
  std::vector<codec::IvfFrame> ivf;
  uint16_t width = 0;
  uint16_t height = 0;
  uint64_t first_video_ms = 0;
  size_t recorded_bytes = 0;
  bool recording_full = false;
  // A recorder labelled mid-meeting asks once for the keyframe its video
  // recording must start with, instead of waiting for the sender's next.
  bool recording_keyframe_asked = false;
};

MediaEngine::MediaEngine(const MediaOptions& options, std::string server_host, Notify notify)
    : options_(options), server_host_(std::move(server_host)), notify_(std::move(notify)) {}

MediaEngine::~MediaEngine() = default;

Result<std::unique_ptr<MediaEngine>> MediaEngine::create(const MediaOptions& options,
                                                         std::string server_host, Notify notify) {
  auto engine = std::unique_ptr<MediaEngine>(
      new MediaEngine(options, std::move(server_host), std::move(notify)));
  auto source = std::make_unique<Source>();

  // Audio: "tone", "tone:HZ" or a WAV file.
  const std::string& a = options.audio;
  if (a == "tone" || a.rfind("tone:", 0) == 0) {
    const auto hz = a == "tone" ? std::optional<uint32_t>(440) : parse_uint(a.substr(5));
    if (!hz) {
      return Error(Err::kInvalidArgument, "--audio: expected tone, tone:HZ or a WAV file");
    }
    CONCLAVE_TRY_ASSIGN(auto tone, codec::ToneSource::create(*hz));
    source->tone.emplace(std::move(tone));
  } else if (!a.empty()) {
    CONCLAVE_TRY_ASSIGN(const Bytes file, read_file(a));
    auto wav = codec::parse_wav(file);
    if (!wav) {
      return wav.error();
    }
    if (wav->samples.size() < codec::kFrameSamples * wav->format.channels) {
      return Error(Err::kInvalidArgument, "--audio: the WAV file is shorter than one 20 ms frame");
    }
    source->channels = wav->format.channels;
    source->wav = std::move(wav->samples);
  }

  // Video: "pattern", "pattern:WxH@FPS" or a Y4M file.
  const std::string& v = options.video;
  if (v == "pattern" || v.rfind("pattern:", 0) == 0) {
    uint32_t w = 320, h = 180, fps = 15;
    if (v != "pattern") {
      const std::string_view spec = std::string_view(v).substr(8);
      const size_t x = spec.find('x');
      const size_t at = spec.find('@');
      const auto pw = parse_uint(spec.substr(0, x));
      const auto ph =
          x == std::string_view::npos ? std::nullopt : parse_uint(spec.substr(x + 1, at - x - 1));
      const auto pf = at == std::string_view::npos ? std::optional<uint32_t>(fps)
                                                   : parse_uint(spec.substr(at + 1));
      if (!pw || !ph || !pf) {
        return Error(Err::kInvalidArgument,
                     "--video: expected pattern, pattern:WIDTHxHEIGHT[@FPS] or a Y4M file");
      }
      w = *pw, h = *ph, fps = *pf;
    }
    CONCLAVE_TRY_ASSIGN(auto pattern, codec::PatternSource::create(w, h, fps));
    source->pattern.emplace(std::move(pattern));
    source->width = w, source->height = h, source->fps = fps;
  } else if (!v.empty()) {
    CONCLAVE_TRY_ASSIGN(const Bytes file, read_file(v));
    auto y4m = codec::parse_y4m(file);
    if (!y4m) {
      return y4m.error();
    }
    const uint32_t fps =
        std::clamp<uint32_t>((y4m->header.fps_num + y4m->header.fps_den / 2) / y4m->header.fps_den,
                             codec::kMinFps, codec::kMaxFps);
    source->width = y4m->header.width, source->height = y4m->header.height, source->fps = fps;
    source->y4m = std::move(y4m->frames);
  }

  if (!options.record_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.record_dir, ec);
    if (ec || !std::filesystem::is_directory(options.record_dir)) {
      return Error(Err::kInvalidArgument, "--record: cannot create the directory");
    }
  }

  CONCLAVE_TRY_ASSIGN(engine->keys_, cm::EpochKeys::create());
  engine->receiver_ = std::make_unique<cm::MediaReceiver>(*engine->keys_);
  if (source->has_audio()) {
    auto out = std::make_unique<Outgoing>();
    out->kind = MediaKind::kAudio;
    codec::OpusEncoderConfig config;
    config.channels = source->channels;
    config.bitrate_bps = options.audio_bps;
    CONCLAVE_TRY_ASSIGN(auto enc, codec::OpusEncoder::create(config));
    out->opus.emplace(std::move(enc));
    engine->audio_out_ = std::move(out);
  }
  if (source->has_video()) {
    auto out = std::make_unique<Outgoing>();
    out->kind = MediaKind::kVideo;
    codec::Vp8EncoderConfig config;
    config.width = source->width;
    config.height = source->height;
    config.fps = source->fps;
    config.bitrate_kbps = options.video_kbps;
    CONCLAVE_TRY_ASSIGN(auto enc, codec::Vp8Encoder::create(config));
    out->vp8.emplace(std::move(enc));
    engine->video_out_ = std::move(out);
  }
  engine->source_ = std::move(source);
  return engine;
}

void MediaEngine::attach(client::Session& session) {
  session.set_media_handler([this](ByteView packet) { ws_queue_.push_back(to_bytes(packet)); });
}

void MediaEngine::notice(std::string_view what, std::string_view text) {
  notify_(MediaNotice{JsonLine().str("event", "media").str("what", what).str("detail", text).done(),
                      "media: " + std::string(text)});
}

void MediaEngine::error(std::string_view what, const Error& e) {
  notice(what, std::string(what) + ": " + error_text(e));
}

Result<void> MediaEngine::start(client::Session& session, uint64_t now_ms) {
  const protocol::MediaPathInfo& assigned = *session.media_assignment();
  start_ms_ = now_ms;
  next_audio_ms_ = now_ms;
  next_video_ms_ = now_ms;
  using_ = options_.transport == MediaTransport::kWebSocket ? MediaTransport::kWebSocket
                                                            : MediaTransport::kUdp;
  if (using_ == MediaTransport::kUdp) {
    CONCLAVE_TRY_ASSIGN(server_udp_, resolve_udp(server_host_, assigned.udp_port));
    CONCLAVE_TRY_ASSIGN(socket_, media::UdpSocket::bind(any_address_like(server_udp_)));
  }
  // Stream ids are the server's: it checks that a sender uses its own.
  if (audio_out_) {
    audio_out_->sender =
        std::make_unique<cm::MediaSender>(*keys_, assigned.audio_stream_id, MediaKind::kAudio);
  }
  if (video_out_) {
    video_out_->sender =
        std::make_unique<cm::MediaSender>(*keys_, assigned.video_stream_id, MediaKind::kVideo);
  }
  started_ = true;
  notice("path",
         "path " + std::to_string(assigned.path_id) + " over " + to_string(using_) +
             (using_ == MediaTransport::kUdp ? " to port " + std::to_string(assigned.udp_port)
                                             : std::string()));
  return {};
}

void MediaEngine::tick(client::Session& session, uint64_t now_ms) {
  if (stopped_) {
    return;
  }
  if (session.state() == client::SessionState::kClosed) {
    // Excluded, left or disconnected: nothing more is sent or received, and
    // the statistics stay as they were.
    stopped_ = true;
    ws_queue_.clear();
    return;
  }
  if (!started_) {
    if (!session.is_member() || !session.media_assignment() || session.media_path() == nullptr) {
      return;
    }
    if (auto ok = start(session, now_ms); !ok) {
      error("cannot start media", ok.error());
      stopped_ = true;
      return;
    }
  }
  install_epoch(session, now_ms);
  std::vector<Bytes> queued;
  queued.swap(ws_queue_);
  for (const Bytes& p : queued) {
    handle_packet(session, p, media::PeerAddress::signaling(), now_ms);
  }
  if (socket_) {
    receive_udp(session, now_ms);
  }
  receiver_->expire(now_ms);
  keys_->expire(now_ms);
  send_audio(session, now_ms);
  send_video(session, now_ms);
  play_out(session, now_ms);
  request_retransmissions(session, now_ms);
  keepalive(session, now_ms);
}

void MediaEngine::install_epoch(const client::Session& session, uint64_t now_ms) {
  const mls::Group* group = session.group();
  if (group == nullptr) {
    return;
  }
  const auto current = keys_->current_epoch();
  if (current && *current >= group->epoch()) {
    return;
  }
  auto change = keys_->install(*group, now_ms);
  if (!change) {
    error("cannot install the epoch's media keys", change.error());
    return;
  }
  ++epochs_installed_;
  for (Outgoing* out : {audio_out_.get(), video_out_.get()}) {
    if (out != nullptr && out->sender) {
      out->sender->on_epoch_change(*change);
    }
  }
}

void MediaEngine::receive_udp(client::Session& session, uint64_t now_ms) {
  std::vector<std::array<uint8_t, media::kMaxPacketLen>>& buffers = receive_buffers_;
  buffers.resize(kReceiveBatch);
  std::array<media::RecvSlot, kReceiveBatch> slots;
  for (size_t batch = 0; batch < kMaxReceiveBatches; ++batch) {
    for (size_t i = 0; i < slots.size(); ++i) {
      slots[i] = media::RecvSlot{MutableByteView(buffers[i]), 0, {}, false};
    }
    auto n = socket_->recv_batch(slots);
    if (!n || *n == 0) {
      return;
    }
    for (size_t i = 0; i < *n; ++i) {
      if (!slots[i].truncated) {
        handle_packet(session, ByteView(buffers[i].data(), slots[i].len), slots[i].from, now_ms);
      }
    }
  }
}

void MediaEngine::handle_packet(client::Session& session, ByteView packet,
                                const media::PeerAddress& from, uint64_t now_ms) {
  media::MediaPath* path = session.media_path();
  if (path == nullptr) {
    return;
  }
  std::array<uint8_t, media::kMaxPacketLen> plain{};
  auto received = path->open(plain, packet, from);
  if (!received) {
    return;  // counted in the path's drop counters
  }
  if (from.kind != media::PeerAddress::Kind::kSignaling) {
    udp_answered_ = true;
  }
  if (received->media) {
    const media::MediaHeader& h = received->media->header;
    if (h.kind == MediaKind::kVideo &&
        (nacks_.count(h.stream_id) != 0 || nacks_.size() < cm::kMaxReceiveStreams)) {
      nacks_[h.stream_id].on_packet(h.stream_seq, now_ms);
    }
    if (auto frame = receiver_->receive(*received->media, now_ms)) {
      handle_frame(session, std::move(*frame), now_ms);
    }
  }
  // implements: REQ-CLIENT-035
  if (received->feedback && received->feedback->type == media::FeedbackType::kPli && video_out_ &&
      video_out_->sender &&
      received->feedback->stream_id == session.media_assignment()->video_stream_id) {
    ++keyframe_requests_received_;
    video_out_->sender->request_keyframe();
  }
}

void MediaEngine::send_feedback(client::Session& session, const media::Feedback& feedback) {
  media::MediaPath* path = session.media_path();
  std::array<uint8_t, media::kMaxPacketLen> sealed{};
  if (path == nullptr) {
    return;
  }
  auto n = path->seal_feedback(sealed, feedback);
  if (!n) {
    ++transmit_errors_;
    return;
  }
  // Feedback concerns video streams only (keyframes and retransmissions).
  transmit(session, ByteView(sealed.data(), *n), media::PacketType::kFeedback, MediaKind::kVideo);
}

// implements: REQ-CLIENT-034
void MediaEngine::request_retransmissions(client::Session& session, uint64_t now_ms) {
  for (auto& [stream, tracker] : nacks_) {
    std::vector<uint32_t> seqs = tracker.take_nacks(now_ms, media::kMaxNackSeqs);
    if (!seqs.empty()) {
      ++nacks_sent_;
      send_feedback(session, media::Feedback{stream, media::FeedbackType::kNack, std::move(seqs)});
    }
  }
}

void MediaEngine::handle_frame(const client::Session& session, cm::ReceivedFrame frame,
                               uint64_t now_ms) {
  ++decrypted_by_epoch_[frame.epoch];
  auto& slot = incoming_[frame.stream_id];
  if (!slot) {
    slot = std::make_unique<Incoming>();
    Incoming& in = *slot;
    in.stream_id = frame.stream_id;
    in.kind = frame.kind;
    in.sender_leaf = frame.sender;
    in.first_epoch = frame.epoch;
    for (const client::MemberInfo& m : session.members()) {
      if (m.leaf == frame.sender) {
        in.from = m.name;
      }
    }
    if (in.from.empty()) {
      in.from = "leaf " + std::to_string(frame.sender);
    }
    if (in.kind == MediaKind::kAudio) {
      auto dec = codec::OpusDecoder::create(1);
      if (dec) {
        in.opus.emplace(std::move(dec).value());
      }
      if (!options_.record_dir.empty()) {
        // The senders' encoders all use the same profile, so a local one
        // tells the pre-skip their streams start with.
        if (!opus_pre_skip_) {
          auto probe = codec::OpusEncoder::create({});
          opus_pre_skip_ = probe ? static_cast<uint16_t>(probe->lookahead()) : 0;
        }
        codec::OggOpusConfig config;
        in.pre_skip = *opus_pre_skip_;
        config.pre_skip = in.pre_skip;
        config.serial = frame.stream_id;
        auto w = codec::OggOpusWriter::create(config);
        if (w) {
          in.ogg.emplace(std::move(w).value());
        }
      }
    } else {
      auto dec = codec::Vp8Decoder::create();
      if (dec) {
        in.vp8.emplace(std::move(dec).value());
      }
    }
    notice("stream", "receiving " + std::string(media::to_string(in.kind)) + " stream " +
                         std::to_string(in.stream_id) + " from " + in.from);
  }
  Incoming& in = *slot;
  in.last_epoch = std::max(in.last_epoch, frame.epoch);
  if (in.kind == MediaKind::kAudio) {
    in.audio.push(frame.frame_number, frame.capture_time_us, std::move(frame.frame), now_ms);
    if (!in.next_play_ms) {
      in.next_play_ms = now_ms;
    }
  } else {
    in.video.push(frame.frame_number, frame.keyframe, std::move(frame.frame), now_ms);
  }
}

// implements: REQ-CLIENT-031
bool MediaEngine::may_send(MediaKind kind) const {
  const auto epoch = keys_->current_epoch();
  return epoch.has_value() && keys_->allowed(*epoch, keys_->own_leaf(), kind);
}

void MediaEngine::send_audio(client::Session& session, uint64_t now_ms) {
  Outgoing* out = audio_out_.get();
  if (out == nullptr) {
    return;
  }
  if (now_ms > next_audio_ms_ + kMaxLagMs) {
    next_audio_ms_ = now_ms;
  }
  while (now_ms >= next_audio_ms_) {
    // The capture time is the frame's slot, not the moment this late tick
    // encodes it, so that receivers see the true delay.
    const uint64_t slot_ms = next_audio_ms_;
    next_audio_ms_ += kAudioFrameMs;
    const std::vector<int16_t> pcm = source_->next_audio();  // capture runs on regardless
    // A member without the floor sends nothing: the SFU and every receiver
    // would drop it anyway (REQ-MEDIA-014, REQ-CLIENT-026).
    if (!may_send(MediaKind::kAudio)) {
      ++out->held_no_floor;
      out->had_floor = false;
      continue;
    }
    out->had_floor = true;
    auto encoded = out->opus->encode(pcm);
    if (!encoded) {
      ++out->send_errors;
      continue;
    }
    send_frame(session, *out, *encoded, slot_ms, false);
  }
}

void MediaEngine::send_video(client::Session& session, uint64_t now_ms) {
  Outgoing* out = video_out_.get();
  if (out == nullptr) {
    return;
  }
  const uint64_t interval = std::max<uint64_t>(1, 1000 / source_->fps);
  if (now_ms > next_video_ms_ + kMaxLagMs) {
    next_video_ms_ = now_ms;
  }
  while (now_ms >= next_video_ms_) {
    const uint64_t slot_ms = next_video_ms_;
    next_video_ms_ += interval;
    const codec::I420Frame picture = source_->next_video();
    if (!may_send(MediaKind::kVideo)) {
      ++out->held_no_floor;
      out->had_floor = false;
      continue;
    }
    // Receivers cannot decode what follows a pause without a keyframe.
    const bool resume = !out->had_floor;
    out->had_floor = true;
    auto frames = out->vp8->encode(picture, resume || out->sender->keyframe_wanted());
    if (!frames) {
      ++out->send_errors;
      continue;
    }
    for (const codec::EncodedVideoFrame& f : *frames) {
      send_frame(session, *out, f.data, slot_ms, f.keyframe);
    }
  }
}

void MediaEngine::send_frame(client::Session& session, Outgoing& out, ByteView encoded,
                             uint64_t capture_ms, bool keyframe) {
  auto payloads = out.sender->send(encoded, capture_ms * 1000, keyframe);
  if (!payloads) {
    ++out.send_errors;
    return;
  }
  media::MediaPath* path = session.media_path();
  std::array<uint8_t, media::kMaxPacketLen> sealed{};
  for (const Bytes& p : *payloads) {
    Reader r(p);
    auto payload = media::parse_media_payload(r);
    if (!payload || path == nullptr) {
      ++out.send_errors;
      continue;
    }
    auto n = path->seal_media(sealed, payload->header, payload->sframe);
    if (!n) {
      ++out.send_errors;
      continue;
    }
    transmit(session, ByteView(sealed.data(), *n), media::PacketType::kMedia, out.kind);
  }
}

// implements: REQ-CLIENT-036
void MediaEngine::transmit(client::Session& session, ByteView sealed, media::PacketType type,
                           MediaKind kind) {
  if (using_ == MediaTransport::kWebSocket) {
    if (!session.send_media(sealed)) {
      ++transmit_errors_;
    }
    return;
  }
  // One socket (one NAT binding, one path address) carries every kind, so
  // its codepoint is switched when the kind changes.
  const uint8_t dscp = media::dscp_for(media::DscpConfig{}, type, kind);
  if (dscp != socket_dscp_ && socket_->set_dscp(dscp)) {
    socket_dscp_ = dscp;
  }
  const media::SendItem item{sealed, server_udp_};
  auto n = socket_->send_batch(std::span<const media::SendItem>(&item, 1));
  if (!n || *n != 1) {
    ++transmit_errors_;
  }
}

void MediaEngine::play_out(client::Session& session, uint64_t now_ms) {
  for (auto& [id, slot] : incoming_) {
    Incoming& in = *slot;
    // implements: REQ-CLIENT-038
    // A recorder records only while it is labelled recorder in the group.
    const bool record = !options_.record_dir.empty() && !in.recording_full &&
                        (!options_.recorder || recording_allowed_);
    if (in.kind == MediaKind::kAudio) {
      if (!in.next_play_ms) {
        continue;
      }
      if (now_ms > *in.next_play_ms + kMaxLagMs) {
        in.next_play_ms = now_ms;
      }
      while (now_ms >= *in.next_play_ms) {
        *in.next_play_ms += kAudioFrameMs;
        cm::AudioOut out = in.audio.pop();
        if (out.kind == cm::AudioOut::Kind::kFrame) {
          if (in.opus && in.opus->decode(out.frame)) {
            ++in.decoded;
          } else {
            ++in.decode_errors;
          }
          if (record && in.ogg && in.ogg->write_packet(out.frame, codec::kFrameSamples)) {
            ++in.ogg_packets;
            in.last_toc = out.frame[0];
            in.recorded_bytes += out.frame.size();
          }
        } else if (out.kind == cm::AudioOut::Kind::kConceal ||
                   out.kind == cm::AudioOut::Kind::kStretch) {
          ++in.concealed;
          if (in.opus && !out.frame.empty()) {
            // The next frame is here: rebuild the lost one from its FEC.
            if (in.opus->recover_fec(out.frame)) {
              ++in.fec_recovered;
            }
          } else if (in.opus) {
            (void)in.opus->conceal();
          }
          // An Opus packet of one TOC byte (code 0) carries an empty frame:
          // players conceal it, and the recording keeps its timeline.
          const std::array<uint8_t, 1> lost{static_cast<uint8_t>(in.last_toc & 0xfc)};
          if (record && in.ogg && in.ogg_packets > 0 &&
              in.ogg->write_packet(lost, codec::kFrameSamples)) {
            ++in.ogg_packets;
          }
        }
        if (in.recorded_bytes > kMaxRecordingBytes) {
          in.recording_full = true;
        }
      }
      continue;
    }
    if (record && options_.recorder && in.ivf.empty() && !in.recording_keyframe_asked) {
      in.recording_keyframe_asked = true;
      ++keyframe_requests_sent_;
      send_feedback(session, media::Feedback{id, media::FeedbackType::kPli, {}});
    }
    // implements: REQ-CLIENT-035
    if (in.video.take_keyframe_request(now_ms)) {
      ++keyframe_requests_sent_;
      send_feedback(session, media::Feedback{id, media::FeedbackType::kPli, {}});
    }
    while (auto f = in.video.pop(now_ms)) {
      if (in.vp8) {
        auto picture = in.vp8->decode(f->frame);
        if (picture) {
          if (picture->has_value()) {
            ++in.decoded;
          }
        } else {
          ++in.decode_errors;
        }
      }
      if (record) {
        if (in.ivf.empty()) {
          auto header = codec::parse_vp8_frame_header(f->frame);
          if (!header || !header->keyframe) {
            continue;  // a recording starts with a keyframe
          }
          in.width = header->width;
          in.height = header->height;
          in.first_video_ms = now_ms;
        }
        const uint64_t pts = std::max<uint64_t>(in.ivf.empty() ? 0 : in.ivf.back().pts + 1,
                                                now_ms - in.first_video_ms);
        in.recorded_bytes += f->frame.size();
        in.ivf.push_back(codec::IvfFrame{pts, std::move(f->frame)});
        if (in.recorded_bytes > kMaxRecordingBytes) {
          in.recording_full = true;
        }
      }
    }
  }
}

// implements: REQ-CLIENT-032
void MediaEngine::keepalive(client::Session& session, uint64_t now_ms) {
  // A keepalive binds the server's end of the path to this transport (the
  // server sends a path nothing until it has authenticated a packet from
  // it), and keeps UDP bindings alive.
  if (now_ms < next_keepalive_ms_) {
    return;
  }
  if (using_ == MediaTransport::kUdp && !udp_answered_ && now_ms - start_ms_ >= kUdpProbeMs) {
    if (options_.transport == MediaTransport::kAuto) {
      using_ = MediaTransport::kWebSocket;
      socket_.reset();
      next_keepalive_ms_ = 0;  // bind the path to the WebSocket at once
      notice("fallback", "no answer on UDP within " + std::to_string(kUdpProbeMs) +
                             " ms: media now travels on the signaling WebSocket");
      return;
    }
    notice("no_udp_answer", "no answer on UDP yet (--media-transport udp keeps trying)");
    start_ms_ = now_ms;  // say it again after another probe period
  }
  media::MediaPath* path = session.media_path();
  std::array<uint8_t, media::kMaxPacketLen> sealed{};
  if (path == nullptr) {
    return;
  }
  auto n = path->seal_keepalive(sealed);
  if (n) {
    transmit(session, ByteView(sealed.data(), *n), media::PacketType::kKeepalive,
             MediaKind::kAudio);
  }
  const bool probing = using_ == MediaTransport::kUdp && !udp_answered_;
  next_keepalive_ms_ = now_ms + (probing ? kKeepaliveProbeMs : kKeepaliveIdleMs);
}

// implements: REQ-CLIENT-033
void MediaEngine::finish() {
  if (finished_) {
    return;
  }
  finished_ = true;
  if (options_.record_dir.empty()) {
    return;
  }
  for (auto& [id, slot] : incoming_) {
    Incoming& in = *slot;
    const std::string base =
        sanitize(in.from) + "-" + media::to_string(in.kind) + "-" + std::to_string(id);
    Bytes file;
    std::string name;
    if (in.kind == MediaKind::kAudio) {
      if (!in.ogg || in.ogg_packets == 0) {
        continue;
      }
      auto bytes = in.ogg->finish(in.ogg_packets * codec::kFrameSamples - in.pre_skip);
      if (!bytes) {
        error("cannot finish the recording " + base + ".opus", bytes.error());
        continue;
      }
      file = std::move(bytes).value();
      name = base + ".opus";
    } else {
      if (in.ivf.empty()) {
        continue;
      }
      codec::IvfFile ivf;
      ivf.header.width = in.width;
      ivf.header.height = in.height;
      ivf.header.timebase_den = 1000;  // pts in milliseconds of playout
      ivf.header.timebase_num = 1;
      ivf.header.frame_count = static_cast<uint32_t>(in.ivf.size());
      ivf.frames = std::move(in.ivf);
      file = codec::write_ivf(ivf);
      name = base + ".ivf";
    }
    if (options_.recording_key != nullptr) {
      // implements: REQ-CLIENT-039
      // Sealed before it touches the disk: the plaintext is never written.
      auto sealed = client::seal_recording(*options_.recording_key, file);
      if (!sealed) {
        error("cannot encrypt the recording " + name, sealed.error());
        continue;
      }
      file = std::move(sealed).value();
      name += ".crec";
    }
    auto saved = client::save_new_file(options_.record_dir, name, file);
    if (!saved) {
      error("cannot save the recording " + name, saved.error());
      continue;
    }
    const std::string& path = *saved;
    recordings_.push_back(path);
    notify_(MediaNotice{
        JsonLine()
            .str("event", "recording")
            .str("path", path)
            .str("kind", media::to_string(in.kind))
            .str("from", in.from)
            .num("bytes", file.size())
            .done(),
        "media: recorded " + in.from + "'s " + media::to_string(in.kind) + " in " + path});
  }
}

uint64_t MediaEngine::frames_decrypted() const {
  uint64_t n = 0;
  for (const auto& [epoch, count] : decrypted_by_epoch_) {
    n += count;
  }
  return n;
}

uint64_t MediaEngine::frames_decrypted_from(std::string_view from) const {
  uint64_t n = 0;
  for (const auto& [id, in] : incoming_) {
    const cm::ReceiveStats* s = receiver_->stats(id);
    if (in->from == from && s != nullptr) {
      n += s->frames_decrypted;
    }
  }
  return n;
}

std::string MediaEngine::summary_json() const {
  JsonArray sent;
  for (const Outgoing* out : {audio_out_.get(), video_out_.get()}) {
    if (out == nullptr || !out->sender) {
      continue;
    }
    const cm::SendStats& s = out->sender->stats();
    sent.add(JsonLine()
                 .str("kind", media::to_string(out->kind))
                 .num("frames", s.frames_sent)
                 .num("keyframes", s.keyframes_sent)
                 .num("packets", s.packets_sent)
                 .num("bytes", s.bytes_sent)
                 .num("held_no_floor", out->held_no_floor)
                 .num("errors", out->send_errors + s.frames_failed)
                 .done());
  }
  JsonArray received;
  for (const auto& [id, in] : incoming_) {
    const cm::ReceiveStats* s = receiver_->stats(id);
    const cm::DepacketizerCounters* pc = receiver_->packet_counters(id);
    const cm::PacketLoss loss = receiver_->loss(id);
    if (s == nullptr) {
      continue;
    }
    JsonLine dropped;
    for (size_t r = 0; r < cm::kNumDropReasons; ++r) {
      dropped.num(cm::to_string(static_cast<cm::DropReason>(r)), s->dropped[r]);
    }
    JsonLine line;
    line.str("from", in->from)
        .str("kind", media::to_string(in->kind))
        .num("stream", id)
        .num("frames_received", s->frames_received)
        .num("frames_decrypted", s->frames_decrypted)
        .raw("dropped", dropped.done())
        .num("frames_decoded", in->decoded)
        .num("concealed", in->concealed)
        .num("fec_recovered", in->fec_recovered)
        .num("late",
             in->kind == MediaKind::kAudio ? in->audio.counters().late : in->video.counters().late)
        .num("keyframe_requests", in->video.counters().keyframe_requests)
        .num("decode_errors", in->decode_errors)
        .num("packets_expected", loss.expected)
        .num("packets_lost", loss.lost)
        .num("jitter_us", s->jitter.jitter_us())
        .num("latency_mean_ms", s->latency_mean_ms())
        .num("latency_max_ms", s->latency_max_ms)
        .num("first_epoch", in->first_epoch)
        .num("last_epoch", in->last_epoch);
    if (pc != nullptr) {
      line.num("packets_received", pc->packets);
    }
    if (const auto nack = nacks_.find(id); nack != nacks_.end()) {
      line.num("packets_missing", nack->second.counters().missing)
          .num("packets_recovered", nack->second.counters().recovered);
    }
    received.add(line.done());
  }
  JsonLine epochs;
  for (const auto& [epoch, count] : decrypted_by_epoch_) {
    epochs.num(std::to_string(epoch), count);
  }
  return JsonLine()
      .str("event", "media_summary")
      .str("transport", started_ ? to_string(using_) : "none")
      .num("epochs_installed", epochs_installed_)
      .num("frames_decrypted", frames_decrypted())
      .raw("decrypted_by_epoch", epochs.done())
      .num("malformed_packets", receiver_->malformed_packets())
      .num("transmit_errors", transmit_errors_)
      .num("keyframe_requests_sent", keyframe_requests_sent_)
      .num("keyframe_requests_received", keyframe_requests_received_)
      .num("nacks_sent", nacks_sent_)
      .raw("sent", sent.done())
      .raw("received", received.done())
      .done();
}

std::string MediaEngine::summary_text() const {
  std::string out = "media summary (" + std::string(started_ ? to_string(using_) : "no path") +
                    "): " + std::to_string(frames_decrypted()) + " frames decrypted\n";
  for (const Outgoing* o : {audio_out_.get(), video_out_.get()}) {
    if (o != nullptr && o->sender) {
      const cm::SendStats& s = o->sender->stats();
      out += "  sent " + std::string(media::to_string(o->kind)) + ": " +
             std::to_string(s.frames_sent) + " frames (" + std::to_string(s.keyframes_sent) +
             " key), " + std::to_string(s.packets_sent) + " packets; " +
             std::to_string(o->held_no_floor) + " frames held back without the floor\n";
    }
  }
  for (const auto& [id, in] : incoming_) {
    const cm::ReceiveStats* s = receiver_->stats(id);
    if (s == nullptr) {
      continue;
    }
    uint64_t dropped = 0;
    for (const uint64_t d : s->dropped) {
      dropped += d;
    }
    const cm::PacketLoss loss = receiver_->loss(id);
    out += "  from " + in->from + " " + media::to_string(in->kind) + ": " +
           std::to_string(s->frames_decrypted) + " decrypted, " + std::to_string(dropped) +
           " dropped, " + std::to_string(in->decoded) + " decoded, " +
           std::to_string(in->concealed) + " concealed, loss " + std::to_string(loss.lost) + "/" +
           std::to_string(loss.expected) + ", jitter " +
           std::to_string(s->jitter.jitter_us() / 1000) + " ms, latency " +
           std::to_string(s->latency_mean_ms()) + " ms mean\n";
  }
  if (!out.empty() && out.back() == '\n') {
    out.pop_back();
  }
  return out;
}

}  // namespace conclave::cli
