// The command language of `conclave join` (docs/cli.md): one command per
// line, from stdin or a script file; '#' starts a comment.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "core/result.h"

namespace conclave::cli {

enum class WaitFor : uint8_t {
  kAdmitted,
  kWaiting,
  kMembers,
  kEpoch,
  kChat,
  kFile,
  kFrames,
  kClosed,
};
const char* to_string(WaitFor w);

enum class Verb : uint8_t {
  kWait,
  kSleep,
  kAdmit,
  kDeny,
  kExclude,
  kGrant,
  kRevoke,
  kHand,
  kMuteAll,
  kChat,
  kShare,
  kRoster,
  kRights,
  kCode,
  kStats,
  kRetry,
  kLeave,
};

// Command is one parsed line. `arg` is the name, text or path (for `wait
// frames N from NAME`, the name); `what` the right of grant/revoke; `number` the count of a wait or
// the milliseconds of a sleep; `on` for hand, mute-all.
struct Command {
  Verb verb = Verb::kRoster;
  WaitFor wait = WaitFor::kAdmitted;
  std::string arg;
  std::string what;
  uint64_t number = 0;
  bool on = false;
  std::string text;  // the line as written, for messages
};

// ParsedLine is a command, or nothing for a blank or comment line.
using ParsedLine = std::variant<std::monostate, Command>;

// parse_command_line reads one line; the error detail names what is wrong
// (the caller adds the line number).
[[nodiscard]] Result<ParsedLine> parse_command_line(std::string_view line);

}  // namespace conclave::cli
