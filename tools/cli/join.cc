#include "join.h"

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <mutex>
#include <thread>

#include "client/https_api.h"
#include "crypto/mls/roles.h"
#include "events.h"
#include "exit_codes.h"
#include "net/last_error.h"
#include "protocol/wire/signaling_wire.h"
#include "script.h"

namespace conclave::cli {
namespace {

using Clock = std::chrono::steady_clock;

// LineSource hands out input lines with their numbers. Stdin is read by a
// thread so the session keeps processing messages while the user types.
class LineSource {
 public:
  explicit LineSource(const std::optional<std::string>& script) {
    if (script.has_value()) {
      std::ifstream in(*script);
      ok_ = static_cast<bool>(in);
      std::string line;
      while (std::getline(in, line)) {
        lines_.push_back(line);
      }
      eof_ = true;
      return;
    }
    reader_ = std::thread([this] {
      std::string line;
      while (std::getline(std::cin, line)) {
        const std::lock_guard<std::mutex> lock(mu_);
        lines_.push_back(line);
      }
      const std::lock_guard<std::mutex> lock(mu_);
      eof_ = true;
    });
    reader_.detach();  // blocked in getline until stdin closes; never joined
  }
  bool ok() const { return ok_; }

  // next returns the next line, or nullopt if none is available now;
  // `*out_eof` says whether none will ever come.
  std::optional<std::pair<size_t, std::string>> next(bool* out_eof) {
    const std::lock_guard<std::mutex> lock(mu_);
    *out_eof = lines_.empty() && eof_;
    if (lines_.empty()) {
      return std::nullopt;
    }
    std::string line = std::move(lines_.front());
    lines_.pop_front();
    return std::make_pair(++number_, std::move(line));
  }

 private:
  std::mutex mu_;
  std::deque<std::string> lines_;
  bool eof_ = false;
  bool ok_ = true;
  size_t number_ = 0;
  std::thread reader_;
};

class Runner {
 public:
  explicit Runner(const JoinOptions& o) : o_(o) {}

  int run() {
    LineSource source(o_.script);
    if (!source.ok()) {
      std::cerr << "conclave: cannot read script " << *o_.script << "\n";
      return kExitUsage;
    }
    auto ws = net::WsClient::connect(o_.server);
    if (!ws) {
      std::cerr << "conclave: cannot connect: " << to_string(ws.error().code) << ": "
                << net::last_error_text() << "\n";
      return kExitFailure;
    }
    ws_ = std::move(ws).value();
    client::HttpsBlobStore blobs(o_.server, o_.session.meeting_id);
    session_ = std::make_unique<client::Session>(
        o_.session,
        [this](const protocol::SignalingMessage& m) -> Result<void> {
          CONCLAVE_TRY_ASSIGN(const Bytes wire, protocol::to_wire(m));
          return ws_->send(wire);
        },
        &blobs);
    // The media path's keys come from this connection's TLS exporter
    // (spec/07 "Hop keys").
    session_->set_exporter([this](std::string_view label, ByteView context, size_t length) {
      return ws_->export_keying_material(label, context, length);
    });
    if (!o_.no_media) {
      auto engine = MediaEngine::create(o_.media, o_.server.host, [this](const MediaNotice& n) {
        std::cout << (o_.json ? n.json : n.text) << std::endl;
      });
      if (!engine) {
        std::cerr << "conclave: media: " << error_text(engine.error()) << "\n";
        return kExitUsage;
      }
      media_ = std::move(engine).value();
      media_->attach(*session_);
    }
    if (auto ok = session_->start(); !ok) {
      std::cerr << "conclave: cannot send Hello: " << to_string(ok.error().code) << "\n";
      return kExitFailure;
    }
    const int code = loop(source);
    if (session_->state() != client::SessionState::kClosed) {
      (void)session_->leave();
    }
    print_events();
    if (media_) {
      media_->finish();
      print_media_summary();
    }
    ws_->close();
    return code;
  }

 private:
  // pump receives what arrived within `timeout` and everything queued
  // behind it, feeding the session.
  void pump(std::chrono::milliseconds timeout) {
    for (int i = 0; i < 256 && !closed_; ++i) {
      auto m = ws_->receive(i == 0 ? timeout : std::chrono::milliseconds(0));
      if (!m) {
        closed_ = true;
        session_->on_closed(ws_->close_code());
        break;
      }
      if (!m->has_value()) {
        break;
      }
      auto msg = protocol::from_wire(**m);
      if (!msg) {
        client::Event e;
        e.type = client::EventType::kError;
        e.error_code = static_cast<uint16_t>(msg.error().code);
        e.detail = "the server sent a message that does not decode";
        emit_line(e);
        continue;
      }
      session_->receive(*msg);
      print_events();
    }
    print_events();
  }

