// The adversarial suite's harness: the real conclave-server application
// (SignalingApp and AdminApp on net::Server listeners, a Store on a
// temporary SQLite file) running in-process on 127.0.0.1, and Peers that
// speak raw signaling messages over TLS 1.3 with a pinned certificate and
// run a real mls::Group where they act honestly (STYLE.md STY-20).
//
// Every wait is bounded in time and every loop in count, so a server that
// misbehaves fails a test instead of hanging it.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "crypto/mls/group.h"
#include "crypto/mls/mls_message.h"
#include "crypto/mls/roles.h"
#include "crypto/tls/certificate.h"
#include "net/client.h"
#include "net/server.h"
#include "protocol/wire/signaling_wire.h"
#include "server/server_app.h"
#include "store/config.h"
#include "store/store.h"

namespace conclave::adversarial {

using namespace std::chrono_literals;
using protocol::SignalingMessage;
using Millis = std::chrono::milliseconds;

// The cipher suite of the built-in profiles (store::kDefaultCipherSuite).
mls::CipherSuite meeting_suite();
// with_roles is an honest client's group options: the roles policy on.
mls::GroupOptions with_roles();
// mls_bytes encodes an MLSMessage (a test bug if it cannot).
Bytes mls_bytes(const mls::MlsMessage& m);
// text_of reads an HTTP body as text.
std::string text_of(ByteView b);

// Peer is one participant's process: its WebSocket, the messages it has
// received but not looked at yet, and its MLS state.
class Peer {
 public:
  Peer(std::string name, std::unique_ptr<net::WsClient> ws);
  ~Peer();
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  const std::string& name() const { return name_; }
  net::WsClient& ws() { return *ws_; }

  // send encodes `m` with to_wire and sends it; false once closed.
  bool send(const SignalingMessage& m);
  // send_raw sends bytes as one binary WebSocket message.
  bool send_raw(ByteView bytes);

  // wait returns the first received message of type T, waiting up to
  // `timeout`; messages of other types stay in the inbox in order.
  template <class T>
  std::optional<T> wait(Millis timeout = 3000ms) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      for (auto it = inbox_.begin(); it != inbox_.end(); ++it) {
        if (auto* m = std::get_if<T>(&*it)) {
          T out = std::move(*m);
          inbox_.erase(it);
          return out;
        }
      }
      const auto now = std::chrono::steady_clock::now();
      if (closed_ || now >= end) {
        return std::nullopt;
      }
      (void)pull(std::chrono::duration_cast<Millis>(end - now) + 1ms);
    }
  }
  // count is how many received messages of type T are in the inbox.
  template <class T>
  size_t count() const {
    size_t n = 0;
    for (const auto& m : inbox_) {
      n += std::holds_alternative<T>(m) ? 1u : 0u;
    }
    return n;
  }
  // barrier sends a message the server answers with an Error in every
  // state of a joined session and changes nothing for ("Hello twice"), and
  // reads until that answer: everything the server queued for this session
  // before handling it is then in the inbox.
  bool barrier(Millis timeout = 3000ms);
  // wait_closed reads (keeping messages) until the server closes the
  // connection; false if it is still open after `timeout`.
  bool wait_closed(Millis timeout = 3000ms);
  bool closed() const { return closed_; }
  std::optional<uint16_t> close_code() const { return ws_->close_code(); }
  // received counts every message this peer received (decoded or not).
  size_t received() const { return received_; }
  size_t undecodable() const { return undecodable_; }
  std::deque<SignalingMessage>& inbox() { return inbox_; }

  // MLS state of an honest client.
  protocol::SessionInfo info;
  mls::KeyPackageBundle bundle;
  Bytes signature_key;
  std::optional<mls::Group> group;

  // make_key_package creates this peer's KeyPackage with `identity` as its
  // credential (the account for a logged-in peer, any name for a guest).
  bool make_key_package(const std::string& identity);
  // submit sends the KeyPackage to the waiting room.
  bool submit();
  // chat sends an application message of the current epoch.
  bool chat(std::string_view text);
  // pump handles relayed messages in order until the group reaches `epoch`.
  bool pump(uint64_t epoch, Millis timeout = 3000ms);

 private:
  bool pull(Millis timeout);

  std::string name_;
  std::unique_ptr<net::WsClient> ws_;
  std::deque<SignalingMessage> inbox_;
  bool closed_ = false;
  size_t received_ = 0;
  size_t undecodable_ = 0;
};

