// codec_bench: goals G12 and G7 of PERFORMANCE.md — the client's encode
// budget and the SFrame cost against it.
//
// G12: VP8 realtime encode at 360p30 and 720p30 and Opus 20 ms encode, each
// as the share of one core a single stream needs at real-time rate: thread
// CPU time per frame x frames per second. The encoders are conclave_codec's
// (spec/12-codecs-and-media-files.md: VP8 realtime, speed -6, CBR, one
// thread, no lag; Opus VoIP with FEC and DTX) with the client's default
// bitrates. Input: the generated test pattern (scrolling bars, a bouncing
// square) and a 440 Hz tone, generated before timing starts. Synthetic video
// is easier to code than a camera picture, so read the VP8 figures as a
// lower bound of a real call's.
//
// G7: SFrame protect (sframe::Context, production suite, empty metadata) of
// the very frames VP8 produced in the same repetition, against the VP8
// encode CPU time of those frames: a paired per-repetition ratio.
//
// Each repetition encodes the whole clip (360p: 90 frames, 720p: 60 frames,
// Opus: 250 frames; --full doubles them) with clocks read once per clip.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_util.h"
#include "codec/limits.h"
#include "codec/opus_encoder.h"
#include "codec/pattern_source.h"
#include "codec/tone_source.h"
#include "codec/vp8_encoder.h"
#include "core/bytes.h"
#include "crypto/sframe/cipher_suite.h"
#include "crypto/sframe/context.h"

