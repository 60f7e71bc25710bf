// The udp_reflector baseline's loop (bench/README.md), shared by
// udp_reflector and sfu_loadgen so that the SFU benchmark measures its
// baseline with the very same code in the same run: a generator thread that
// floods one socket, and the reflector loop (recvmmsg, then every datagram
// to every sink, by sendmmsg or one UDP GSO send per sink).
#pragma once

#include <poll.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <memory>
#include <span>
#include <thread>
#include <vector>

#include "bench_util.h"
#include "media/limits.h"
#include "media/udp_socket.h"

namespace conclave::bench {

using media::PeerAddress;
using media::RecvSlot;
using media::SendItem;
using media::UdpSocket;

inline const PeerAddress kLoopback = PeerAddress::ipv4({127, 0, 0, 1}, 0);

enum class ReflectMode { kSendmmsg, kGso };

inline const char* to_string(ReflectMode m) {
  return m == ReflectMode::kSendmmsg ? "sendmmsg" : "gso";
}

struct ReflectResult {
  Sample elapsed;
  uint64_t packets_in = 0;
  uint64_t packets_out = 0;
  uint64_t batches = 0;  // recv_batch calls that returned datagrams
};

// Generator floods the reflector from its own thread, pinned to `cpu` (the
// core the reflector does not use), until stopped.
class Generator {
 public:
  Generator(const PeerAddress& to, size_t packet_len, int cpu)
      : sock_(must(UdpSocket::bind(kLoopback), "generator bind")) {
    payload_.assign(packet_len, 0x5a);
    for (auto& item : items_) {
      item = SendItem{payload_, to};
    }
    thread_ = std::thread([this, cpu] {
      (void)pin_to_cpu(cpu);
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

// reflect runs the reflector loop on `in` for `seconds` of wall time,
// sending from `out`, and counts datagrams in and out; the caller pins the
// thread. Segments of one GSO send must share their size, which holds for
// the generator's fixed-size datagrams. The loop waits in poll() when no
// datagram is waiting, so its thread CPU time is the work done.
inline ReflectResult reflect(UdpSocket& in, UdpSocket& out, const std::vector<PeerAddress>& sinks,
                             ReflectMode mode, double seconds) {
  std::vector<Bytes> bufs(media::kMaxUdpBatch, Bytes(media::kMaxPacketLen));
  std::vector<RecvSlot> slots(media::kMaxUdpBatch);
  for (size_t i = 0; i < slots.size(); ++i) {
    slots[i].buf = bufs[i];
  }
  std::vector<SendItem> pending;
  pending.reserve(media::kMaxUdpBatch);
  std::vector<ByteView> segments(media::kMaxUdpBatch);
  ReflectResult r;
  const Stopwatch sw;
  const double limit_ns = seconds * 1e9;
  while (sw.elapsed().wall_ns < limit_ns) {
    const size_t n = must(in.recv_batch(slots), "reflector recv");
    r.packets_in += n;
    if (n == 0) {
      // Wait rather than spin: when the generator falls behind (it shares
      // this machine with other jobs), spinning would count idle CPU time
      // as reflector work.
      pollfd p{in.fd(), POLLIN, 0};
      (void)poll(&p, 1, 1);
      continue;
    }
    ++r.batches;
    if (mode == ReflectMode::kGso) {
      for (size_t i = 0; i < n; ++i) {
        segments[i] = ByteView(bufs[i]).first(slots[i].len);
      }
      // One GSO send holds at most kMaxGsoBytes: 54 datagrams of 1200 B.
      const size_t per_send = media::kMaxGsoBytes / slots[0].len;
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

}  // namespace conclave::bench