// MeetingRef is a meeting created in the store: its id and invitation.
struct MeetingRef {
  std::string id;
  Bytes invite;
  std::string pin;
};

// ServerFixture runs the server. A test fixture deriving from it may change
// limits_ and config_ in its constructor, before SetUp starts the server.
class ServerFixture : public ::testing::Test {
 protected:
  ServerFixture();
  void SetUp() override;
  void TearDown() override;

  net::ClientOptions client_options() const;
  net::ClientOptions admin_options() const;

  // connect opens a WebSocket session (nothing sent yet); null on failure.
  std::unique_ptr<Peer> connect(const std::string& name);
  // guest connects and sends Hello with the meeting's invitation (and PIN)
  // and waits for SessionInfo; null (and a test failure) if refused.
  std::unique_ptr<Peer> guest(const std::string& name, const MeetingRef& meeting);
  // host connects with the host's login token, is admitted at epoch 0 and
  // creates the group as SessionInfo says; null on failure.
  std::unique_ptr<Peer> host(const MeetingRef& meeting);
  // entry_of waits for a LobbyUpdate naming `identity` and returns its entry.
  std::optional<uint64_t> entry_of(Peer& moderator, const std::string& identity);
  // admit takes a submitted joiner through the moderator's Admit; every peer
  // of `members` (the moderator included) processes the commit, and the
  // joiner joins from its Welcome with `options`. `entry` is the joiner's
  // waiting entry if the caller has read it already.
  bool admit(Peer& moderator, Peer& joiner, const std::vector<Peer*>& members,
             mls::GroupOptions options = with_roles(), std::optional<uint64_t> entry = {});
  // member is guest() + submit() + admit().
  std::unique_ptr<Peer> member(const std::string& name, const MeetingRef& meeting, Peer& moderator,
                               const std::vector<Peer*>& members,
                               mls::GroupOptions options = with_roles());

  // http sends one HTTPS request to the signaling (or admin) listener.
  Result<net::HttpResult> http(std::string_view method, std::string_view target,
                               const std::vector<std::pair<std::string, std::string>>& headers,
                               ByteView body, bool admin = false);
  // audit_text is the meeting's audit export (JSON lines).
  std::string audit_text(const std::string& meeting_id);
  std::filesystem::path blob_dir(const std::string& meeting_id) const;

  net::ServerLimits limits_;
  store::ServerConfig config_;

  std::filesystem::path dir_;
  std::optional<store::Store> store_;
  std::mutex store_mutex_;
  server::Metrics metrics_;
  std::unique_ptr<server::SignalingApp> app_;
  std::unique_ptr<server::AdminApp> admin_app_;
  std::unique_ptr<net::Server> server_;
  std::unique_ptr<net::Server> admin_server_;
  std::thread server_thread_;
  std::thread admin_thread_;
  Bytes fingerprint_;
  uint16_t media_port_ = 0;  // the media plane's UDP port on 127.0.0.1

  int64_t host_id_ = 0;
  Bytes host_token_;   // login token of the account "host"
  Bytes admin_token_;  // login token of the administrator "root"
  Bytes user_token_;   // login token of the plain account "mallory"
  MeetingRef meeting_a_;
  MeetingRef meeting_b_;
  MeetingRef meeting_pin_;  // has the PIN "4321"
};

}  // namespace conclave::adversarial