namespace conclave::bench {
namespace {

constexpr size_t kMaxFrameOverhead = 64;  // SFrame header + tag, generously
// SFrame is fast enough that one pass over a clip's frames is a few
// microseconds; repeating it makes the clock reads negligible.
constexpr size_t kProtectPasses = 50;

struct Options {
  int reps = 3;
  double scale = 1.0;
  int cpu = 1;
  std::string json_path;
};

Options parse_options(int argc, char** argv) {
  Options o;
  CommonOptions common;
  Args args(argc, argv, std::string("usage: codec_bench [--scale F] ") + CommonOptions::kUsage);
  while (args.next()) {
    if (!common.take(args) && !args.value("--scale", &o.scale, 0.01, 100.0)) {
      args.fail();
    }
  }
  if (common.full) {
    common.reps = std::max(common.reps, 5);
    o.scale = std::max(o.scale, 2.0);
  }
  o.reps = common.reps;
  o.cpu = common.cpu;
  o.json_path = common.json_path;
  return o;
}

Bytes key16() { return Bytes(16, 0x42); }

struct VideoCase {
  const char* name;
  uint32_t width;
  uint32_t height;
  uint32_t bitrate_kbps;
  size_t frames;
  double goal_pct;
};

struct VideoResult {
  Json row;
  double pct_core = 0;
  double sframe_ratio = 0;
};

VideoResult run_video(const VideoCase& c, const Options& opt) {
  constexpr uint32_t kFps = 30;
  const size_t frames = static_cast<size_t>(static_cast<double>(c.frames) * opt.scale);
  auto pattern = must(codec::PatternSource::create(c.width, c.height, kFps), "pattern");
  std::vector<codec::I420Frame> clip;
  for (size_t i = 0; i < frames; ++i) {
    clip.push_back(pattern.next_frame());
  }
  auto enc = must(codec::Vp8Encoder::create({.width = c.width,
                                             .height = c.height,
                                             .fps = kFps,
                                             .bitrate_kbps = c.bitrate_kbps,
                                             .threads = 1}),
                  "VP8 encoder");
  sframe::Context sender(sframe::kProfileSuite);
  must(sender.add_key(1, key16(), sframe::KeyUsage::kEncrypt), "SFrame key");
  Bytes protected_frame;

  // Warm-up: the first keyframe and the rate control settle.
  for (size_t i = 0; i < 10 && i < clip.size(); ++i) {
    (void)must(enc.encode(clip[i], false), "VP8 warm-up");
  }
  Samples encode;
  Samples protect;
  std::vector<double> ratios;
  size_t bytes = 0;
  for (int rep = 0; rep < opt.reps; ++rep) {
    std::vector<Bytes> encoded;
    encoded.reserve(clip.size());
    const Sample e = time_it([&] {
      for (const codec::I420Frame& f : clip) {
        for (codec::EncodedVideoFrame& out : must(enc.encode(f, false), "VP8 encode")) {
          encoded.push_back(std::move(out.data));
        }
      }
    });
    bytes = 0;
    size_t largest = 0;
    for (const Bytes& b : encoded) {
      bytes += b.size();
      largest = std::max(largest, b.size());
    }
    protected_frame.resize(largest + kMaxFrameOverhead);
    const Sample p = time_it([&] {
      for (size_t pass = 0; pass < kProtectPasses; ++pass) {
        for (const Bytes& b : encoded) {
          (void)must(sender.protect(1, protected_frame, b, {}), "SFrame protect");
        }
      }
    });
    const double n = static_cast<double>(clip.size());
    encode.add(e.scaled(1 / n));
    protect.add(p.scaled(1 / (n * kProtectPasses)));
    ratios.push_back(p.cpu_ns / kProtectPasses / e.cpu_ns);
  }
  const Sample em = encode.median_sample();
  const Sample pm = protect.median_sample();
  VideoResult r;
  r.pct_core = em.cpu_ns * kFps / 1e9 * 100;
  r.sframe_ratio = median(ratios);
  const double kbps =
      static_cast<double>(bytes) * 8 * kFps / static_cast<double>(clip.size()) / 1e3;
  std::printf("%-10s | %9.0f %9.0f | %7.2f%% | %8.0f | %9.2e | %7.0f\n", c.name, em.wall_ns / 1e3,
              em.cpu_ns / 1e3, r.pct_core, pm.cpu_ns, r.sframe_ratio, kbps);
  r.row["stream"] = c.name;
  r.row["width"] = c.width;
  r.row["height"] = c.height;
  r.row["fps"] = kFps;
  r.row["target_kbps"] = c.bitrate_kbps;
  r.row["measured_kbps"] = kbps;
  r.row["frames_per_rep"] = clip.size();
  r.row["vp8_encode_ns_per_frame"] = encode.to_json();
  r.row["sframe_protect_ns_per_frame"] = protect.to_json();
  r.row["pct_core_cpu"] = r.pct_core;
  r.row["sframe_over_encode_cpu_paired_median"] = r.sframe_ratio;
  return r;
}

double run_opus(const Options& opt, Json* row) {
  const size_t frames = static_cast<size_t>(250 * opt.scale);
  auto tone = must(codec::ToneSource::create(440.0), "tone");
  std::vector<std::vector<int16_t>> clip;
  for (size_t i = 0; i < frames; ++i) {
    clip.push_back(tone.next_frame());
  }
  auto enc = must(codec::OpusEncoder::create({}), "Opus encoder");
  for (size_t i = 0; i < 25; ++i) {
    (void)must(enc.encode(clip[i % clip.size()]), "Opus warm-up");
  }
  Samples encode;
  for (int rep = 0; rep < opt.reps; ++rep) {
    const Sample e = time_it([&] {
      for (const auto& pcm : clip) {
        (void)must(enc.encode(pcm), "Opus encode");
      }
    });
    encode.add(e.scaled(1 / static_cast<double>(clip.size())));
  }
  const Sample m = encode.median_sample();
  const double frames_per_s = 1000.0 / codec::kFrameMs;
  const double pct = m.cpu_ns * frames_per_s / 1e9 * 100;
  std::printf("%-10s | %9.1f %9.1f | %7.2f%% |\n", "opus 20ms", m.wall_ns / 1e3, m.cpu_ns / 1e3,
              pct);
  (*row)["stream"] = "opus mono 32 kbit/s, 20 ms, FEC+DTX";
  (*row)["frames_per_rep"] = clip.size();
  (*row)["opus_encode_ns_per_frame"] = encode.to_json();
  (*row)["pct_core_cpu"] = pct;
  return pct;
}

int run(const Options& opt) {
  const std::string pinning = pin_to_cpu(opt.cpu);
  Json out;
  out["benchmark"] = "codec_bench";
  out["machine"] = machine_facts(pinning);
  out["config"] = {{"reps", opt.reps},
                   {"scale", opt.scale},
                   {"vp8", "libvpx realtime, cpu-used -6, CBR, 1 thread, lag 0"},
                   {"opus", "libopus VoIP, 48 kHz mono, 32 kbit/s, FEC, DTX, 10% loss"},
                   {"input", "generated test pattern and 440 Hz tone (synthetic)"},
                   {"sframe_suite", sframe::to_string(sframe::kProfileSuite)}};
  Json rows = Json::array();
  Json goals = Json::array();
  std::printf("codec_bench: per-stream encode cost at real-time rate (%s, %d reps, medians)\n",
              pinning.c_str(), opt.reps);
  std::printf("%-10s | %9s %9s | %8s | %8s | %9s | %7s\n", "stream", "wall us", "cpu us", "core",
              "sf ns", "sf/enc", "kbit/s");
  const VideoCase cases[] = {{"vp8 360p30", 640, 360, 600, 90, 10.0},
                             {"vp8 720p30", 1280, 720, 1500, 60, 35.0}};
  for (const VideoCase& c : cases) {
    VideoResult r = run_video(c, opt);
    goals.push_back(goal("G12", std::string(c.name) + " encode, % of one core (thread CPU)",
                         r.pct_core, c.goal_pct, "%"));
    goals.push_back(goal("G7", std::string("SFrame protect / VP8 encode, ") + c.name,
                         r.sframe_ratio, 0.001, "x"));
    rows.push_back(std::move(r.row));
  }
  Json opus_row;
  const double opus_pct = run_opus(opt, &opus_row);
  rows.push_back(std::move(opus_row));
  goals.push_back(goal("G12", "Opus 20 ms encode, % of one core (thread CPU)", opus_pct, 2.0, "%"));
  std::printf(
      "core: thread CPU per frame x frame rate; sf/enc: SFrame protect CPU / VP8 encode CPU of "
      "the same frames (paired median).\n");
  out["rows"] = std::move(rows);
  out["goals"] = std::move(goals);
  if (!opt.json_path.empty() && !write_json(opt.json_path, out)) {
    std::fprintf(stderr, "codec_bench: cannot write %s\n", opt.json_path.c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace conclave::bench

int main(int argc, char** argv) {
  return conclave::bench::run(conclave::bench::parse_options(argc, argv));
}
