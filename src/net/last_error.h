// last_error_text: the words behind the last net error on this thread.
//
// conclave::Error carries a static detail only (core/result.h: never built
// from input). Where a network failure has a useful dynamic description
// (the address that could not be bound, the fingerprint that was seen instead
// of the pinned one, the close code and reason a server sent), the failing
// call also stores it here, for the calling thread, until the next failing
// call of src/net on that thread.
#pragma once

#include <string>

namespace conclave::net {

// last_error_text is the description of the last failure of a src/net call
// on this thread; empty if there was none.
const std::string& last_error_text();

namespace detail {
void set_last_error_text(std::string text);
}  // namespace detail

}  // namespace conclave::net