  // tick_media runs the media engine after the session has seen what
  // arrived.
  void tick_media() {
    if (media_) {
      const auto now =
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch());
      media_->tick(*session_, static_cast<uint64_t>(now.count()));
      print_events();
    }
  }

  void print_media_summary() {
    std::cout << (o_.json ? media_->summary_json() : media_->summary_text()) << std::endl;
  }

  void emit_line(const client::Event& e) {
    std::cout << (o_.json ? event_json(e) : event_text(e)) << std::endl;
  }

  void print_events() {
    for (const client::Event& e : session_->take_events()) {
      emit_line(e);
      if (media_ && o_.media.recorder) {
        if (e.type == client::EventType::kAdmitted) {
          recorder_labelled(false);
        } else if (e.type == client::EventType::kRights && !e.members.empty()) {
          recorder_labelled((e.members.front().roles & mls::kRoleRecorder) != 0);
        }
      }
    }
  }

  // recorder_labelled: a recorder records only while its own roster entry
  // carries the recorder label, and says so whenever that changes: it is
  // never a silent exception.
  // implements: REQ-CLIENT-038
  void recorder_labelled(bool labelled) {
    if (recorder_state_.has_value() && *recorder_state_ == labelled) {
      return;
    }
    recorder_state_ = labelled;
    media_->set_recording_allowed(labelled);
    const std::string why = labelled ? "labelled recorder in the roster of every member"
                                     : "not labelled recorder: holding back until a moderator "
                                       "labels this member (grant NAME recorder)";
    std::cout << (o_.json ? JsonLine()
                                .str("event", "recorder")
                                .boolean("recording", labelled)
                                .str("reason", why)
                                .done()
                          : std::string("recorder: ") + (labelled ? "recording, " : "") + why)
              << std::endl;
  }

  bool satisfied(const Command& c) const {
    const client::Session& s = *session_;
    switch (c.wait) {
      case WaitFor::kAdmitted:
        return s.is_member();
      case WaitFor::kWaiting:
        return s.waiting().size() >= c.number;
      case WaitFor::kMembers:
        return s.members().size() == c.number;
      case WaitFor::kEpoch:
        return s.is_member() && s.epoch() >= c.number;
      case WaitFor::kChat:
        return s.chats_received() >= c.number;
      case WaitFor::kFile:
        return s.files_received() >= c.number;
      case WaitFor::kFrames:
        return media_ && (c.arg.empty() ? media_->frames_decrypted()
                                        : media_->frames_decrypted_from(c.arg)) >= c.number;
      case WaitFor::kClosed:
        return s.state() == client::SessionState::kClosed;
    }
    return false;
  }

  void fail_line(size_t line, const Command& c, const std::string& why) {
    std::cerr << "conclave: line " << line << " (" << c.text << "): " << why << std::endl;
  }

