// Signal measures shared by the codec tests.
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <span>

#include "codec/i420_frame.h"

namespace conclave::codec::testing {

// tone_share is the fraction of the power of mono `pcm` that lies at
// `frequency_hz` (Goertzel filter at 48 kHz), from 0 to 1.
inline double tone_share(std::span<const int16_t> pcm, double frequency_hz) {
  const double w = 2.0 * std::numbers::pi * frequency_hz / 48000.0;
  const double coeff = 2.0 * std::cos(w);
  double s1 = 0;
  double s2 = 0;
  double total = 0;
  for (const int16_t x : pcm) {
    const double s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
    total += static_cast<double>(x) * x;
  }
  const double tone = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  // A pure sine of amplitude A over N samples gives tone = (A N / 2)^2 and
  // total = A^2 N / 2, hence the factor 2 / N.
  return total == 0 ? 0 : tone * 2.0 / static_cast<double>(pcm.size()) / total;
}

inline double rms(std::span<const int16_t> pcm) {
  double total = 0;
  for (const int16_t x : pcm) {
    total += static_cast<double>(x) * x;
  }
  return pcm.empty() ? 0 : std::sqrt(total / static_cast<double>(pcm.size()));
}

// psnr of the luma planes of two same-sized frames, in dB.
inline double luma_psnr(const I420Frame& a, const I420Frame& b) {
  const auto ya = a.y();
  const auto yb = b.y();
  double se = 0;
  for (size_t i = 0; i < ya.size(); ++i) {
    const double d = static_cast<double>(ya[i]) - static_cast<double>(yb[i]);
    se += d * d;
  }
  if (se == 0) {
    return 100;
  }
  return 10 * std::log10(255.0 * 255.0 * static_cast<double>(ya.size()) / se);
}

}  // namespace conclave::codec::testing
