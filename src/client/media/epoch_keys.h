// EpochKeys: the SFrame keys of a member's media, installed from each MLS
// epoch, and the senders' media rights of the epochs it holds
// (spec/08-client.md#epoch-keys).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "crypto/mls/group.h"
#include "crypto/mls/roles.h"
#include "crypto/sframe/mls_context.h"
#include "media/packet.h"

namespace conclave::client::media {

// KindRights says which media kinds a member may send.
struct KindRights {
  bool audio = false;
  bool video = false;
};

// rights_of is the media floor of the member whose leaf signature key is
// `signature_key` under `roles`: audio and video both need the floor
// (mls::speaking_allowed).
// implements: REQ-CLIENT-026
KindRights rights_of(const mls::ConclaveRoles& roles, ByteView signature_key);

// EpochChange describes an installed epoch.
struct EpochChange {
  uint64_t epoch = 0;
  bool first = false;          // the first epoch this member installed (join)
  bool members_added = false;  // a leaf not in the previous epoch's roster
};

// EpochKeys is a resource type (neither copied nor moved) owned by one
// member's media pipeline; MediaSender and MediaReceiver borrow it.
class EpochKeys {
 public:
  [[nodiscard]] static Result<std::unique_ptr<EpochKeys>> create(
      const sframe::MlsConfig& config = {});

  EpochKeys(const EpochKeys&) = delete;
  EpochKeys& operator=(const EpochKeys&) = delete;
  EpochKeys(EpochKeys&&) = delete;
  EpochKeys& operator=(EpochKeys&&) = delete;
  ~EpochKeys();

  // install makes the group's current epoch the one media is sent in: its
  // exporter secret and roster go into the SFrame context, its roles
  // extension gives every member's rights. The previous epoch keeps
  // opening late frames for its grace period. An epoch not above the
  // current one, or a malformed roles extension, is an error and changes
  // nothing.
  // implements: REQ-CLIENT-022
  [[nodiscard]] Result<EpochChange> install(const mls::Group& group, uint64_t now_ms);

  // expire deletes the previous epoch's keys once its grace period is over;
  // the caller runs it on a timer.
  // implements: REQ-CLIENT-022
  void expire(uint64_t now_ms);

  // allowed says whether `leaf` may send `kind` in `epoch`, judged by the
  // roles of that epoch as this member's own group state holds them; false
  // for an epoch no longer (or not yet) held.
  bool allowed(uint64_t epoch, uint32_t leaf, conclave::media::MediaKind kind) const;

  std::optional<uint64_t> current_epoch() const;
  uint32_t own_leaf() const { return own_leaf_; }
  sframe::MlsContext& context() { return *context_; }

 private:
  struct Roster {
    uint64_t epoch = 0;
    std::vector<std::pair<uint32_t, KindRights>> members;  // sorted by leaf
  };
  explicit EpochKeys(std::unique_ptr<sframe::MlsContext> c) : context_(std::move(c)) {}

  std::unique_ptr<sframe::MlsContext> context_;
  std::optional<Roster> current_;
  std::optional<Roster> previous_;
  uint32_t own_leaf_ = 0;
};

}  // namespace conclave::client::media
