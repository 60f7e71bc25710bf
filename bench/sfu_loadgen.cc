// sfu_loadgen: the SFU forwarding benchmark of PERFORMANCE.md (G1, G2, G3,
// G4, G5, G13), run against the udp_reflector baseline in the same process
// and the same run.
//
// The SFU under test is a small media loop in this program, pinned to one
// core (--cpu, default 1): the real UdpSocket (recvmmsg, sendmmsg, UDP GSO)
// feeding the real sfu::Forwarder, exactly as the server will run them; the
// loop itself (batching the forwarder's output into sendmmsg calls or
// per-receiver GSO sends) is bench code, since the server's media loop does
// not exist yet. Clients are real client-role MediaPaths on their own UDP
// sockets (127.0.0.1 only), driven from one thread pinned to the other core
// (--client-cpu, default 0): they seal every packet with their hop key, and
// readers open every copy they receive. Each packet's SFrame part (opaque to
// the forwarder) starts with the send time and a per-stream sequence number,
// from which readers compute end-to-end latency, loss and reordering.
//
// Scenarios (see bench/README.md for the method of each):
//   saturate  1200-B packets, one publisher, fan-out 9, flooded: packets out
//             per CPU-second of the SFU thread vs the reflector (G1 sendmmsg,
//             G2 GSO); the hop-AEAD share of that work (G4).
//   latency   the same packets paced at 50% and 90% of the G1 rate: time in
//             the server, recv -> send (G5), and end to end.
//   rooms     10 rooms x 10 participants, Opus- and 360p30-VP8-sized packets,
//             all to all: % of one core, loss (G3).
//   mix       one room of N publishers (audio + 360p30 or 720p30, keyframe
//             bursts) and M subscribers: loss, reordering, latency.
//   memory    heap bytes the Forwarder holds per forwarded stream at 1,000
//             streams (G13).
#include <malloc.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.h"
#include "core/secret_bytes.h"
#include "crypto/rand.h"
#include "media/hop_keys.h"
#include "media/limits.h"
#include "media/media_path.h"
#include "media/packet.h"
#include "media/udp_socket.h"
#include "reflector.h"
#include "sfu/forwarder.h"

namespace conclave::bench {
namespace {

using media::HopRole;
using media::MediaHeader;
using media::MediaKind;
using media::MediaPath;
using sfu::Forwarder;
using sfu::Outgoing;

constexpr size_t kSaturatingLen = 1200;  // whole packet on the wire
constexpr size_t kFanout = 9;
// The SFrame part of a packet of `wire_len` bytes.
constexpr size_t sframe_len_for(size_t wire_len) {
  return wire_len - media::kHopHeaderLen - media::kHopTagLen - media::kMediaHeaderLen;
}
// The stamp at the front of every SFrame part: send time (ns, 8 bytes),
// global stream index (4), per-stream sequence number (4).
constexpr size_t kStampLen = 16;

struct Options {
  CommonOptions common;
  double seconds = 1.0;
  int client_cpu = 0;
  size_t publishers = 4;
  size_t subscribers = 12;
  // only: run one scenario (memory, saturate, latency, rooms, mix); latency
  // runs saturate first for its rate. Empty = all.
  std::string only;

  bool runs(std::string_view scenario) const {
    return only.empty() || only == scenario || (only == "latency" && scenario == "saturate");
  }
};

Options parse_options(int argc, char** argv) {
  Options o;
  Args args(argc, argv,
            std::string("usage: sfu_loadgen [--seconds S] [--client-cpu N] [--publishers N] "
                        "[--subscribers N] [--only memory|saturate|latency|rooms|mix] ") +
                CommonOptions::kUsage);
  while (args.next()) {
    if (!o.common.take(args) && !args.value("--seconds", &o.seconds, 0.05, 600.0) &&
        !args.value("--client-cpu", &o.client_cpu, 0, CPU_SETSIZE - 1) &&
        !args.value("--publishers", &o.publishers, 1, 100) &&
        !args.value("--subscribers", &o.subscribers, 0, 1000) && !args.value("--only", &o.only)) {
      args.fail();
    }
  }
  if (o.common.full) {
    o.common.reps = std::max(o.common.reps, 5);
    o.seconds = std::max(o.seconds, 3.0);
  }
  return o;
}

void put_u64(MutableByteView out, size_t at, uint64_t v) {
  for (size_t i = 0; i < 8; ++i) {
    out[at + i] = static_cast<uint8_t>(v >> (56 - 8 * i));
  }
}
void put_u32(MutableByteView out, size_t at, uint32_t v) {
  for (size_t i = 0; i < 4; ++i) {
    out[at + i] = static_cast<uint8_t>(v >> (24 - 8 * i));
  }
}
uint64_t get_u64(ByteView in, size_t at) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) {
    v = (v << 8) | in[at + i];
  }
  return v;
}
uint32_t get_u32(ByteView in, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) {
    v = (v << 8) | in[at + i];
  }
  return v;
}

double percentile(std::vector<uint32_t>& v, double q) {
  if (v.empty()) {
    return 0;
  }
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<ptrdiff_t>(k), v.end());
  return v[k];
}

Json latency_json(std::vector<uint32_t> v) {
  return Json{{"samples", v.size()},
              {"p50_us", percentile(v, 0.50) / 1e3},
              {"p99_us", percentile(v, 0.99) / 1e3},
              {"p999_us", percentile(v, 0.999) / 1e3},
              {"max_us", percentile(v, 1.0) / 1e3}};
}

// Raises a client socket's receive buffer so that loss measures the SFU,
// not the harness (SO_RCVBUFFORCE needs CAP_NET_ADMIN; SO_RCVBUF is capped
// by net.core.rmem_max).
void enlarge_rcvbuf(const UdpSocket& s) {
  const int bytes = 8 << 20;
  if (setsockopt(s.fd(), SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) != 0) {
    (void)setsockopt(s.fd(), SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
  }
}

// udp_drops reads the kernel's drop counter of the 127.0.0.1 UDP socket on
// `port` from /proc/net/udp (its last column): datagrams the socket's full
// receive buffer refused. 0 if not found.
uint64_t udp_drops(uint16_t port) {
  std::ifstream in("/proc/net/udp");
  std::string line;
  char want[16];
  std::snprintf(want, sizeof(want), ":%04X ", port);
  while (std::getline(in, line)) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos || line.find(want, colon + 1) == std::string::npos) {
      continue;
    }
    const size_t last = line.find_last_not_of(' ');
    const size_t start = line.find_last_of(' ', last);
    return std::strtoull(line.c_str() + start + 1, nullptr, 10);
  }
  return 0;
}

struct PathPair {
  MediaPath client;
  MediaPath server;
};

