// `conclave join`: runs one client::Session over a WebSocket and drives it
// with commands from stdin or a script file.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "client/session.h"
#include "media.h"
#include "net/client.h"

namespace conclave::cli {

struct JoinOptions {
  net::ClientOptions server;
  client::SessionConfig session;
  bool json = false;
  std::optional<std::string> script;  // else stdin
  std::chrono::seconds wait_timeout{30};
  // Media: sources, recordings, transport; `no_media` turns the engine off
  // (nothing sent or received).
  MediaOptions media;
  bool no_media = false;
};

// run_join returns the process exit code (exit_codes.h).
int run_join(const JoinOptions& options);

}  // namespace conclave::cli
