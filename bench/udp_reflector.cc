// udp_reflector: the baseline of PERFORMANCE.md G1, G2, G4 and G5 — the
// SFU's own UDP I/O layer (src/media/udp_socket.h) with no logic at all.
//
// A generator thread sends 1200-byte datagrams to the reflector socket as
// fast as it can. The reflector thread (pinned, measured) receives them in
// batches with recvmmsg and sends each to `fanout` sink sockets:
//   sendmmsg  one datagram per destination, up to 64 per sendmmsg call;
//   gso       per sink, the whole received batch as one UDP GSO send.
// Sinks are never read (the kernel drops what their buffers cannot hold;
// the send cost is the same). Loopback (127.0.0.1) only.
//
// Figures: packets out per second of the reflector thread's CPU time (the
// judged measure on this shared machine) and of wall time, ns per packet
// out, median of the repetitions. This program sets no goal of its own: the
// SFU benchmark judges G1/G2/G4 against these figures in the same run.
#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.h"
#include "media/limits.h"
#include "media/udp_socket.h"

namespace conclave::bench {
namespace {

using media::PeerAddress;
using media::RecvSlot;
using media::SendItem;
using media::UdpSocket;

constexpr size_t kPacketLen = 1200;

struct Options {
  int reps = 3;
  double seconds = 1.0;
  size_t fanout = 9;
  int cpu = 1;
  std::string json_path;
};

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--reps" && i + 1 < argc) {
      o.reps = std::max(3, std::atoi(argv[++i]));
    } else if (a == "--seconds" && i + 1 < argc) {
      o.seconds = std::max(0.1, std::atof(argv[++i]));
    } else if (a == "--fanout" && i + 1 < argc) {
      o.fanout = static_cast<size_t>(std::max(1, std::atoi(argv[++i])));
    } else if (a == "--cpu" && i + 1 < argc) {
      o.cpu = std::atoi(argv[++i]);
    } else if (a == "--json" && i + 1 < argc) {
      o.json_path = argv[++i];
    } else if (a == "--full") {
      o.reps = 5;
      o.seconds = 3.0;
    } else {
      std::fprintf(stderr,
                   "usage: udp_reflector [--reps N>=3] [--seconds S] [--fanout N] [--cpu N] "
                   "[--json PATH] [--full]\n");
      std::exit(2);
    }
  }
  return o;
}

const PeerAddress kLoopback = PeerAddress::ipv4({127, 0, 0, 1}, 0);

enum class Mode { kSendmmsg, kGso };

const char* to_string(Mode m) { return m == Mode::kSendmmsg ? "sendmmsg" : "gso"; }

struct RepResult {
  Sample elapsed;
  uint64_t packets_in = 0;
  uint64_t packets_out = 0;
};

// Generator floods the reflector from its own thread until stopped.
class Generator {
 public:
  explicit Generator(const PeerAddress& to)
      : sock_(must(UdpSocket::bind(kLoopback), "generator bind")) {
    payload_.assign(kPacketLen, 0x5a);
    for (auto& item : items_) {
      item = SendItem{payload_, to};
    }
    thread_ = std::thread([this] {
      while (!stop_.load(std::memory_order_relaxed)) {
        if (must(sock_->send_batch(items_), "generator send") == 0) {
          std::this_thread::yield();
        }
      }
    });
  }
  ~Generator() {
    stop_.store(true);
    thread_.join();
  }