PathPair make_paths(uint32_t path_id) {
  SecretBytes secret(media::kHopSecretLen);
  must(crypto::random_bytes(secret.mutable_view()), "hop secret");
  return PathPair{must(MediaPath::create(HopRole::kClient, path_id, secret), "client path"),
                  must(MediaPath::create(HopRole::kServer, path_id, secret), "server path")};
}

// Client is one participant's end: its socket and its client-role path.
// Client c (counting from 0 over all rooms) owns streams 2c+1 (audio) and
// 2c+2 (video): the forwarder drops packets on anyone else's stream id.
struct Client {
  std::unique_ptr<UdpSocket> sock;
  PeerAddress addr;
  MediaPath path;
  size_t room = 0;
};
sfu::Streams streams_of(size_t client) {
  return sfu::Streams{static_cast<uint32_t>(2 * client + 1), static_cast<uint32_t>(2 * client + 2)};
}

// ---------------------------------------------------------------------------
// The SFU media loop under test.

struct SfuRun {
  Sample elapsed;  // of the SFU thread
  uint64_t packets_in = 0;
  uint64_t packets_out = 0;
  uint64_t batches = 0;             // recv_batch calls that returned datagrams
  std::vector<uint32_t> server_ns;  // per forwarded packet: recv -> last copy sent
  // The loop thread's CPU time over the same span (recorded runs only):
  // wall well above CPU means the thread was descheduled meanwhile.
  std::vector<uint32_t> server_cpu_ns;
};

class SfuLoop {
 public:
  SfuLoop(UdpSocket& sock, Forwarder& fwd) : sock_(sock), fwd_(fwd) {
    for (size_t i = 0; i < slots_.size(); ++i) {
      slots_[i].buf = bufs_[i];
    }
    outgoing_.reserve(4096);
  }

  // run forwards for `seconds` of wall time. `idle_wait` blocks in poll()
  // when nothing is waiting, as the reflector loop does, so thread CPU time
  // is the work done even when the senders fall behind.
  // `stop`, when given, ends the run early once set.
  SfuRun run(ReflectMode mode, double seconds, bool idle_wait, bool record,
             const std::atomic<bool>* stop = nullptr) {
    SfuRun r;
    if (record) {
      r.server_ns.reserve(1 << 20);
      r.server_cpu_ns.reserve(1 << 20);
    }
    const Stopwatch sw;
    const int64_t end = wall_ns() + static_cast<int64_t>(seconds * 1e9);
    while (true) {
      const size_t n = must(sock_.recv_batch(slots_), "sfu recv");
      const int64_t t_recv = wall_ns();
      if (t_recv >= end || (stop != nullptr && stop->load(std::memory_order_relaxed))) {
        break;
      }
      if (n == 0) {
        if (idle_wait) {
          pollfd p{sock_.fd(), POLLIN, 0};
          (void)poll(&p, 1, 5);
        }
        continue;
      }
      r.packets_in += n;
      ++r.batches;
      const int64_t c_recv = record ? cpu_ns() : 0;
      const uint64_t now_ms = static_cast<uint64_t>(t_recv / 1'000'000);
      size_t waiting = 0;
      for (size_t i = 0; i < n; ++i) {
        if (slots_[i].truncated) {
          continue;
        }
        std::vector<Outgoing> out =
            fwd_.on_packet(ByteView(bufs_[i]).first(slots_[i].len), slots_[i].from, now_ms);
        for (Outgoing& o : out) {
          outgoing_.push_back(std::move(o));
        }
        ++waiting;
        if (mode == ReflectMode::kSendmmsg && outgoing_.size() >= media::kMaxUdpBatch) {
          flush(mode, r);
          record_latency(r, record, waiting, t_recv, c_recv);
          waiting = 0;
        }
      }
      flush(mode, r);
      record_latency(r, record, waiting, t_recv, c_recv);
    }
    r.elapsed = sw.elapsed();
    return r;
  }

 private:
  static void record_latency(SfuRun& r, bool record, size_t waiting, int64_t t_recv,
                             int64_t c_recv) {
    if (!record || waiting == 0) {
      return;
    }
    const auto ns = static_cast<uint32_t>(std::min<int64_t>(wall_ns() - t_recv, UINT32_MAX));
    const auto cpu = static_cast<uint32_t>(std::min<int64_t>(cpu_ns() - c_recv, UINT32_MAX));
    for (size_t i = 0; i < waiting && r.server_ns.size() < r.server_ns.capacity(); ++i) {
      r.server_ns.push_back(ns);
      r.server_cpu_ns.push_back(cpu);
    }
  }

  void flush(ReflectMode mode, SfuRun& r) {
    if (outgoing_.empty()) {
      return;
    }
    if (mode == ReflectMode::kSendmmsg) {
      items_.clear();
      for (const Outgoing& o : outgoing_) {
        items_.push_back(SendItem{o.packet, o.to});
      }
      for (size_t first = 0; first < items_.size(); first += media::kMaxUdpBatch) {
        const size_t count = std::min(media::kMaxUdpBatch, items_.size() - first);
        r.packets_out += must(sock_.send_batch(std::span(items_).subspan(first, count)), "send");
      }
    } else {
      flush_gso(r);
    }
    outgoing_.clear();
  }

  // flush_gso groups the batch's copies by receiver (the forwarder emits
  // them per received packet) and sends each receiver's run of equal-sized
  // copies as one GSO send; a shorter copy may close a run.
  void flush_gso(SfuRun& r) {
    order_.resize(outgoing_.size());
    for (size_t i = 0; i < order_.size(); ++i) {
      order_[i] = i;
    }
    std::stable_sort(order_.begin(), order_.end(), [this](size_t a, size_t b) {
      return outgoing_[a].path_id < outgoing_[b].path_id;
    });
    size_t i = 0;
    while (i < order_.size()) {
      const Outgoing& first = outgoing_[order_[i]];
      const size_t seg_len = first.packet.size();
      segments_.clear();
      size_t bytes = 0;
      while (i < order_.size()) {
        const Outgoing& o = outgoing_[order_[i]];
        if (o.path_id != first.path_id || o.packet.size() > seg_len ||
            segments_.size() == media::kMaxGsoSegments ||
            bytes + o.packet.size() > media::kMaxGsoBytes) {
          break;
        }
        segments_.push_back(o.packet);
        bytes += o.packet.size();
        ++i;
        if (o.packet.size() < seg_len) {
          break;
        }
      }
      r.packets_out += must(sock_.send_segments(segments_, first.to), "gso send");
    }
  }

  UdpSocket& sock_;
  Forwarder& fwd_;
  std::array<Bytes, media::kMaxUdpBatch> bufs_{[] {
    std::array<Bytes, media::kMaxUdpBatch> a;
    for (Bytes& b : a) {
      b.resize(media::kMaxPacketLen);
    }
    return a;
  }()};
  std::array<RecvSlot, media::kMaxUdpBatch> slots_{};
  std::vector<Outgoing> outgoing_;
  std::vector<SendItem> items_;
  std::vector<size_t> order_;
  std::vector<ByteView> segments_;
};

