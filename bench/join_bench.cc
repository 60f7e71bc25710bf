// join_bench: goal G14 of PERFORMANCE.md, key convergence after a join in
// an E2EE meeting that rotates its keys on every join.
//
// A join is one Add commit (with Welcome) from the committer A. Convergence
// is reached when every existing member has processed the commit, the
// joiner has processed the Welcome, and every one of them has derived the
// new epoch's SFrame base key, MLS-Exporter("SFrame 1.0 Base Key", "", Nk)
// (RFC 9605 §5.2). The members are headless, in process, with the real
// conclave MLS code (src/crypto/mls/group.h); there is no network.
//
// Two parts (bench/README.md has the method):
//  1. measured: a meeting grown join by join up to --max-real members (64;
//     --full 256), every member a real Group. Each join is timed end to end
//     with the members split over two threads pinned to the two CPUs: wall
//     time (commit + slowest thread) and total CPU (commit + both threads).
//  2. extrapolated: for sizes the machine cannot grow join by join in a
//     reasonable time (1,000), the group is built with one batch add, a few
//     sample members join from its Welcome and fill the committer's copath,
//     and the costs of one join are measured there: commit creation, one
//     member's processing (median over the samples), the joiner's Welcome
//     processing and one export. Total CPU and two-core wall time are then
//     computed from these measured costs for all members. Part 2 also runs
//     at --max-real, where its model can be checked against part 1.
//
// G14 (convergence <= 1 s at 1,000 members) is judged on the two-core wall
// time of part 2 at 1,000, labelled as extrapolated.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "bench_util.h"
#include "core/bytes.h"
#include "crypto/mls/cipher_suite.h"
#include "crypto/mls/group.h"
#include "crypto/signature.h"

