// Exit codes of `conclave` (documented in `conclave --help` and docs/cli.md).
#pragma once

namespace conclave::cli {

inline constexpr int kExitOk = 0;
// Connection, TLS, HTTP or protocol failure, or the server refused (login,
// meeting creation, Hello).
inline constexpr int kExitFailure = 1;
// Bad command-line flags.
inline constexpr int kExitUsage = 2;
// A script line does not parse, or the session refused a command (the
// message names the line and the command).
inline constexpr int kExitScript = 3;
// A `wait` timed out.
inline constexpr int kExitTimeout = 4;
// The session ended (blocked, excluded, closed by the server) while the
// script still had commands that need it.
inline constexpr int kExitSessionEnded = 5;

inline constexpr const char* kExitCodesHelp =
    "Exit codes: 0 success; 1 connection/TLS/HTTP failure or the server refused; 2 bad flags; "
    "3 bad script line or refused command; 4 a wait timed out; 5 the session ended before the "
    "script did.";

}  // namespace conclave::cli
