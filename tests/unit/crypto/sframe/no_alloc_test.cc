// Proves that SFrame protect and unprotect allocate nothing (STYLE.md
// STY-17): this binary replaces the global operator new and delete with
// counting versions, and counts only while the media-path calls run.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <new>

#include "crypto/sframe/context.h"
#include "crypto/sframe/mls_context.h"
#include "sframe_test_util.h"

namespace {

std::atomic<bool> g_counting{false};
std::atomic<size_t> g_news{0};
std::atomic<size_t> g_deletes{0};

void* counted_alloc(std::size_t n) {
  if (g_counting.load()) {
    g_news.fetch_add(1);
  }
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) {
    throw std::bad_alloc();
  }
  return p;
}

void counted_free(void* p) {
  if (p != nullptr && g_counting.load()) {
    g_deletes.fetch_add(1);
  }
  std::free(p);
}

// Counts allocations and frees for its lifetime.
class Counting {
 public:
  Counting() {
    g_news = 0;
    g_deletes = 0;
    g_counting = true;
  }
  ~Counting() { g_counting = false; }
  Counting(const Counting&) = delete;
  Counting& operator=(const Counting&) = delete;
};

}  // namespace

void* operator new(std::size_t n) { return counted_alloc(n); }
void* operator new[](std::size_t n) { return counted_alloc(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  if (g_counting.load()) {
    g_news.fetch_add(1);
  }
  return std::malloc(n == 0 ? 1 : n);
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return operator new(n, t); }
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p); }

namespace conclave::sframe {
namespace {

using testing::pattern;

// The probe itself must count, or a zero would prove nothing.
TEST(SframeNoAlloc, the_counter_sees_allocations) {
  size_t seen = 0;
  {
    Counting c;
    auto* v = new std::array<uint8_t, 64>();
    delete v;
    seen = g_news.load();
  }
  EXPECT_EQ(seen, 1u);
}

class SframeNoAllocSuite : public ::testing::TestWithParam<CipherSuite> {};

// verifies: REQ-SFRAME-012
TEST_P(SframeNoAllocSuite, protect_and_unprotect_allocate_nothing) {
  Context tx(GetParam());
  Context rx(GetParam());
  const Bytes base = pattern(32, 1);
  ASSERT_TRUE(tx.add_key(0x42, base, KeyUsage::kEncrypt).has_value());
  ASSERT_TRUE(rx.add_key(0x42, base, KeyUsage::kDecrypt).has_value());
  const Bytes pt = pattern(1200, 2);
  const Bytes md = pattern(12, 3);
  Bytes frame(pt.size() + 64);
  Bytes out(frame.size());
  // One warm-up round: BoringSSL may size internal state on first use.
  auto n = tx.protect(0x42, frame, pt, md);
  ASSERT_TRUE(n.has_value());
  ASSERT_TRUE(rx.unprotect(out, ByteView(frame).first(*n), md).has_value());
  bool ok = true;
  size_t news = 0;
  size_t deletes = 0;
  {
    Counting c;
    for (int i = 0; i < 50; ++i) {
      auto m = tx.protect(0x42, frame, pt, md);
      ok = ok && m.has_value();
      if (m.has_value()) {
        const ByteView f = ByteView(frame).first(*m);
        ok = ok && rx.unprotect(out, f, md).has_value();
        // Failures (replay, tamper) take no allocation either.
        ok = ok && !rx.unprotect(out, f, md).has_value();
        frame[*m - 1] ^= 1;
        ok = ok && !rx.unprotect(out, f, md).has_value();
      }
    }
    news = g_news.load();
    deletes = g_deletes.load();
  }
  EXPECT_TRUE(ok);
  EXPECT_EQ(news, 0u);
  EXPECT_EQ(deletes, 0u);
}

INSTANTIATE_TEST_SUITE_P(AllSuites, SframeNoAllocSuite,
                         ::testing::Values(CipherSuite::kAes128CtrHmacSha256_80,
                                           CipherSuite::kAes128CtrHmacSha256_64,
                                           CipherSuite::kAes128CtrHmacSha256_32,
                                           CipherSuite::kAes128GcmSha256_128,
                                           CipherSuite::kAes256GcmSha512_128));

// verifies: REQ-SFRAME-012
TEST(SframeNoAlloc, mls_protect_and_unprotect_allocate_nothing) {
  auto a = std::move(MlsContext::create(MlsConfig{}).value());
  auto b = std::move(MlsContext::create(MlsConfig{}).value());
  const std::array<uint32_t, 2> members = {0, 1};
  for (uint64_t epoch : {1u, 2u}) {
    const SecretBytes s = testing::secret(16, static_cast<uint8_t>(epoch));
    ASSERT_TRUE(a->install_epoch(epoch, s, 0, members, 0).has_value());
    if (epoch == 1) {
      ASSERT_TRUE(b->install_epoch(epoch, s, 1, members, 0).has_value());
    }
  }
  // b is still in epoch 1; a frame of a's epoch 2 is unknown to b, which
  // then installs epoch 2 and keeps epoch 1 in its grace period.
  const Bytes pt = pattern(300, 2);
  Bytes frame(400);
  Bytes out(400);
  Bytes old_frame(400);
  auto m_old = [&] {
    auto c = std::move(MlsContext::create(MlsConfig{}).value());
    const SecretBytes s = testing::secret(16, 1);
    EXPECT_TRUE(c->install_epoch(1, s, 0, members, 0).has_value());
    EXPECT_TRUE(c->advance_counter(10).has_value());
    return c->protect(old_frame, pt, {});
  }();
  ASSERT_TRUE(m_old.has_value());
  const SecretBytes s2 = testing::secret(16, 2);
  ASSERT_TRUE(b->install_epoch(2, s2, 1, members, 0).has_value());
  bool ok = true;
  size_t news = 0;
  size_t deletes = 0;
  {
    Counting c;
    for (int i = 0; i < 20; ++i) {
      auto n = a->protect(frame, pt, {});
      ok = ok && n.has_value() && b->unprotect(out, ByteView(frame).first(*n), {}, 1).has_value();
    }
    // A previous-epoch frame within the grace period.
    ok = ok && b->unprotect(out, ByteView(old_frame).first(*m_old), {}, 1).has_value();
    news = g_news.load();
    deletes = g_deletes.load();
  }
  EXPECT_TRUE(ok);
  EXPECT_EQ(news, 0u);
  EXPECT_EQ(deletes, 0u);
}

}  // namespace
}  // namespace conclave::sframe
