// What every protocol state machine of spec/state-machines/ shares: the row
// type of a normative table and the pure lookups over one. Each machine
// (lobby_sm.h, commit_duty_sm.h, client_sm.h) defines its own State, Event,
// Guard and Action enums, its kTable of rows in the CSV's order, and a
// to_string per enum; a to_string stays a switch in each machine so that the
// compiler checks every enumerator has its CSV spelling (-Werror=switch-enum,
// STYLE.md STY-07).
#pragma once

#include <array>
#include <cstddef>

#include "core/result.h"

namespace conclave::protocol::sm {

// Transition is one row of a normative table: in state `from`, event `on`
// whose checks came out as `guard` leads to state `to`, and the
// implementation does `action`.
template <typename State, typename Event, typename Guard, typename Action>
struct Transition {
  State from;
  Event on;
  Guard guard;
  State to;
  Action action;
};

// next returns the row of `table` for (`from`, `on`, `guard`), or
// kUnexpectedMessage with `detail` (static text) when there is none: a triple
// the table does not list is a protocol error, never a fall-through (STYLE.md
// STY-05).
template <typename Row, size_t N>
[[nodiscard]] Result<Row> next(const std::array<Row, N>& table, decltype(Row::from) from,
                               decltype(Row::on) on, decltype(Row::guard) guard,
                               const char* detail) {
  for (const Row& t : table) {
    if (t.from == from && t.on == on && t.guard == guard) {
      return t;
    }
  }
  return Error(Err::kUnexpectedMessage, detail);
}

// lists_event says whether `table` has a row for event `on` in state `from`,
// whatever its guard: whether the event may be looked at in that state at all.
template <typename Row, size_t N>
[[nodiscard]] constexpr bool lists_event(const std::array<Row, N>& table, decltype(Row::from) from,
                                         decltype(Row::on) on) {
  for (const Row& t : table) {
    if (t.from == from && t.on == on) {
      return true;
    }
  }
  return false;
}

// is_final says whether no row of `table` leaves state `s`.
template <typename Row, size_t N>
[[nodiscard]] constexpr bool is_final(const std::array<Row, N>& table, decltype(Row::from) s) {
  for (const Row& t : table) {
    if (t.from == s) {
      return false;
    }
  }
  return true;
}

}  // namespace conclave::protocol::sm
