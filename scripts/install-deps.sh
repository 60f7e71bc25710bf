#!/usr/bin/env bash
# install-deps.sh installs every Debian package that Conclave's build, tests and
# tools need. Idempotent and non-interactive: it installs only what is missing,
# so a second run costs one dpkg query. docs/dependencies.md says why each one
# is here; keep the two lists in step.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config git python3
  clang clang-format clang-tidy libclang-rt-14-dev llvm
  # crypto boundary (src/crypto only)
  android-libboringssl-dev
  # tests, vectors, benchmarks
  googletest libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev
  # later areas: media, signaling, store, accounts, CLI
  libopus-dev libvpx-dev libogg-dev libboost1.81-dev capnproto libcapnp-dev
  libsqlite3-dev libargon2-dev libcli11-dev
  # fuzzing and proofs
  afl++ spin z3
  # test-only: independent players for the codec sinks (tests/unit/codec)
  opus-tools vpx-tools
)
# Interoperability tests run ts-mls (npm) under Node.js. The machine image
# ships Node.js 20; Debian's nodejs/npm are the fallback only where it is
# missing (bookworm's nodejs 18 is older than ts-mls's dependencies ask for).
if ! command -v node >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
else
  echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "install-deps: done"
fi

# npm packages of the interoperability tests (tests/interop), exactly as
# pinned by its package-lock.json. `npm ci` runs only when node_modules is
# missing or was installed from a different lockfile (a hash stamp records
# which), so a second run costs one sha256sum.
interop_dir="$(cd "$(dirname "$0")/.." && pwd)/tests/interop"
if [[ -f $interop_dir/package-lock.json ]]; then
  stamp="$interop_dir/node_modules/.conclave-lock.sha256"
  want=$(sha256sum "$interop_dir/package-lock.json" | cut -d' ' -f1)
  if [[ -f $stamp && $(cat "$stamp") == "$want" ]]; then
    echo "install-deps: tests/interop npm packages present"
  else
    echo "install-deps: installing tests/interop npm packages (npm ci)"
    (cd "$interop_dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" >"$stamp"
  fi
fi
