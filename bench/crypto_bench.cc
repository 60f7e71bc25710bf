// crypto_bench: goal G6 of PERFORMANCE.md — SFrame protect and unprotect per
// frame against a raw AEAD seal/open of the same size, in the same run.
//
// Baseline: conclave::crypto::AeadKey (src/crypto/aead.h), AES-128-GCM. It is
// one EVP_AEAD_CTX keyed once at creation; seal/open call BoringSSL's
// EVP_AEAD_CTX_seal/open directly into caller buffers after three length
// checks, and never allocate. Benchmarks may not include BoringSSL (only
// src/crypto may), so this is the rawest AEAD the repository exposes.
//
// Measured: sframe::Context::protect/unprotect with the production suite
// AES_128_GCM_SHA256_128 (kProfileSuite), empty metadata: header encoding,
// nonce = salt XOR CTR, AAD = header, the AEAD, the CTR and the replay
// window. The raw baseline uses the same key size, a per-frame nonce and an
// empty AAD.
//
// Hop-by-hop seal/open (G4) is not measured: no hop-by-hop layer exists in
// src/ yet; when it does, it is an AeadKey like the baseline.
//
// Each repetition seals a batch of frames into distinct buffers (timed as a
// block), then opens them (timed as a block), first raw then SFrame, so the
// two see the same memory traffic and each frame is opened once with a fresh
// CTR (the replay window refuses repeats). The clocks are read once per
// batch, not per frame.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_util.h"
#include "core/bytes.h"
#include "crypto/aead.h"
#include "crypto/rand.h"
#include "crypto/sframe/cipher_suite.h"
#include "crypto/sframe/context.h"

namespace conclave::bench {
namespace {

constexpr size_t kSizes[] = {160, 1200, 6000, 30000};
// Bytes of plaintext per batch: large enough that two clock reads vanish
// against the batch, small enough to stay in the L2 cache.
constexpr size_t kBatchBytes = 512 * 1024;
// Bytes of plaintext per operation and repetition (short mode).
constexpr size_t kRepBytes = 48 * 1024 * 1024;
constexpr size_t kMaxFrameOverhead = 64;  // SFrame header + tag, generously

struct Options {
  int reps = 7;
  double scale = 1.0;
  int cpu = 1;
  std::string json_path;
};

Options parse_options(int argc, char** argv) {
  Options o;
  CommonOptions common;
  common.reps = o.reps;
  Args args(argc, argv, std::string("usage: crypto_bench [--scale F] ") + CommonOptions::kUsage);
  while (args.next()) {
    if (!common.take(args) && !args.value("--scale", &o.scale, 0.01, 100.0)) {
      args.fail();
    }
  }
  if (common.full) {
    common.reps = std::max(common.reps, 11);
    o.scale = std::max(o.scale, 2.0);
  }
  o.reps = common.reps;
  o.cpu = common.cpu;
  o.json_path = common.json_path;
  return o;
}

void nonce_for(uint64_t counter, uint8_t (&nonce)[crypto::kAeadNonceLen]) {
  for (size_t i = 0; i < crypto::kAeadNonceLen; ++i) {
    nonce[i] = 0;
  }
  for (size_t i = 0; i < 8; ++i) {
    nonce[crypto::kAeadNonceLen - 1 - i] = static_cast<uint8_t>(counter >> (8 * i));
  }
}

// Per-operation totals of one repetition.
struct RepResult {
  Sample raw_seal, raw_open, sframe_protect, sframe_unprotect;
};

class Bench {
 public:
  explicit Bench(size_t size)
      : batch_(std::max<size_t>(16, kBatchBytes / size)),
        plaintext_(size),
        frames_(batch_, Bytes(size + kMaxFrameOverhead)),
        frame_lens_(batch_),
        opened_(size + kMaxFrameOverhead),
        raw_(must(crypto::AeadKey::create(crypto::AeadAlg::kAes128Gcm, key16()), "AeadKey")),
        sender_(sframe::kProfileSuite),
        receiver_(sframe::kProfileSuite) {
    must(crypto::random_bytes(plaintext_), "random plaintext");
    const Bytes base_key = key16();
    must(sender_.add_key(1, base_key, sframe::KeyUsage::kEncrypt), "SFrame encrypt key");
    must(receiver_.add_key(1, base_key, sframe::KeyUsage::kDecrypt), "SFrame decrypt key");
  }

  size_t batch() const { return batch_; }

  // run does `batches` batches of each operation.
  RepResult run(size_t batches) {
    RepResult r;
    for (size_t b = 0; b < batches; ++b) {
      r.raw_seal += time_it([&] { raw_seal_batch(); });
      r.raw_open += time_it([&] { raw_open_batch(); });
      r.sframe_protect += time_it([&] { protect_batch(); });
      r.sframe_unprotect += time_it([&] { unprotect_batch(); });
    }
    return r;
  }

 private:
  static Bytes key16() {
    Bytes k(16);
    must(crypto::random_bytes(k), "random key");
    return k;
  }

