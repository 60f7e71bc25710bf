#include "client/media/epoch_keys.h"

#include <algorithm>

namespace conclave::client::media {

KindRights rights_of(const mls::ConclaveRoles& roles, ByteView signature_key) {
  const bool floor = mls::speaking_allowed(roles, signature_key);
  return KindRights{floor, floor};
}

Result<std::unique_ptr<EpochKeys>> EpochKeys::create(const sframe::MlsConfig& config) {
  CONCLAVE_TRY_ASSIGN(std::unique_ptr<sframe::MlsContext> c, sframe::MlsContext::create(config));
  return std::unique_ptr<EpochKeys>(new EpochKeys(std::move(c)));
}

EpochKeys::~EpochKeys() = default;

Result<EpochChange> EpochKeys::install(const mls::Group& group, uint64_t now_ms) {
  // Compute the roster first; the SFrame context changes last and only if
  // everything before it succeeded.
  CONCLAVE_TRY_ASSIGN(const mls::ConclaveRoles roles, mls::roles_of(group.context().extensions));
  Roster next;
  next.epoch = group.epoch();
  std::vector<uint32_t> leaves;
  for (const mls::LeafIndex i : group.members()) {
    const mls::LeafNode* node = group.tree().leaf(i);
    if (node == nullptr) {
      continue;
    }
    leaves.push_back(i.value());
    next.members.emplace_back(i.value(), rights_of(roles, node->signature_key));
  }
  std::sort(next.members.begin(), next.members.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::sort(leaves.begin(), leaves.end());
  const sframe::Exporter exporter = [&group](std::string_view label, ByteView context,
                                             size_t length) {
    return group.export_secret(label, context, length);
  };
  CONCLAVE_TRY(
      context_->install_epoch(next.epoch, exporter, group.own_leaf().value(), leaves, now_ms));
  EpochChange change;
  change.epoch = next.epoch;
  change.first = !current_.has_value();
  if (current_) {
    for (const auto& [leaf, rights] : next.members) {
      const bool known = std::any_of(current_->members.begin(), current_->members.end(),
                                     [leaf = leaf](const auto& m) { return m.first == leaf; });
      change.members_added = change.members_added || !known;
    }
  }
  previous_ = std::move(current_);
  current_ = std::move(next);
  own_leaf_ = group.own_leaf().value();
  return change;
}

void EpochKeys::expire(uint64_t now_ms) {
  context_->expire(now_ms);
  if (!context_->has_previous_epoch()) {
    previous_.reset();
  }
}

bool EpochKeys::allowed(uint64_t epoch, uint32_t leaf, conclave::media::MediaKind kind) const {
  const Roster* r = nullptr;
  if (current_ && current_->epoch == epoch) {
    r = &*current_;
  } else if (previous_ && previous_->epoch == epoch) {
    r = &*previous_;
  }
  if (r == nullptr) {
    return false;
  }
  auto it = std::lower_bound(r->members.begin(), r->members.end(), leaf,
                             [](const auto& m, uint32_t l) { return m.first < l; });
  if (it == r->members.end() || it->first != leaf) {
    return false;
  }
  switch (kind) {
    case conclave::media::MediaKind::kAudio:
      return it->second.audio;
    case conclave::media::MediaKind::kVideo:
      return it->second.video;
  }
  return false;
}

std::optional<uint64_t> EpochKeys::current_epoch() const {
  if (!current_) {
    return std::nullopt;
  }
  return current_->epoch;
}

}  // namespace conclave::client::media
