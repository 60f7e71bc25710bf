#include "net/last_error.h"

#include <utility>

namespace conclave::net {

namespace {
thread_local std::string g_last_error_text;
}  // namespace

const std::string& last_error_text() { return g_last_error_text; }

namespace detail {
void set_last_error_text(std::string text) { g_last_error_text = std::move(text); }
}  // namespace detail

}  // namespace conclave::net