 private:
  std::unique_ptr<UdpSocket> sock_;
  Bytes payload_;
  std::array<SendItem, media::kMaxUdpBatch> items_{};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

RepResult reflect(UdpSocket& in, UdpSocket& out, const std::vector<PeerAddress>& sinks, Mode mode,
                  double seconds) {
  std::vector<Bytes> bufs(media::kMaxUdpBatch, Bytes(media::kMaxPacketLen));
  std::vector<RecvSlot> slots(media::kMaxUdpBatch);
  for (size_t i = 0; i < slots.size(); ++i) {
    slots[i].buf = bufs[i];
  }
  std::vector<SendItem> pending;
  pending.reserve(media::kMaxUdpBatch);
  std::vector<ByteView> segments(media::kMaxUdpBatch);
  RepResult r;
  const Stopwatch sw;
  const double limit_ns = seconds * 1e9;
  while (sw.elapsed().wall_ns < limit_ns) {
    const size_t n = must(in.recv_batch(slots), "reflector recv");
    r.packets_in += n;
    if (n == 0) {
      continue;
    }
    if (mode == Mode::kGso) {
      for (size_t i = 0; i < n; ++i) {
        segments[i] = ByteView(bufs[i]).first(slots[i].len);
      }
      // One GSO send holds at most kMaxGsoBytes: 54 datagrams of 1200 B.
      const size_t per_send = media::kMaxGsoBytes / kPacketLen;
      for (const PeerAddress& sink : sinks) {
        for (size_t first = 0; first < n; first += per_send) {
          const size_t count = std::min(per_send, n - first);
          r.packets_out +=
              must(out.send_segments(std::span(segments).subspan(first, count), sink), "gso send");
        }
      }
      continue;
    }
    for (size_t i = 0; i < n; ++i) {
      for (const PeerAddress& sink : sinks) {
        pending.push_back(SendItem{ByteView(bufs[i]).first(slots[i].len), sink});
        if (pending.size() == media::kMaxUdpBatch) {
          r.packets_out += must(out.send_batch(pending), "sendmmsg");
          pending.clear();
        }
      }
    }
    if (!pending.empty()) {
      r.packets_out += must(out.send_batch(pending), "sendmmsg");
      pending.clear();
    }
  }
  r.elapsed = sw.elapsed();
  return r;
}

int run(const Options& opt) {
  const std::string pinning = pin_to_cpu(opt.cpu);
  Json out;
  out["benchmark"] = "udp_reflector";
  out["machine"] = machine_facts(pinning);
  out["config"] = {{"reps", opt.reps},
                   {"seconds_per_rep", opt.seconds},
                   {"fanout", opt.fanout},
                   {"packet_bytes", kPacketLen},
                   {"io_layer", "src/media/udp_socket.h (recvmmsg, sendmmsg, UDP_SEGMENT)"},
                   {"network", "loopback 127.0.0.1; sinks never read"}};
  auto in = must(UdpSocket::bind(kLoopback), "reflector bind");
  auto tx = must(UdpSocket::bind(kLoopback), "reflector tx bind");
  std::vector<std::unique_ptr<UdpSocket>> sink_socks;
  std::vector<PeerAddress> sinks;
  for (size_t i = 0; i < opt.fanout; ++i) {
    sink_socks.push_back(must(UdpSocket::bind(kLoopback), "sink bind"));
    sinks.push_back(must(sink_socks.back()->local_address(), "sink address"));
  }
  const PeerAddress to = must(in->local_address(), "reflector address");

  std::printf("udp_reflector: fan-out %zu, %zu-B datagrams, %s, %d reps of %.1f s (medians)\n",
              opt.fanout, kPacketLen, pinning.c_str(), opt.reps, opt.seconds);
  std::printf("%9s | %12s %12s | %10s | %10s\n", "mode", "out/s cpu", "out/s wall", "ns/pkt cpu",
              "in/s cpu");
  Json rows = Json::array();
  const Generator gen(to);
  for (Mode mode : {Mode::kSendmmsg, Mode::kGso}) {
    (void)reflect(*in, *tx, sinks, mode, 0.2);  // warm-up
    std::vector<double> out_cpu, out_wall, in_cpu;
    Samples per_packet;
    for (int rep = 0; rep < opt.reps; ++rep) {
      const RepResult r = reflect(*in, *tx, sinks, mode, opt.seconds);
      const double outs = static_cast<double>(r.packets_out);
      out_cpu.push_back(outs * 1e9 / r.elapsed.cpu_ns);
      out_wall.push_back(outs * 1e9 / r.elapsed.wall_ns);
      in_cpu.push_back(static_cast<double>(r.packets_in) * 1e9 / r.elapsed.cpu_ns);
      per_packet.add(r.elapsed.scaled(outs > 0 ? 1 / outs : 0));
    }
    const double m_cpu = median(out_cpu);
    std::printf("%9s | %12.0f %12.0f | %10.1f | %10.0f\n", to_string(mode), m_cpu, median(out_wall),
                per_packet.median_sample().cpu_ns, median(in_cpu));
    Json row;
    row["mode"] = to_string(mode);
    row["packets_out_per_s_cpu"] = m_cpu;
    row["packets_out_per_s_wall"] = median(out_wall);
    row["packets_in_per_s_cpu"] = median(in_cpu);
    row["reps_packets_out_per_s_cpu"] = out_cpu;
    row["ns_per_packet_out"] = per_packet.to_json();
    rows.push_back(std::move(row));
  }
  std::printf(
      "baseline only: G1/G2/G4/G5 are judged by the SFU benchmark against these figures.\n");
  out["rows"] = std::move(rows);
  out["goals"] = Json::array();
  if (!opt.json_path.empty() && !write_json(opt.json_path, out)) {
    std::fprintf(stderr, "udp_reflector: cannot write %s\n", opt.json_path.c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace conclave::bench

int main(int argc, char** argv) {
  return conclave::bench::run(conclave::bench::parse_options(argc, argv));
}
