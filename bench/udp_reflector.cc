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
#include "reflector.h"

namespace conclave::bench {
namespace {

using media::PeerAddress;
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
  CommonOptions common;
  Args args(
      argc, argv,
      std::string("usage: udp_reflector [--seconds S] [--fanout N] ") + CommonOptions::kUsage);
  while (args.next()) {
    if (!common.take(args) && !args.value("--seconds", &o.seconds, 0.1, 600.0) &&
        !args.value("--fanout", &o.fanout, 1, 64)) {
      args.fail();
    }
  }
  if (common.full) {
    common.reps = std::max(common.reps, 5);
    o.seconds = std::max(o.seconds, 3.0);
  }
  o.reps = common.reps;
  o.cpu = common.cpu;
  o.json_path = common.json_path;
  return o;
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
  const Generator gen(to, kPacketLen, opt.cpu == 0 ? 1 : 0);
  for (ReflectMode mode : {ReflectMode::kSendmmsg, ReflectMode::kGso}) {
    (void)reflect(*in, *tx, sinks, mode, 0.2);  // warm-up
    std::vector<double> out_cpu, out_wall, in_cpu;
    Samples per_packet;
    for (int rep = 0; rep < opt.reps; ++rep) {
      const ReflectResult r = reflect(*in, *tx, sinks, mode, opt.seconds);
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