// ---------------------------------------------------------------------------
// The clients: paced streams, readers, and a flooding publisher.

// StreamSpec is one media stream's traffic shape.
struct StreamSpec {
  MediaKind kind = MediaKind::kAudio;
  int64_t frame_interval_ns = 20'000'000;
  size_t packets_per_frame = 1;
  size_t min_len = 100;  // SFrame part, bytes
  size_t max_len = 160;
  uint32_t keyframe_every = 0;  // frames; 0 = never
  size_t keyframe_packets = 0;
  int64_t phase_ns = 0;  // offset of the first frame
};

// Real-call shapes (PERFORMANCE.md): Opus 50 packets/s of 100-160 B; VP8
// 360p30 about 60 packets/s, 720p30 about 180 packets/s, with a keyframe of
// five times the packets every 2 s.
StreamSpec opus() { return StreamSpec{}; }
StreamSpec vp8_360p() {
  return StreamSpec{MediaKind::kVideo, 1'000'000'000 / 30, 2, 900, 1100, 60, 10, 0};
}
StreamSpec vp8_720p() {
  return StreamSpec{MediaKind::kVideo, 1'000'000'000 / 30, 6, 1000, 1150, 60, 30, 0};
}
StreamSpec saturating(double packets_per_s) {
  const size_t len = sframe_len_for(kSaturatingLen);
  return StreamSpec{
      MediaKind::kVideo, static_cast<int64_t>(1e9 / packets_per_s), 1, len, len, 0, 0, 0};
}

struct Stream {
  size_t client = 0;
  uint32_t stream_id = 0;
  StreamSpec spec;
  int64_t next_ns = 0;
  uint32_t seq = 0;
  uint64_t frames = 0;
};

struct TrafficResult {
  uint64_t sent = 0;
  uint64_t expected = 0;  // copies the readers should have received
  uint64_t received = 0;
  uint64_t reordered = 0;
  uint64_t duplicates = 0;
  uint64_t open_failed = 0;
  std::vector<uint32_t> e2e_ns;
  Json to_json() const {
    const double loss =
        expected == 0 ? 0 : 1.0 - static_cast<double>(received) / static_cast<double>(expected);
    return Json{{"packets_sent", sent},        {"copies_expected", expected},
                {"copies_received", received}, {"loss_fraction", loss},
                {"reordered", reordered},      {"duplicates", duplicates},
                {"open_failed", open_failed},  {"end_to_end", latency_json(e2e_ns)}};
  }
};

// Traffic drives the clients from one thread: it sends every stream's due
// packets (sealed with the publisher's path) and reads every reader's
// socket, opening each copy with the reader's path.
class Traffic {
 public:
  Traffic(std::vector<Client>& clients, std::vector<Stream> streams, std::vector<bool> readers,
          PeerAddress sfu)
      : clients_(clients), streams_(std::move(streams)), readers_(std::move(readers)), sfu_(sfu) {
    max_seq_.assign(clients_.size() * streams_.size(), -1);
    for (size_t i = 0; i < slots_.size(); ++i) {
      rbufs_[i].resize(media::kMaxPacketLen);
      slots_[i].buf = rbufs_[i];
    }
    for (Bytes& b : sbufs_) {
      b.resize(media::kMaxPacketLen);
    }
    plain_.resize(media::kMaxPacketLen);
    sframe_.resize(media::kMaxPacketLen);
    result_.e2e_ns.reserve(1 << 21);
  }

  // run sends for `seconds`, then reads until no copy came for `quiet`
  // seconds (the SFU has drained its backlog) or for at most `max_drain`.
  TrafficResult run(double seconds, double quiet, double max_drain) {
    const int64_t start = wall_ns();
    for (Stream& s : streams_) {
      s.next_ns = start + s.spec.phase_ns;
    }
    const int64_t stop_send = start + static_cast<int64_t>(seconds * 1e9);
    const int64_t stop = stop_send + static_cast<int64_t>(max_drain * 1e9);
    const auto quiet_ns = static_cast<int64_t>(quiet * 1e9);
    last_rx_ns_ = start;
    while (true) {
      const int64_t now = wall_ns();
      if (now >= stop || (now >= stop_send && now - std::max(last_rx_ns_, stop_send) >= quiet_ns)) {
        break;
      }
      if (now < stop_send) {
        for (Stream& s : streams_) {
          while (s.next_ns <= now) {
            send_frame(s);
          }
        }
      }
      for (size_t c = 0; c < clients_.size(); ++c) {
        if (readers_[c]) {
          read(c);
        }
      }
    }
    // Copies each reader should have received: every packet of every stream
    // of its room but its own (the benchmark's forwarder selects all).
    for (size_t c = 0; c < clients_.size(); ++c) {
      if (!readers_[c]) {
        continue;
      }
      for (const Stream& s : streams_) {
        if (s.client != c && clients_[s.client].room == clients_[c].room) {
          result_.expected += s.seq;
        }
      }
    }
    return std::move(result_);
  }

 private:
  void send_frame(Stream& s) {
    const bool key = s.spec.keyframe_every != 0 && s.frames % s.spec.keyframe_every == 0;
    const size_t count = key ? s.spec.keyframe_packets : s.spec.packets_per_frame;
    Client& c = clients_[s.client];
    size_t sent = 0;
    while (sent < count) {
      const size_t batch = std::min(count - sent, sbufs_.size());
      for (size_t i = 0; i < batch; ++i) {
        MediaHeader h;
        h.stream_id = s.stream_id;
        h.kind = s.spec.kind;
        if (s.spec.kind == MediaKind::kVideo) {
          h.flags = static_cast<uint8_t>((key ? media::kFlagKeyframe : 0) |
                                         (sent + i == 0 ? media::kFlagFrameStart : 0) |
                                         (sent + i + 1 == count ? media::kFlagFrameEnd : 0));
        }
        h.stream_seq = s.seq;
        const size_t span = s.spec.max_len - s.spec.min_len + 1;
        const size_t len = s.spec.min_len + (s.seq * 7919u) % span;
        MutableByteView frame = MutableByteView(sframe_).first(len);
        put_u64(frame, 0, static_cast<uint64_t>(wall_ns()));
        put_u32(frame, 8, static_cast<uint32_t>(&s - streams_.data()));
        put_u32(frame, 12, s.seq);
        const size_t n = must(c.path.seal_media(sbufs_[i], h, frame), "client seal");
        items_[i] = SendItem{ByteView(sbufs_[i]).first(n), sfu_};
        ++s.seq;
      }
      // A full send buffer loses the rest of the batch, as a real client would.
      (void)must(c.sock->send_batch(std::span(items_).first(batch)), "client send");
      result_.sent += batch;
      sent += batch;
    }
    ++s.frames;
    s.next_ns += s.spec.frame_interval_ns;
  }

  void read(size_t c) {
    Client& me = clients_[c];
    while (true) {
      const size_t n = must(me.sock->recv_batch(slots_), "client recv");
      if (n == 0) {
        return;
      }
      const int64_t now = wall_ns();
      last_rx_ns_ = now;
      for (size_t i = 0; i < n; ++i) {
        auto rx = me.path.open(plain_, ByteView(rbufs_[i]).first(slots_[i].len), slots_[i].from);
        if (!rx || !rx->media.has_value() || rx->media->sframe.size() < kStampLen) {
          ++result_.open_failed;  // keepalive answers are not expected here either
          continue;
        }
        const ByteView f = rx->media->sframe;
        const uint64_t sent_ns = get_u64(f, 0);
        const uint32_t stream = get_u32(f, 8);
        const uint32_t seq = get_u32(f, 12);
        if (stream >= streams_.size()) {
          ++result_.open_failed;
          continue;
        }
        ++result_.received;
        if (result_.e2e_ns.size() < result_.e2e_ns.capacity()) {
          result_.e2e_ns.push_back(static_cast<uint32_t>(
              std::min<int64_t>(now - static_cast<int64_t>(sent_ns), UINT32_MAX)));
        }
        int64_t& max_seq = max_seq_[c * streams_.size() + stream];
        if (static_cast<int64_t>(seq) < max_seq) {
          ++result_.reordered;
        } else if (static_cast<int64_t>(seq) == max_seq) {
          ++result_.duplicates;
        } else {
          max_seq = seq;
        }
      }
    }
  }

  std::vector<Client>& clients_;
  std::vector<Stream> streams_;
  std::vector<bool> readers_;
  PeerAddress sfu_;
  std::vector<int64_t> max_seq_;
  std::array<Bytes, media::kMaxUdpBatch> rbufs_;
  std::array<RecvSlot, media::kMaxUdpBatch> slots_{};
  std::array<Bytes, 32> sbufs_;
  std::array<SendItem, 32> items_{};
  Bytes plain_;
  Bytes sframe_;
  int64_t last_rx_ns_ = 0;
  TrafficResult result_;
};

// Flood seals 1200-B packets on one publisher's path and sends them to the
// SFU as fast as the socket takes them, from its own thread.
class Flood {
 public:
  // `video_stream` is the client's own video stream id.
  Flood(Client& c, uint32_t video_stream, PeerAddress sfu, int cpu) : client_(c) {
    thread_ = std::thread([this, video_stream, sfu, cpu] {
      (void)pin_to_cpu(cpu);
      std::array<Bytes, media::kMaxUdpBatch> bufs;
      std::array<SendItem, media::kMaxUdpBatch> items{};
      Bytes frame(sframe_len_for(kSaturatingLen), 0x5a);
      MediaHeader h;
      h.stream_id = video_stream;
      h.kind = MediaKind::kVideo;
      while (!stop_.load(std::memory_order_relaxed)) {
        for (size_t i = 0; i < bufs.size(); ++i) {
          bufs[i].resize(media::kMaxPacketLen);
          h.stream_seq = seq_++;
          put_u64(frame, 0, static_cast<uint64_t>(wall_ns()));
          const size_t n = must(client_.path.seal_media(bufs[i], h, frame), "flood seal");
          items[i] = SendItem{ByteView(bufs[i]).first(n), sfu};
        }
        if (must(client_.sock->send_batch(items), "flood send") == 0) {
          std::this_thread::yield();
        }
      }
    });
  }
  ~Flood() {
    stop_.store(true);
    thread_.join();
  }
  Flood(const Flood&) = delete;
  Flood& operator=(const Flood&) = delete;

 private:
  Client& client_;
  uint32_t seq_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// ---------------------------------------------------------------------------
// Scenario set-up.

// Setup is an SFU (socket + forwarder) and `rooms` rooms of `per_room`
// clients each; the first `publishers` of each room may send audio and
// video. `big_rcvbuf` gives the SFU socket an 8 MB receive buffer; readers
// get theirs from readers_of(). Every client's path is bound (one keepalive each) before timing.
struct Setup {
  std::unique_ptr<UdpSocket> sfu_sock;
  PeerAddress sfu_addr;
  std::unique_ptr<Forwarder> fwd;
  std::vector<Client> clients;

  Setup(size_t rooms, size_t per_room, size_t publishers, bool big_rcvbuf) {
    sfu_sock = must(UdpSocket::bind(kLoopback), "sfu bind");
    sfu_addr = must(sfu_sock->local_address(), "sfu address");
    if (big_rcvbuf) {
      // Paced scenarios: a receive buffer as a server would configure, so
      // that a time slice lost to other jobs on this machine does not drop
      // input (the flooded scenarios keep the default, as the reflector).
      enlarge_rcvbuf(*sfu_sock);
    }
    sfu::ForwarderConfig config;
    // All to all: every receiver gets every speaker (the forwarder's last-N
    // audio policy would otherwise withhold copies by design).
    config.last_n_audio = per_room;
    fwd = std::make_unique<Forwarder>(config);
    uint32_t path_id = 1;
    for (size_t room = 0; room < rooms; ++room) {
      for (size_t i = 0; i < per_room; ++i) {
        PathPair paths = make_paths(path_id);
        auto sock = must(UdpSocket::bind(kLoopback), "client bind");
        const PeerAddress addr = must(sock->local_address(), "client address");
        const bool pub = i < publishers;
        must(fwd->add_participant(room + 1, static_cast<uint32_t>(i), sfu::Rights{pub, pub},
                                  std::move(paths.server), streams_of(clients.size())),
             "add participant");
        clients.push_back(Client{std::move(sock), addr, std::move(paths.client), room});
        ++path_id;
      }
    }
    Bytes ka(media::kMinPacketLen);
    for (Client& c : clients) {
      const size_t n = must(c.path.seal_keepalive(ka), "keepalive");
      (void)fwd->on_packet(ByteView(ka).first(n), c.addr, 0);
    }
  }
};

// readers_of marks the clients whose copies are read and checked and gives
// them a large receive buffer (loss then measures the SFU, not a reader
// that lost its time slice); the others' copies are never read, like the
// reflector's sinks.
std::vector<bool> readers_of(Setup& s, const std::function<bool(size_t)>& read) {
  std::vector<bool> readers(s.clients.size(), false);
  for (size_t c = 0; c < s.clients.size(); ++c) {
    if (read(c)) {
      readers[c] = true;
      enlarge_rcvbuf(*s.clients[c].sock);
    }
  }
  return readers;
}

// run_paced runs the SFU loop on this thread and `traffic` on a thread
// pinned to the client CPU: `seconds` of sending, then until the readers
// have drained (200 ms without a copy, at most 10 s), so that a backlog
// built while this shared machine starved the SFU thread is forwarded and
// counted rather than lost.
std::pair<SfuRun, TrafficResult> run_paced(Setup& s, Traffic& traffic, double seconds,
                                           int client_cpu, bool record) {
  constexpr double kQuiet = 0.2;
  constexpr double kMaxDrain = 10;
  TrafficResult tr;
  std::atomic<bool> done{false};
  std::thread t([&] {
    (void)pin_to_cpu(client_cpu);
    tr = traffic.run(seconds, kQuiet, kMaxDrain);
    done.store(true);
  });
  SfuLoop loop(*s.sfu_sock, *s.fwd);
  SfuRun r = loop.run(ReflectMode::kSendmmsg, seconds + kMaxDrain + 1, true, record, &done);
  t.join();
  return {std::move(r), std::move(tr)};
}

// ---------------------------------------------------------------------------
// Scenarios.

struct Saturation {
  double refl_sendmmsg = 0, sfu_sendmmsg = 0, refl_gso = 0, sfu_gso = 0;  // out per CPU-s
  double ratio_sendmmsg = 0, ratio_gso = 0;
  double sfu_in_per_wall_s = 0;  // input rate the SFU sustained (sendmmsg)
};

Saturation run_saturation(const Options& opt, Json& rows) {
  // Reflector baseline: the same I/O code as udp_reflector.
  auto refl_in = must(UdpSocket::bind(kLoopback), "reflector bind");
  auto refl_tx = must(UdpSocket::bind(kLoopback), "reflector tx bind");
  std::vector<std::unique_ptr<UdpSocket>> sink_socks;
  std::vector<PeerAddress> sinks;
  for (size_t i = 0; i < kFanout; ++i) {
    sink_socks.push_back(must(UdpSocket::bind(kLoopback), "sink bind"));
    sinks.push_back(must(sink_socks.back()->local_address(), "sink address"));
  }
  // SFU: one room of 10, one publisher; the nine subscribers never read
  // (as the reflector's sinks).
  Setup s(1, kFanout + 1, 1, false);
  Saturation out;
  std::printf(
      "\nsaturate: %zu-B packets, fan-out %zu, flooded; SFU = UdpSocket + Forwarder, %d reps "
      "of %.1f s (medians; out/s per CPU-second of the loop thread)\n",
      kSaturatingLen, kFanout, opt.common.reps, opt.seconds);
  std::printf("%9s | %12s %12s %7s | %13s | %10s %10s\n", "mode", "reflector", "sfu", "ratio",
              "sfu in/s wall", "refl batch", "sfu batch");
  for (ReflectMode mode : {ReflectMode::kSendmmsg, ReflectMode::kGso}) {
    std::vector<double> refl, sfu, ratio, in_wall, refl_batch, sfu_batch;
    for (int rep = -1; rep < opt.common.reps; ++rep) {  // rep -1 warms up
      ReflectResult rr;
      {
        const Generator gen(must(refl_in->local_address(), "reflector address"), kSaturatingLen,
                            opt.client_cpu);
        rr = reflect(*refl_in, *refl_tx, sinks, mode, opt.seconds);
      }
      SfuRun sr;
      {
        const Flood flood(s.clients[0], streams_of(0).video, s.sfu_addr, opt.client_cpu);
        SfuLoop loop(*s.sfu_sock, *s.fwd);
        sr = loop.run(mode, opt.seconds, true, false);
      }
      if (rep < 0) {
        continue;
      }
      const double a = static_cast<double>(rr.packets_out) * 1e9 / rr.elapsed.cpu_ns;
      const double b = static_cast<double>(sr.packets_out) * 1e9 / sr.elapsed.cpu_ns;
      refl.push_back(a);
      sfu.push_back(b);
      ratio.push_back(b / a);
      in_wall.push_back(static_cast<double>(sr.packets_in) * 1e9 / sr.elapsed.wall_ns);
      refl_batch.push_back(static_cast<double>(rr.packets_in) /
                           static_cast<double>(std::max<uint64_t>(rr.batches, 1)));
      sfu_batch.push_back(static_cast<double>(sr.packets_in) /
                          static_cast<double>(std::max<uint64_t>(sr.batches, 1)));
    }
    const double r = median(ratio);
    std::printf("%9s | %12.0f %12.0f %6.3fx | %13.0f | %10.1f %10.1f\n", to_string(mode),
                median(refl), median(sfu), r, median(in_wall), median(refl_batch),
                median(sfu_batch));
    rows.push_back(Json{{"scenario", "saturate"},
                        {"mode", to_string(mode)},
                        {"reflector_out_per_cpu_s", median(refl)},
                        {"sfu_out_per_cpu_s", median(sfu)},
                        {"ratio_median_of_pairs", r},
                        {"sfu_in_per_wall_s", median(in_wall)},
                        {"reflector_datagrams_per_recv_batch", median(refl_batch)},
                        {"sfu_datagrams_per_recv_batch", median(sfu_batch)},
                        {"reps_reflector", refl},
                        {"reps_sfu", sfu}});
    if (mode == ReflectMode::kSendmmsg) {
      out.refl_sendmmsg = median(refl);
      out.sfu_sendmmsg = median(sfu);
      out.ratio_sendmmsg = r;
      out.sfu_in_per_wall_s = median(in_wall);
    } else {
      out.refl_gso = median(refl);
      out.sfu_gso = median(sfu);
      out.ratio_gso = r;
    }
  }
  const auto& c = s.fwd->counters();
  std::printf("forwarder counters: forwarded %llu, copies %llu, transport drops %llu\n",
              static_cast<unsigned long long>(c.media_forwarded),
              static_cast<unsigned long long>(c.copies_sent),
              static_cast<unsigned long long>(c.transport_dropped));
  return out;
}

// aead_share measures, in this run, the hop AEAD work the forwarder does for
// one received 1200-B packet at fan-out 9 (one open, nine seals with
// HopCipher, the forwarder's own cipher) and returns it in CPU ns.
double aead_ns_per_input(int reps) {
  SecretBytes secret(media::kHopSecretLen);
  must(crypto::random_bytes(secret.mutable_view()), "secret");
  const auto client = must(media::HopCipher::derive(HopRole::kClient, secret), "hop client");
  const auto server = must(media::HopCipher::derive(HopRole::kServer, secret), "hop server");
  const size_t plain_len = kSaturatingLen - media::kHopHeaderLen - media::kHopTagLen;
  Bytes plain(plain_len, 0x11);
  Bytes aad(media::kHopHeaderLen, 0x01);
  constexpr int kIter = 4000;
  std::vector<Bytes> sealed(kIter, Bytes(plain_len + media::kHopTagLen));
  Bytes out(plain_len + media::kHopTagLen);
  std::vector<double> seal_ns, open_ns;
  for (int rep = -1; rep < reps; ++rep) {
    Stopwatch sw;
    for (int i = 0; i < kIter; ++i) {
      (void)must(client.seal(sealed[static_cast<size_t>(i)], static_cast<uint64_t>(i), aad, plain),
                 "seal");
    }
    const double s = sw.elapsed().cpu_ns / kIter;
    sw = Stopwatch();
    for (int i = 0; i < kIter; ++i) {
      (void)must(server.open(out, static_cast<uint64_t>(i), aad, sealed[static_cast<size_t>(i)]),
                 "open");
    }
    const double o = sw.elapsed().cpu_ns / kIter;
    if (rep >= 0) {
      seal_ns.push_back(s);
      open_ns.push_back(o);
    }
  }
  return median(open_ns) + static_cast<double>(kFanout) * median(seal_ns);
}

struct LatencyPoint {
  double load = 0;
  double p99_us = 0;
};

std::vector<LatencyPoint> run_latency(const Options& opt, double max_in_per_s, Json& rows) {
  std::vector<LatencyPoint> points;
  std::printf(
      "\nlatency: %zu-B packets, fan-out %zu, paced at a fraction of the input rate the "
      "SFU sustained in the flooded run (%.0f pkt/s wall); time in server = recvmmsg "
      "return -> return of the sendmmsg carrying the packet's last copy; e2e read by one "
      "subscriber (medians of %d reps of %.1f s)\n",
      kSaturatingLen, kFanout, max_in_per_s, opt.common.reps, opt.seconds);
  std::printf("%5s %10s | %9s %9s %9s %9s | %9s %9s | %8s %6s %9s\n", "load", "in pkt/s",
              "srv p50us", "srv p99us", "srv p999", "cpu p99us", "e2e p50us", "e2e p99us", "loss",
              "reord", "sfu drops");
  for (const double load : {0.5, 0.9}) {
    const double rate = load * max_in_per_s;
    std::vector<double> p50, p99, p999, c99, e50, e99, loss;
    uint64_t reordered = 0;
    uint64_t sfu_drops = 0;
    Json reps = Json::array();
    for (int rep = 0; rep < opt.common.reps; ++rep) {
      Setup s(1, kFanout + 1, 1, true);
      std::vector<bool> readers = readers_of(s, [](size_t c) { return c == 1; });
      std::vector<Stream> streams{Stream{0, streams_of(0).video, saturating(rate), 0, 0, 0}};
      Traffic traffic(s.clients, std::move(streams), readers, s.sfu_addr);
      auto [sr, tr] = run_paced(s, traffic, opt.seconds, opt.client_cpu, true);
      const uint64_t drops = udp_drops(s.sfu_addr.port);
      sfu_drops += drops;
      const Json srv = latency_json(sr.server_ns);
      const Json srv_cpu = latency_json(sr.server_cpu_ns);
      const Json t = tr.to_json();
      c99.push_back(srv_cpu["p99_us"]);
      p50.push_back(srv["p50_us"]);
      p99.push_back(srv["p99_us"]);
      p999.push_back(srv["p999_us"]);
      e50.push_back(t["end_to_end"]["p50_us"]);
      e99.push_back(t["end_to_end"]["p99_us"]);
      loss.push_back(t["loss_fraction"]);
      reordered += tr.reordered;
      reps.push_back(Json{{"server", srv},
                          {"server_thread_cpu", srv_cpu},
                          {"traffic", t},
                          {"sfu_socket_drops", drops}});
    }
    std::printf("%4.0f%% %10.0f | %9.1f %9.1f %9.1f %9.1f | %9.1f %9.1f | %7.4f%% %6llu %9llu\n",
                load * 100, rate, median(p50), median(p99), median(p999), median(c99), median(e50),
                median(e99), median(loss) * 100, static_cast<unsigned long long>(reordered),
                static_cast<unsigned long long>(sfu_drops));
    rows.push_back(Json{{"scenario", "latency"},
                        {"load_of_g1", load},
                        {"input_packets_per_s", rate},
                        {"server_p99_us_median", median(p99)},
                        {"server_p50_us_median", median(p50)},
                        {"server_thread_cpu_p99_us_median", median(c99)},
                        {"e2e_p99_us_median", median(e99)},
                        {"reps", reps}});
    points.push_back(LatencyPoint{load, median(p99)});
  }
  return points;
}

struct RoomsResult {
  double core_fraction = 0;
  uint64_t lost = 0;
};

// all_to_all builds `rooms` rooms of `per_room` participants who all publish
// Opus and `video` and all read, and runs it.
RoomsResult run_rooms(const Options& opt, Json& rows) {
  constexpr size_t kRooms = 10;
  constexpr size_t kPerRoom = 10;
  std::vector<double> frac, loss_v;
  uint64_t lost_total = 0;
  uint64_t sfu_drops_total = 0;
  Json reps = Json::array();
  std::printf(
      "\nrooms: %zu rooms x %zu participants, each Opus 50 pkt/s + VP8 360p30 (60 pkt/s, "
      "keyframe burst every 2 s), all to all; one reader per room opens every copy it gets; "
      "SFU cpu = its thread CPU time / sending time (%d reps of %.1f s)\n",
      kRooms, kPerRoom, opt.common.reps, opt.seconds * 2);
  std::printf("%10s %10s | %10s %10s | %8s %6s %9s | %9s %9s\n", "in pkt/s", "out pkt/s",
              "sfu cpu %", "ns/pkt out", "loss", "reord", "sfu drops", "e2e p50us", "e2e p99us");
  for (int rep = 0; rep < opt.common.reps; ++rep) {
    Setup s(kRooms, kPerRoom, kPerRoom, true);
    std::vector<Stream> streams;
    uint32_t k = 0;
    for (size_t c = 0; c < s.clients.size(); ++c) {
      StreamSpec a = opus();
      StreamSpec v = vp8_360p();
      // Spread the participants' frame times and keyframes over the period.
      a.phase_ns =
          static_cast<int64_t>(c) * a.frame_interval_ns / static_cast<int64_t>(s.clients.size());
      v.phase_ns =
          static_cast<int64_t>(c) * v.frame_interval_ns / static_cast<int64_t>(s.clients.size());
      streams.push_back(Stream{c, 2 * k + 1, a, 0, 0, 0});
      streams.push_back(Stream{c, 2 * k + 2, v, 0, 0, c % 60});
      ++k;
    }
    // One reader per room (its nine others' streams); the other copies are
    // sent but never read: the harness cannot open 100k copies a second on
    // the client core of this shared machine.
    const std::vector<bool> readers =
        readers_of(s, [](size_t c) { return c % kPerRoom == kPerRoom - 1; });
    Traffic traffic(s.clients, std::move(streams), readers, s.sfu_addr);
    auto [sr, tr] = run_paced(s, traffic, opt.seconds * 2, opt.client_cpu, false);
    const uint64_t drops = udp_drops(s.sfu_addr.port);
    sfu_drops_total += drops;
    // The SFU's CPU time for all of the traffic, per second of traffic.
    const double send_ns = opt.seconds * 2 * 1e9;
    const double f = sr.elapsed.cpu_ns / send_ns;
    const Json t = tr.to_json();
    frac.push_back(f);
    loss_v.push_back(t["loss_fraction"]);
    lost_total += tr.expected > tr.received ? tr.expected - tr.received : 0;
    std::printf("%10.0f %10.0f | %9.1f%% %10.0f | %7.4f%% %6llu %9llu | %9.1f %9.1f\n",
                static_cast<double>(sr.packets_in) * 1e9 / send_ns,
                static_cast<double>(sr.packets_out) * 1e9 / send_ns, f * 100,
                sr.packets_out ? sr.elapsed.cpu_ns / static_cast<double>(sr.packets_out) : 0.0,
                static_cast<double>(t["loss_fraction"]) * 100,
                static_cast<unsigned long long>(tr.reordered),
                static_cast<unsigned long long>(drops),
                static_cast<double>(t["end_to_end"]["p50_us"]),
                static_cast<double>(t["end_to_end"]["p99_us"]));
    reps.push_back(Json{{"sfu_cpu_fraction", f},
                        {"sfu_socket_drops", drops},
                        {"sfu_in", sr.packets_in},
                        {"sfu_out", sr.packets_out},
                        {"sfu_cpu_ns", sr.elapsed.cpu_ns},
                        {"sfu_wall_ns", sr.elapsed.wall_ns},
                        {"traffic", t}});
  }
  rows.push_back(Json{{"scenario", "rooms"},
                      {"rooms", kRooms},
                      {"per_room", kPerRoom},
                      {"sfu_cpu_fraction_median", median(frac)},
                      {"loss_fraction_median", median(loss_v)},
                      {"reps", reps}});
  return RoomsResult{median(frac), lost_total + sfu_drops_total};
}

void run_mix(const Options& opt, Json& rows) {
  const size_t per_room = opt.publishers + opt.subscribers;
  Setup s(1, per_room, opt.publishers, true);
  std::vector<Stream> streams;
  for (size_t c = 0; c < opt.publishers; ++c) {
    StreamSpec a = opus();
    StreamSpec v = c % 2 == 0 ? vp8_720p() : vp8_360p();
    a.phase_ns = static_cast<int64_t>(c) * 3'000'000;
    v.phase_ns = static_cast<int64_t>(c) * 5'000'000;
    streams.push_back(Stream{c, static_cast<uint32_t>(2 * c + 1), a, 0, 0, 0});
    streams.push_back(Stream{c, static_cast<uint32_t>(2 * c + 2), v, 0, 0, 0});
  }
  const std::vector<bool> readers = readers_of(s, [](size_t) { return true; });
  Traffic traffic(s.clients, std::move(streams), readers, s.sfu_addr);
  auto [sr, tr] = run_paced(s, traffic, opt.seconds * 2, opt.client_cpu, true);
  const Json t = tr.to_json();
  const Json srv = latency_json(sr.server_ns);
  const double send_ns = opt.seconds * 2 * 1e9;
  std::printf(
      "\nmix: 1 room, %zu publishers (Opus + alternately 720p30 / 360p30 VP8, keyframe "
      "bursts every 2 s) x %zu subscribers, %.1f s\n",
      opt.publishers, opt.subscribers, opt.seconds * 2);
  std::printf(
      "  in %.0f pkt/s, out %.0f pkt/s, SFU cpu %.1f%%, loss %.4f%%, reordered %llu, "
      "server p50/p99 %.1f/%.1f us, e2e p50/p99 %.1f/%.1f us\n",
      static_cast<double>(sr.packets_in) * 1e9 / send_ns,
      static_cast<double>(sr.packets_out) * 1e9 / send_ns, 100 * sr.elapsed.cpu_ns / send_ns,
      static_cast<double>(t["loss_fraction"]) * 100, static_cast<unsigned long long>(tr.reordered),
      static_cast<double>(srv["p50_us"]), static_cast<double>(srv["p99_us"]),
      static_cast<double>(t["end_to_end"]["p50_us"]),
      static_cast<double>(t["end_to_end"]["p99_us"]));
  rows.push_back(Json{{"scenario", "mix"},
                      {"publishers", opt.publishers},
                      {"subscribers", opt.subscribers},
                      {"sfu_cpu_fraction", sr.elapsed.cpu_ns / send_ns},
                      {"server", srv},
                      {"traffic", t}});
}

size_t heap_in_use() {
  const struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

// run_memory measures the heap the forwarder holds for 1,000 forwarded
// streams: 100 rooms of 10 participants, each publishing one video stream
// forwarded to the 9 others. glibc's mallinfo2 (bytes in use in the main
// arena plus mmapped blocks) is read before the server side exists and
// after every participant was added, bound and had one packet forwarded
// (the outputs freed again); client paths and the hop secrets are made
// first, outside the measured span; the server paths (hop keys, replay
// windows) are made inside it. This thread allocates from the main arena, which
// mallinfo2 reports.
double run_memory(Json& rows) {
  constexpr size_t kRooms = 100;
  constexpr size_t kPerRoom = 10;
  constexpr size_t kStreams = kRooms * kPerRoom;
  std::vector<SecretBytes> secrets;
  std::vector<MediaPath> client_paths;
  for (uint32_t id = 1; id <= kStreams; ++id) {
    SecretBytes secret(media::kHopSecretLen);
    must(crypto::random_bytes(secret.mutable_view()), "hop secret");
    client_paths.push_back(must(MediaPath::create(HopRole::kClient, id, secret), "client path"));
    secrets.push_back(std::move(secret));
  }
  // Pre-sealed packets: one keepalive per client, and enough media packets
  // per client to fill its stream's retransmission cache, so that the
  // figure is the steady state (the cache holds the last
  // kRetransmitCachePackets forwarded packets of a stream).
  std::vector<Bytes> keepalives;
  std::vector<std::vector<Bytes>> media_packets(kStreams);
  Bytes frame(sframe_len_for(kSaturatingLen), 0x22);
  for (size_t i = 0; i < client_paths.size(); ++i) {
    MediaPath& c = client_paths[i];
    Bytes ka(media::kMinPacketLen);
    ka.resize(must(c.seal_keepalive(ka), "keepalive"));
    keepalives.push_back(std::move(ka));
    for (uint32_t seq = 0; seq < media::kRetransmitCachePackets; ++seq) {
      Bytes m(media::kMaxPacketLen);
      MediaHeader h;
      h.stream_id = streams_of(i).video;
      h.kind = MediaKind::kVideo;
      h.flags = media::kFlagFrameStart | media::kFlagFrameEnd;
      h.stream_seq = seq;
      m.resize(must(c.seal_media(m, h, frame), "seal"));
      media_packets[i].push_back(std::move(m));
    }
  }
  const size_t before = heap_in_use();
  {
    Forwarder fwd;
    for (size_t i = 0; i < kStreams; ++i) {
      must(fwd.add_participant(
               i / kPerRoom + 1, static_cast<uint32_t>(i % kPerRoom), sfu::Rights{true, true},
               must(MediaPath::create(HopRole::kServer, static_cast<uint32_t>(i + 1), secrets[i]),
                    "server path"),
               streams_of(i)),
           "add");
    }
    for (size_t i = 0; i < kStreams; ++i) {
      const PeerAddress from = PeerAddress::ipv4({127, 0, 0, 1}, static_cast<uint16_t>(10000 + i));
      (void)fwd.on_packet(keepalives[i], from, 1);
    }
    size_t copies = 0;
    for (size_t i = 0; i < kStreams; ++i) {
      const PeerAddress from = PeerAddress::ipv4({127, 0, 0, 1}, static_cast<uint16_t>(10000 + i));
      for (const Bytes& m : media_packets[i]) {
        copies += fwd.on_packet(m, from, 2).size();
      }
    }
    const size_t after = heap_in_use();
    const double per_stream =
        static_cast<double>(after > before ? after - before : 0) / static_cast<double>(kStreams);
    std::printf(
        "\nmemory: %zu streams (%zu rooms x %zu), %zu copies forwarded, retransmission caches "
        "full (%zu packets each); forwarder heap %.1f kB in all, %.0f B per forwarded stream "
        "(mallinfo2)\n",
        kStreams, kRooms, kPerRoom, copies, media::kRetransmitCachePackets,
        static_cast<double>(after - before) / 1024, per_stream);
    rows.push_back(Json{{"scenario", "memory"},
                        {"streams", kStreams},
                        {"heap_bytes_before", before},
                        {"heap_bytes_after", after},
                        {"bytes_per_stream", per_stream},
                        {"method", "glibc mallinfo2 uordblks+hblkhd around the server side"}});
    return per_stream;
  }
}

int run(const Options& opt) {
  const std::string pinning = pin_to_cpu(opt.common.cpu);
  Json out;
  out["benchmark"] = "sfu_loadgen";
  out["machine"] = machine_facts(pinning + "; clients on CPU " + std::to_string(opt.client_cpu));
  out["config"] = {{"reps", opt.common.reps},
                   {"seconds_per_rep", opt.seconds},
                   {"fanout", kFanout},
                   {"packet_bytes", kSaturatingLen},
                   {"sfu", "bench media loop: src/media/udp_socket.h + src/sfu/forwarder.h"},
                   {"network", "loopback 127.0.0.1"}};
  std::printf("sfu_loadgen: SFU loop %s, clients on CPU %d\n", pinning.c_str(), opt.client_cpu);
  Json rows = Json::array();
  Json goals = Json::array();

  if (opt.runs("memory")) {
    const double per_stream = run_memory(rows);
    if (per_stream > 0) {
      goals.push_back(goal("G13", "forwarder heap per forwarded stream at 1,000 streams",
                           per_stream / 1024, 128, "kB"));
    } else {
      // A sanitizer's allocator replaces glibc's, whose mallinfo2 then sees
      // nothing.
      goals.push_back(not_measured("G13", "forwarder heap per forwarded stream",
                                   "mallinfo2 sees no allocations (sanitizer allocator?)"));
    }
  }
  if (opt.runs("saturate")) {
    const Saturation sat = run_saturation(opt, rows);
    goals.push_back(
        goal_at_least("G1", "SFU / reflector packets out per CPU-s, 1200 B, fan-out 9, sendmmsg",
                      sat.ratio_sendmmsg, 0.60, "x"));
    goals.push_back(goal_at_least("G1", "SFU packets out per CPU-second (floor), sendmmsg",
                                  sat.sfu_sendmmsg / 1000, 150, "k/s"));
    goals.push_back(goal_at_least("G2",
                                  "SFU / reflector packets out per CPU-s, UDP GSO per receiver",
                                  sat.ratio_gso, 0.50, "x"));
    goals.push_back(goal_at_least("G2", "SFU packets out per CPU-second (floor), GSO",
                                  sat.sfu_gso / 1000, 430, "k/s"));

    // G4: the forwarding rate without hop AEAD is the loop's CPU per
    // received packet less the AEAD work it contains (1 open + 9 seals,
    // measured alone in this run).
    const double aead_ns = aead_ns_per_input(opt.common.reps);
    const double loop_ns_per_input = 1e9 * static_cast<double>(kFanout) / sat.sfu_sendmmsg;
    const double g4 = (loop_ns_per_input - aead_ns) / loop_ns_per_input;
    std::printf(
        "\nhop AEAD: %.0f ns per received packet (1 open + %zu seals of %zu B) of %.0f ns "
        "loop CPU per received packet: with/without AEAD rate ratio %.3f\n",
        aead_ns, kFanout, kSaturatingLen, loop_ns_per_input, g4);
    rows.push_back(Json{{"scenario", "aead_share"},
                        {"aead_ns_per_input", aead_ns},
                        {"loop_ns_per_input", loop_ns_per_input},
                        {"rate_ratio_with_over_without", g4}});
    goals.push_back(
        goal_at_least("G4", "forwarding rate with hop AEAD / without (derived)", g4, 0.75, "x"));

    if (opt.runs("latency")) {
      const auto points = run_latency(opt, sat.sfu_in_per_wall_s, rows);
      goals.push_back(
          goal("G5", "p99 time in server at 50% of G1 load", points[0].p99_us / 1000, 1.0, "ms"));
      goals.push_back(
          goal("G5", "p99 time in server at 90% of G1 load", points[1].p99_us / 1000, 5.0, "ms"));
    }
  }
  if (opt.runs("rooms")) {
    const RoomsResult rooms = run_rooms(opt, rows);
    goals.push_back(goal("G3", "10 rooms x 10, 360p30 + Opus all-to-all: SFU core use",
                         rooms.core_fraction * 100, 70, "%"));
    goals.push_back(goal("G3", "10 rooms x 10: copies lost at readers + SFU input drops",
                         static_cast<double>(rooms.lost), 0, "pkt"));
  }
  if (opt.runs("mix")) {
    run_mix(opt, rows);
  }

  out["rows"] = std::move(rows);
  out["goals"] = std::move(goals);
  if (!opt.common.json_path.empty() && !write_json(opt.common.json_path, out)) {
    std::fprintf(stderr, "sfu_loadgen: cannot write %s\n", opt.common.json_path.c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace conclave::bench

int main(int argc, char** argv) {
  return conclave::bench::run(conclave::bench::parse_options(argc, argv));
}
