#!/usr/bin/env bash
# privpath-gate.sh: a deployment gate in any CI or shell. Downloads privpath's release
# binary for this machine, checks its SHA-256 against the published .sha256, and runs
# it; the exit status is privpath's (0 passed, 1 the path is broken, 2 privpath could
# not look). docs/ci.md explains it; privpath's CI lints it (bash -n, shellcheck).
#
#   PRIVPATH_VERSION=v0.1.0 ./privpath-gate.sh                 # the default gate below
#   ./privpath-gate.sh check --target orders-prod --fail-on warn
set -euo pipefail

version=${PRIVPATH_VERSION:-v0.1.0}
case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) target=x86_64-unknown-linux-musl ;;
  Linux/aarch64 | Linux/arm64) target=aarch64-unknown-linux-musl ;;
  Darwin/arm64) target=aarch64-apple-darwin ;;
  Darwin/x86_64) target=x86_64-apple-darwin ;;
  *)
    echo "privpath-gate: no release binary for $(uname -s)/$(uname -m);" \
      "build one with: cargo install --locked --git https://github.com/privpath/privpath privpath" >&2
    exit 2
    ;;
esac

stem="privpath-$version-$target"
base="https://github.com/privpath/privpath/releases/download/$version"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

curl -fsSL --retry 3 -o "$dir/$stem.tar.gz" "$base/$stem.tar.gz"
curl -fsSL --retry 3 -o "$dir/$stem.tar.gz.sha256" "$base/$stem.tar.gz.sha256"
if command -v sha256sum > /dev/null; then
  (cd "$dir" && sha256sum -c "$stem.tar.gz.sha256")
else
  (cd "$dir" && shasum -a 256 -c "$stem.tar.gz.sha256")
fi
tar -xzf "$dir/$stem.tar.gz" -C "$dir"

if [ "$#" -eq 0 ]; then
  set -- check --config privpath.toml \
    --format junit --output privpath-junit.xml \
    --format markdown --output privpath.md \
    --format table
fi
status=0
"$dir/$stem/privpath" "$@" || status=$?
exit "$status"