  // execute runs one non-blocking command; the result is an exit code or
  // nullopt to go on.
  std::optional<int> execute(size_t line, const Command& c) {
    client::Session& s = *session_;
    Result<void> r;
    const auto grant = [&](bool on) {
      const client::Grant what = c.what == "speak"       ? client::Grant::kSpeak
                                 : c.what == "moderator" ? client::Grant::kModerator
                                 : c.what == "recorder"  ? client::Grant::kRecorder
                                 : c.what == "gateway"   ? client::Grant::kGateway
                                                         : client::Grant::kCamera;
      return s.grant(c.arg, what, on);
    };
    switch (c.verb) {
      case Verb::kWait:
      case Verb::kSleep:
        return std::nullopt;  // handled by the loop
      case Verb::kAdmit:
        r = s.admit(c.arg);
        break;
      case Verb::kDeny:
        r = s.deny(c.arg);
        break;
      case Verb::kExclude:
        r = s.exclude(c.arg);
        break;
      case Verb::kGrant:
        r = grant(true);
        break;
      case Verb::kRevoke:
        r = grant(false);
        break;
      case Verb::kHand:
        r = s.hand(c.on);
        break;
      case Verb::kMuteAll:
        r = s.mute_all(c.on);
        break;
      case Verb::kChat:
        r = s.chat(c.arg);
        break;
      case Verb::kShare: {
        std::ifstream in(c.arg, std::ios::binary);
        if (!in) {
          fail_line(line, c, "cannot read the file");
          return kExitScript;
        }
        const std::string data((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
        const std::string name = std::filesystem::path(c.arg).filename().string();
        r = s.share(name, as_bytes(data));
        break;
      }
      case Verb::kRoster:
        s.roster();
        break;
      case Verb::kRights:
        s.rights();
        break;
      case Verb::kCode: {
        const std::string code = s.code();
        std::cout << (o_.json ? JsonLine()
                                    .str("event", "code")
                                    .num("epoch", s.epoch())
                                    .str("code", code)
                                    .done()
                              : "security code at epoch " + std::to_string(s.epoch()) + ": " +
                                    (code.empty() ? "(not a member)" : code))
                  << std::endl;
        break;
      }
      case Verb::kStats:
        if (!media_) {
          fail_line(line, c, "media is off (--no-media)");
          return kExitScript;
        }
        print_media_summary();
        break;
      case Verb::kRetry:
        r = s.retry();
        break;
      case Verb::kLeave:
        r = s.leave();
        break;
    }
    print_events();
    if (!r) {
      if (s.state() == client::SessionState::kClosed && c.verb != Verb::kLeave) {
        fail_line(line, c, "the session has ended");
        return kExitSessionEnded;
      }
      fail_line(line, c, error_text(r.error()));
      return kExitScript;
    }
    return std::nullopt;
  }

  int loop(LineSource& source) {
    std::optional<std::pair<size_t, Command>> blocking;
    Clock::time_point deadline{};
    while (true) {
      // With media on, the loop turns every few milliseconds: frames are due
      // every 20 ms (audio) and UDP datagrams wait for the next turn.
      pump(std::chrono::milliseconds(media_ ? 4 : blocking ? 20 : 5));
      tick_media();
      if (blocking) {
        const auto& [line, c] = *blocking;
        if (c.verb == Verb::kSleep) {
          if (Clock::now() < deadline) {
            continue;
          }
        } else if (satisfied(c)) {
          // done
        } else if (closed_ || session_->state() == client::SessionState::kClosed) {
          fail_line(line, c, "the session ended before the condition was met");
          return kExitSessionEnded;
        } else if (Clock::now() >= deadline) {
          fail_line(line, c,
                    std::string("timed out after ") + std::to_string(o_.wait_timeout.count()) +
                        " s waiting for " + to_string(c.wait) +
                        (c.wait == WaitFor::kAdmitted || c.wait == WaitFor::kClosed
                             ? ""
                             : " " + std::to_string(c.number)));
          return kExitTimeout;
        } else {
          continue;
        }
        blocking.reset();
      }
      bool eof = false;
      auto next = source.next(&eof);
      if (!next) {
        if (eof) {
          return kExitOk;
        }
        continue;
      }
      auto parsed = parse_command_line(next->second);
      if (!parsed) {
        std::cerr << "conclave: line " << next->first << " (" << next->second
                  << "): " << parsed.error().detail << std::endl;
        return kExitScript;
      }
      const Command* c = std::get_if<Command>(&*parsed);
      if (c == nullptr) {
        continue;
      }
      if (c->verb == Verb::kWait || c->verb == Verb::kSleep) {
        blocking.emplace(next->first, *c);
        deadline =
            Clock::now() +
            (c->verb == Verb::kSleep
                 ? std::chrono::duration_cast<Clock::duration>(std::chrono::milliseconds(c->number))
                 : std::chrono::duration_cast<Clock::duration>(o_.wait_timeout));
        continue;
      }
      if (closed_ && c->verb != Verb::kCode && c->verb != Verb::kRoster &&
          c->verb != Verb::kStats) {
        fail_line(next->first, *c, "the session has ended");
        return kExitSessionEnded;
      }
      if (auto code = execute(next->first, *c)) {
        return *code;
      }
    }
  }

  const JoinOptions& o_;
  std::unique_ptr<net::WsClient> ws_;
  std::unique_ptr<client::Session> session_;
  std::unique_ptr<MediaEngine> media_;
  std::optional<bool> recorder_state_;
  bool closed_ = false;
};

}  // namespace

int run_join(const JoinOptions& options) { return Runner(options).run(); }

}  // namespace conclave::cli