namespace conclave::bench {
namespace {

using mls::CipherSuite;
using mls::CipherSuiteId;
using mls::CommitOutput;
using mls::Group;
using mls::KeyPackageBundle;
using mls::MlsMessage;

// The SFrame base-key exporter of RFC 9605 §5.2 (crypto/sframe/mls_context.h
// uses the same label; the bench does not link the SFrame library): 16
// bytes, AEAD.Nk of AES-128-GCM.
constexpr std::string_view kBaseKeyLabel = "SFrame 1.0 Base Key";
constexpr size_t kBaseKeyLen = 16;

struct Options {
  CommonOptions common;
  CipherSuiteId suite = CipherSuiteId::kX25519Aes128GcmSha256Ed25519;
  uint32_t max_real = 64;
  std::vector<uint32_t> model_sizes{1000};
  int client_cpu = 0;
};

Options parse_options(int argc, char** argv) {
  Options o;
  Args args(argc, argv,
            std::string("usage: join_bench [--suite 1|2] [--max-real N] [--sizes N,N,...] "
                        "[--client-cpu N] ") +
                CommonOptions::kUsage +
                "\n  --max-real: largest meeting grown join by join (64; --full 256)"
                "\n  --sizes: meeting sizes of the extrapolated part (1000; --full adds 2000)");
  int suite = 1;
  int max_real = 0;
  while (args.next()) {
    if (o.common.take(args)) {
      continue;
    }
    if (args.value("--suite", &suite, 1, 2)) {
      o.suite = static_cast<CipherSuiteId>(suite);
    } else if (args.value("--max-real", &max_real, 4, 4096)) {
      o.max_real = static_cast<uint32_t>(max_real);
    } else if (args.list("--sizes", &o.model_sizes, 8, 20000)) {
    } else if (args.value("--client-cpu", &o.client_cpu, 0, CPU_SETSIZE - 1)) {
    } else {
      args.fail();
    }
  }
  if (o.common.full) {
    if (max_real == 0) {
      o.max_real = 256;
    }
    if (std::find(o.model_sizes.begin(), o.model_sizes.end(), 2000) == o.model_sizes.end()) {
      o.model_sizes.push_back(2000);
    }
  }
  return o;
}

KeyPackageBundle make_member(const CipherSuite& suite, uint32_t id) {
  auto sig = must(crypto::generate_signature_key_pair(suite.signature_scheme()), "signature key");
  mls::Credential cred;
  cred.credential_type = mls::CredentialType::kBasic;
  const std::string name = "member-" + std::to_string(id);
  cred.identity = to_bytes(as_bytes(name));
  return must(mls::create_key_package(suite, cred, sig.private_key, sig.public_key), "KeyPackage");
}

CommitOutput commit_add(Group& a, const KeyPackageBundle& joiner) {
  mls::CommitOptions o;
  o.inline_proposals.push_back(mls::Proposal{mls::Add{joiner.key_package}});
  CommitOutput out = must(a.commit(o), "commit");
  must(a.merge_pending_commit(), "merge_pending_commit");
  return out;
}

CommitOutput commit_empty(Group& a) {
  CommitOutput out = must(a.commit({}), "commit");
  must(a.merge_pending_commit(), "merge_pending_commit");
  return out;
}

void process(Group& g, const MlsMessage& m) {
  const mls::Received r = must(g.handle(m), "handle commit");
  if (r.kind != mls::ReceivedKind::kCommit) {
    std::fprintf(stderr, "join_bench: expected a commit\n");
    std::exit(2);
  }
}

Group join(const MlsMessage& welcome, const KeyPackageBundle& own) {
  return must(Group::join(std::get<mls::Welcome>(welcome.body), own, std::nullopt, {}), "join");
}

SecretBytes base_key(const Group& g) {
  return must(g.export_secret(kBaseKeyLabel, {}, kBaseKeyLen), "export base key");
}

bool has_path(const MlsMessage& m) {
  const auto& pm = std::get<mls::PublicMessage>(m.body);
  return std::get<mls::Commit>(pm.content.content).path.has_value();
}

double ms(double ns) { return ns / 1e6; }

// ---------------------------------------------------------------------------
// Part 1: a meeting grown join by join, every join measured.

struct JoinTiming {
  uint32_t size = 0;        // meeting size after the join
  Sample commit;            // A: commit + Welcome + merge + export
  Sample wall_total;        // commit start -> last member converged (wall only)
  double cpu_total_ns = 0;  // commit + every member's processing and export
  double member_cpu_median_ns = 0;
  double join_cpu_ns = 0;  // the joiner: Welcome + export
};

// Worker is one of the two threads that process a join: its members (by
// index) and, for one of them, the joiner.
struct WorkerResult {
  double cpu_ns = 0;
  std::vector<double> member_cpu_ns;
  double join_cpu_ns = -1;
  std::optional<Group> joined;
  bool converged = true;
};

JoinTiming grow_one(std::vector<Group>& members, const KeyPackageBundle& joiner, int cpu_a,
                    int cpu_b) {
  JoinTiming t;
  const int64_t wall_start = wall_ns();
  const Stopwatch sw;
  const CommitOutput out = commit_add(members[0], joiner);
  const SecretBytes expected = base_key(members[0]);
  t.commit = sw.elapsed();

  std::array<WorkerResult, 2> results;
  auto work = [&](size_t which, int cpu) {
    (void)pin_to_cpu(cpu);
    WorkerResult& r = results[which];
    const int64_t cpu_start = cpu_ns();
    // Worker 1 takes the joiner first (its Welcome costs the most), then
    // both take every other member alternately.
    if (which == 1) {
      const int64_t c = cpu_ns();
      Group g = join(*out.welcome, joiner);
      r.converged = r.converged && base_key(g).ct_equal(expected);
      r.join_cpu_ns = static_cast<double>(cpu_ns() - c);
      r.joined.emplace(std::move(g));
    }
    for (size_t i = 1 + which; i < members.size(); i += 2) {
      const int64_t c = cpu_ns();
      process(members[i], out.commit);
      r.converged = r.converged && base_key(members[i]).ct_equal(expected);
      r.member_cpu_ns.push_back(static_cast<double>(cpu_ns() - c));
    }
    r.cpu_ns = static_cast<double>(cpu_ns() - cpu_start);
  };
  std::thread a([&] { work(0, cpu_a); });
  std::thread b([&] { work(1, cpu_b); });
  a.join();
  b.join();
  t.wall_total.wall_ns = static_cast<double>(wall_ns() - wall_start);
  if (!results[0].converged || !results[1].converged) {
    std::fprintf(stderr, "join_bench: a member derived a different base key\n");
    std::exit(2);
  }
  std::vector<double> per_member = results[0].member_cpu_ns;
  per_member.insert(per_member.end(), results[1].member_cpu_ns.begin(),
                    results[1].member_cpu_ns.end());
  t.member_cpu_median_ns = median(per_member);
  t.join_cpu_ns = results[1].join_cpu_ns;
  t.cpu_total_ns = t.commit.cpu_ns + results[0].cpu_ns + results[1].cpu_ns;
  members.push_back(std::move(*results[1].joined));
  t.size = static_cast<uint32_t>(members.size());
  return t;
}

std::vector<JoinTiming> run_grown(const Options& opt, const CipherSuite& suite, Json& rows) {
  std::printf(
      "\npart 1 (measured): a meeting grown join by join to %u; each join = Add commit "
      "+ Welcome from A, processed by every member on 2 threads (CPU %d and %d)\n",
      opt.max_real, opt.client_cpu, opt.common.cpu);
  std::printf("%6s | %9s %9s %9s | %11s %11s\n", "size", "commit ms", "member ms", "joiner ms",
              "total cpu ms", "wall 2cpu ms");
  std::vector<Group> members;
  const KeyPackageBundle a = make_member(suite, 0);
  members.push_back(
      must(Group::create(suite, as_bytes(std::string_view("join-bench")), a, {}, {}), "create"));
  std::vector<JoinTiming> kept;
  const Stopwatch total;
  for (uint32_t id = 1; id < opt.max_real; ++id) {
    const KeyPackageBundle x = make_member(suite, id);
    const JoinTiming t = grow_one(members, x, opt.client_cpu, opt.common.cpu);
    const bool report = (t.size & (t.size - 1)) == 0 || t.size == opt.max_real;
    if (!report || t.size < 4) {
      continue;
    }
    std::printf("%6u | %9.2f %9.2f %9.2f | %11.2f %11.2f\n", t.size, ms(t.commit.cpu_ns),
                ms(t.member_cpu_median_ns), ms(t.join_cpu_ns), ms(t.cpu_total_ns),
                ms(t.wall_total.wall_ns));
    rows.push_back(Json{{"part", "measured"},
                        {"size", t.size},
                        {"commit_cpu_ns", t.commit.cpu_ns},
                        {"member_process_export_cpu_ns_median", t.member_cpu_median_ns},
                        {"joiner_welcome_export_cpu_ns", t.join_cpu_ns},
                        {"total_cpu_ns", t.cpu_total_ns},
                        {"wall_2cpu_ns", t.wall_total.wall_ns}});
    kept.push_back(t);
  }
  std::printf("  (growing to %u took %.1f s wall)\n", opt.max_real, total.elapsed().wall_ns / 1e9);
  return kept;
}

// ---------------------------------------------------------------------------
// Part 2: per-member costs at a large size, and the extrapolation.

struct Costs {
  uint32_t size = 0;      // meeting size after the join (first repetition)
  double commit_ns = 0;   // A: Add commit + Welcome + merge (CPU)
  double process_ns = 0;  // one member: process the commit (median, CPU)
  double join_ns = 0;     // the joiner: Welcome (CPU)
  double export_ns = 0;   // one base-key export (CPU)
  bool path = false;      // the Add commit carried an UpdatePath
  size_t samples = 0;