  void raw_seal_batch() {
    uint8_t nonce[crypto::kAeadNonceLen];
    for (size_t i = 0; i < batch_; ++i) {
      nonce_for(counter_ + i, nonce);
      frame_lens_[i] = must(raw_.seal(frames_[i], nonce, {}, plaintext_), "raw seal");
    }
  }
  void raw_open_batch() {
    uint8_t nonce[crypto::kAeadNonceLen];
    for (size_t i = 0; i < batch_; ++i) {
      nonce_for(counter_ + i, nonce);
      const ByteView ct(frames_[i].data(), frame_lens_[i]);
      must(raw_.open(opened_, nonce, {}, ct), "raw open");
    }
    counter_ += batch_;
  }
  void protect_batch() {
    for (size_t i = 0; i < batch_; ++i) {
      frame_lens_[i] = must(sender_.protect(1, frames_[i], plaintext_, {}), "SFrame protect");
    }
  }
  void unprotect_batch() {
    for (size_t i = 0; i < batch_; ++i) {
      const ByteView frame(frames_[i].data(), frame_lens_[i]);
      must(receiver_.unprotect(opened_, frame, {}), "SFrame unprotect");
    }
  }

  size_t batch_;
  Bytes plaintext_;
  std::vector<Bytes> frames_;
  std::vector<size_t> frame_lens_;
  Bytes opened_;
  crypto::AeadKey raw_;
  sframe::Context sender_;
  sframe::Context receiver_;
  uint64_t counter_ = 0;
};

int run(const Options& opt) {
  const std::string pinning = pin_to_cpu(opt.cpu);
  Json out;
  out["benchmark"] = "crypto_bench";
  out["machine"] = machine_facts(pinning);
  out["config"] = {{"reps", opt.reps},
                   {"scale", opt.scale},
                   {"baseline",
                    "crypto::AeadKey AES-128-GCM seal/open (one EVP_AEAD_CTX, "
                    "no allocation), empty AAD"},
                   {"sframe_suite", sframe::to_string(sframe::kProfileSuite)},
                   {"metadata", "empty"},
                   {"hop_by_hop", "not measured: no hop-by-hop layer in src/ yet (G4)"}};
  Json rows = Json::array();
  Json goals = Json::array();

  std::printf("crypto_bench: SFrame %s vs raw AeadKey AES-128-GCM (%s, %d reps, medians)\n",
              sframe::to_string(sframe::kProfileSuite), pinning.c_str(), opt.reps);
  std::printf("%7s %4s | %10s %10s %7s | %10s %10s %7s | %11s\n", "size", "op", "raw ns",
              "sframe ns", "ratio", "raw cpu", "sf cpu", "ratio", "raw ops/s");
  for (const size_t size : kSizes) {
    Bench b(size);
    const size_t per_rep = static_cast<size_t>(static_cast<double>(kRepBytes) * opt.scale) / size;
    const size_t batches = std::max<size_t>(2, per_rep / b.batch());
    const double ops = static_cast<double>(batches * b.batch());
    b.run(1);  // warm-up: caches, key schedules, page faults
    Samples raw_seal, raw_open, protect, unprotect;
    std::vector<double> seal_ratio, open_ratio;
    for (int rep = 0; rep < opt.reps; ++rep) {
      const RepResult r = b.run(batches);
      raw_seal.add(r.raw_seal.scaled(1 / ops));
      raw_open.add(r.raw_open.scaled(1 / ops));
      protect.add(r.sframe_protect.scaled(1 / ops));
      unprotect.add(r.sframe_unprotect.scaled(1 / ops));
      // Paired ratios: both halves ran within milliseconds of each other,
      // so machine noise cancels better than in a ratio of medians.
      seal_ratio.push_back(r.sframe_protect.cpu_ns / r.raw_seal.cpu_ns);
      open_ratio.push_back(r.sframe_unprotect.cpu_ns / r.raw_open.cpu_ns);
    }
    struct Op {
      const char* name;
      const Samples& raw;
      const Samples& sf;
      double ratio;
    };
    const Op ops_list[] = {{"seal", raw_seal, protect, median(seal_ratio)},
                           {"open", raw_open, unprotect, median(open_ratio)}};
    for (const Op& op : ops_list) {
      const Sample raw = op.raw.median_sample();
      const Sample sf = op.sf.median_sample();
      std::printf("%7zu %4s | %10.1f %10.1f %6.3fx | %10.1f %10.1f %6.3fx | %11.0f\n", size,
                  op.name, raw.wall_ns, sf.wall_ns, sf.wall_ns / raw.wall_ns, raw.cpu_ns, sf.cpu_ns,
                  op.ratio, 1e9 / raw.cpu_ns);
      Json row;
      row["size"] = size;
      row["op"] = std::string(op.name) == "seal" ? "protect vs seal" : "unprotect vs open";
      row["ops_per_rep"] = ops;
      row["raw_ns_per_op"] = op.raw.to_json();
      row["sframe_ns_per_op"] = op.sf.to_json();
      row["ratio_wall_of_medians"] = sf.wall_ns / raw.wall_ns;
      row["ratio_cpu_paired_median"] = op.ratio;
      row["raw_mb_per_s_cpu"] = static_cast<double>(size) * 1e3 / raw.cpu_ns;
      rows.push_back(std::move(row));
      const std::string measure = std::string("SFrame ") +
                                  (std::string(op.name) == "seal" ? "protect" : "unprotect") +
                                  " / raw AEAD " + op.name + ", " + std::to_string(size) + " B";
      goals.push_back(goal("G6", measure, op.ratio, 1.15, "x"));
    }
  }
  std::printf(
      "ratio: SFrame / raw; the judged ratio is the median of per-repetition CPU-time "
      "ratios (cpu column).\n");
  out["rows"] = std::move(rows);
  out["goals"] = std::move(goals);
  if (!opt.json_path.empty() && !write_json(opt.json_path, out)) {
    std::fprintf(stderr, "crypto_bench: cannot write %s\n", opt.json_path.c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace conclave::bench

int main(int argc, char** argv) {
  return conclave::bench::run(conclave::bench::parse_options(argc, argv));
}