  double total_cpu_ns() const {
    return commit_ns + static_cast<double>(size - 2) * process_ns + join_ns +
           static_cast<double>(size) * export_ns;
  }
  // Two CPUs: A commits, then the remaining work is shared by two workers,
  // and no worker finishes before the joiner's own Welcome is done.
  double wall_2cpu_ns() const {
    const double rest =
        static_cast<double>(size - 2) * (process_ns + export_ns) + join_ns + export_ns;
    return commit_ns + export_ns + std::max(rest / 2, join_ns + export_ns);
  }
  // Every member on its own device, in parallel (no network).
  double per_device_ns() const { return commit_ns + std::max(process_ns, join_ns) + export_ns; }
};

Costs measure_at(const CipherSuite& suite, uint32_t size, int reps) {
  // The meeting before the measured joins: A and size - 2 others (so the
  // first measured join makes it `size`), added in one batch.
  const uint32_t before = size - 1;
  const KeyPackageBundle a_kp = make_member(suite, 0);
  Group a = must(Group::create(suite, as_bytes(std::string_view("join-bench-model")), a_kp, {}, {}),
                 "create");
  std::vector<KeyPackageBundle> kps;
  mls::CommitOptions batch;
  for (uint32_t i = 1; i < before; ++i) {
    kps.push_back(make_member(suite, i));
    batch.inline_proposals.push_back(mls::Proposal{mls::Add{kps.back().key_package}});
  }
  const CommitOutput added = must(a.commit(batch), "batch add");
  must(a.merge_pending_commit(), "merge batch");
  // Samples at leaves 1, 2, 4, 8, ...: committing in turn (largest first),
  // they fill A's copath, so A's commits see a tree without blank copath
  // nodes (as after a long life of joins).
  std::vector<Group> samples;
  for (uint32_t leaf = 1; leaf < before; leaf *= 2) {
    samples.push_back(join(*added.welcome, kps[leaf - 1]));
  }
  for (size_t k = samples.size(); k-- > 0;) {
    const CommitOutput c = commit_empty(samples[k]);
    process(a, c.commit);
    for (size_t j = 0; j < samples.size(); ++j) {
      if (j != k) {
        process(samples[j], c.commit);
      }
    }
  }
  Costs costs;
  costs.size = size;
  // Repetition r measures the join that makes the meeting size + r.
  std::vector<double> commit_v, process_v, join_v, export_v;
  for (int rep = 0; rep < reps; ++rep) {
    const KeyPackageBundle x = make_member(suite, 100000 + static_cast<uint32_t>(rep));
    int64_t c = cpu_ns();
    const CommitOutput out = commit_add(a, x);
    commit_v.push_back(static_cast<double>(cpu_ns() - c));
    costs.path = has_path(out.commit);
    c = cpu_ns();
    const SecretBytes expected = base_key(a);
    export_v.push_back(static_cast<double>(cpu_ns() - c));
    for (Group& s : samples) {
      c = cpu_ns();
      process(s, out.commit);
      process_v.push_back(static_cast<double>(cpu_ns() - c));
      if (!base_key(s).ct_equal(expected)) {
        std::fprintf(stderr, "join_bench: a sample derived a different base key\n");
        std::exit(2);
      }
    }
    c = cpu_ns();
    const Group joined = join(*out.welcome, x);
    join_v.push_back(static_cast<double>(cpu_ns() - c));
    if (!base_key(joined).ct_equal(expected)) {
      std::fprintf(stderr, "join_bench: the joiner derived a different base key\n");
      std::exit(2);
    }
    // The joiner stays: the next repetition's meeting is one larger, as in
    // a meeting that keeps growing (removing it again would blank nodes of
    // the filled tree and make later repetitions unlike a long-lived tree).
  }
  costs.commit_ns = median(commit_v);
  costs.process_ns = median(process_v);
  costs.join_ns = median(join_v);
  costs.export_ns = median(export_v);
  costs.samples = process_v.size();
  return costs;
}

std::vector<Costs> run_model(const Options& opt, const CipherSuite& suite, Json& rows) {
  std::vector<uint32_t> sizes{opt.max_real};
  sizes.insert(sizes.end(), opt.model_sizes.begin(), opt.model_sizes.end());
  std::printf(
      "\npart 2 (EXTRAPOLATED from measured per-member costs): batch-built meeting, "
      "samples fill A's copath; CPU ms, medians of %d joins\n",
      opt.common.reps);
  std::printf("%6s | %9s %9s %9s %9s %4s | %12s %12s %12s\n", "size", "commit", "member", "joiner",
              "export", "path", "total cpu ms", "wall 2cpu ms", "per-device");
  std::vector<Costs> all;
  for (const uint32_t n : sizes) {
    const Costs c = measure_at(suite, n, opt.common.reps);
    std::printf("%6u | %9.3f %9.3f %9.3f %9.4f %4s | %12.1f %12.1f %12.2f\n", n, ms(c.commit_ns),
                ms(c.process_ns), ms(c.join_ns), ms(c.export_ns), c.path ? "yes" : "no",
                ms(c.total_cpu_ns()), ms(c.wall_2cpu_ns()), ms(c.per_device_ns()));
    rows.push_back(Json{{"part", "extrapolated"},
                        {"size", n},
                        {"commit_cpu_ns", c.commit_ns},
                        {"member_process_cpu_ns", c.process_ns},
                        {"joiner_welcome_cpu_ns", c.join_ns},
                        {"export_cpu_ns", c.export_ns},
                        {"commit_has_path", c.path},
                        {"samples", c.samples},
                        {"total_cpu_ns_extrapolated", c.total_cpu_ns()},
                        {"wall_2cpu_ns_extrapolated", c.wall_2cpu_ns()},
                        {"per_device_ns_extrapolated", c.per_device_ns()}});
    all.push_back(c);
  }
  return all;
}

int run(const Options& opt) {
  const std::string pinning =
      "workers on CPU " + std::to_string(opt.client_cpu) + " and " + std::to_string(opt.common.cpu);
  const CipherSuite suite(opt.suite);
  Json out;
  out["benchmark"] = "join_bench";
  out["machine"] = machine_facts(pinning);
  out["config"] = {{"suite", static_cast<int>(opt.suite)},
                   {"max_real", opt.max_real},
                   {"model_sizes", opt.model_sizes},
                   {"reps", opt.common.reps}};
  std::printf("join_bench: G14 key convergence after a join, suite %d, %s\n",
              static_cast<int>(opt.suite), pinning.c_str());
  Json rows = Json::array();
  Json goals = Json::array();
  const std::vector<JoinTiming> grown = run_grown(opt, suite, rows);
  const std::vector<Costs> model = run_model(opt, suite, rows);
  if (!grown.empty()) {
    const JoinTiming& g = grown.back();
    const Costs& m = model.front();
    std::printf(
        "model check at %u: measured total cpu %.1f ms / wall %.1f ms, model %.1f / "
        "%.1f ms\n",
        g.size, ms(g.cpu_total_ns), ms(g.wall_total.wall_ns), ms(m.total_cpu_ns()),
        ms(m.wall_2cpu_ns()));
    goals.push_back(
        goal("G14", "key convergence after a join, measured, 2 CPUs, n=" + std::to_string(g.size),
             ms(g.wall_total.wall_ns), 1000, "ms"));
  }
  for (const Costs& m : model) {
    if (m.size == 1000) {
      goals.push_back(goal("G14", "key convergence after a join, EXTRAPOLATED, 2 CPUs, n=1000",
                           ms(m.wall_2cpu_ns()), 1000, "ms"));
    }
  }
  out["rows"] = std::move(rows);
  out["goals"] = std::move(goals);
  if (!opt.common.json_path.empty() && !write_json(opt.common.json_path, out)) {
    std::fprintf(stderr, "join_bench: cannot write %s\n", opt.common.json_path.c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace conclave::bench

int main(int argc, char** argv) {
  return conclave::bench::run(conclave::bench::parse_options(argc, argv));
}
