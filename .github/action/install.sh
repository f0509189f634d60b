#!/usr/bin/env bash
# Installs privpath's release binary for this runner, for action.yml (run by bash on
# Linux, macOS and Windows runners). The archive for RUNNER_OS/RUNNER_ARCH comes from
# .github/release-targets.json, the list release.yml builds; its SHA-256 is checked
# against the .sha256 file published beside it before anything is unpacked.
#
#   install.sh               install; writes `version` and `bin` to GITHUB_OUTPUT
#   install.sh --asset-name  print the archive's file name and stop (no network; the
#                            test tests/ci/check_release_assets.py compares it with
#                            release.yml and Cargo.toml's binstall template)
#
# Environment: PRIVPATH_VERSION (vX.Y.Z, X.Y.Z or latest), PRIVPATH_TOKEN (optional: a
# GitHub token, only to ask the GitHub API which release is the latest), RUNNER_OS,
# RUNNER_ARCH, RUNNER_TEMP, GITHUB_PATH, GITHUB_OUTPUT; PRIVPATH_TARGETS (the targets
# file; default: beside this script) and PRIVPATH_DOWNLOAD_BASE (where TAG/ASSET are
# fetched from; default: the repository's GitHub releases; tests use a file:// URL).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
targets=${PRIVPATH_TARGETS:-$here/../release-targets.json}
os=${RUNNER_OS:?RUNNER_OS is not set}
arch=${RUNNER_ARCH:?RUNNER_ARCH is not set}
version=${PRIVPATH_VERSION:-latest}

fail() {
  echo "::error title=privpath::$*" >&2
  exit 1
}

command -v jq >/dev/null 2>&1 || fail "jq is needed to read $targets (GitHub-hosted runners have it)"
json() { # jq without the CRs that a native jq.exe writes on Windows
  jq "$@" | tr -d '\r'
}
repo=$(json -r '.repository' "$targets")
binary=$(json -r '.binary' "$targets")
# shellcheck disable=SC2016 # $os and $arch are jq's variables
entry=$(json -c --arg os "$os" --arg arch "$arch" \
  '[.targets[] | select(.os == $os and .arch == $arch)] | first // empty' "$targets")
if [ -z "$entry" ]; then
  have=$(json -r '[.targets[] | "\(.os)/\(.arch)"] | join(", ")' "$targets")
  fail "no privpath release binary for a $os/$arch runner (there are: $have)"
fi
target=$(json -r '.target' <<<"$entry")
archive=$(json -r '.archive' <<<"$entry")

# A tag is vMAJOR.MINOR.PATCH[-PRE]; anything else never reaches a URL or a path.
case "$version" in
  latest) ;;
  v*) ;;
  *) version="v$version" ;;
esac
if [ "$version" != latest ] && ! [[ "$version" =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]]; then
  fail "version must be latest or a release tag like v0.1.0, not '$PRIVPATH_VERSION'"
fi

asset_name() { # TAG -> the archive's file name; the same rule as release.yml's STEM
  printf '%s-%s-%s.%s\n' "$binary" "$1" "$target" "$archive"
}

if [ "${1:-}" = --asset-name ]; then
  [ "$version" != latest ] || fail "--asset-name needs a concrete version"
  asset_name "$version"
  exit 0
fi

if [ "$version" = latest ]; then
  api=https://api.github.com/repos/$repo/releases/latest
  # The token goes to curl on stdin (its --config), never on a command line.
  if [ -n "${PRIVPATH_TOKEN:-}" ] && [ "${GITHUB_SERVER_URL:-https://github.com}" = https://github.com ]; then
    release=$(printf 'header = "Authorization: Bearer %s"\n' "$PRIVPATH_TOKEN" |
      curl --config - -fsSL --retry 3 -H 'Accept: application/vnd.github+json' "$api") ||
      fail "could not ask the GitHub API for the latest release of $repo"
  else
    release=$(curl -fsSL --retry 3 -H 'Accept: application/vnd.github+json' "$api") ||
      fail "could not ask the GitHub API for the latest release of $repo"
  fi
  version=$(json -r '.tag_name' <<<"$release")
  [[ "$version" =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]] ||
    fail "the latest release of $repo has an unexpected tag '$version'"
fi

asset=$(asset_name "$version")
stem=${asset%".$archive"}
base=${PRIVPATH_DOWNLOAD_BASE:-https://github.com/$repo/releases/download}
dir="${RUNNER_TEMP:?RUNNER_TEMP is not set}/privpath-$version-$target"
rm -rf "$dir"
mkdir -p "$dir"

echo "privpath: downloading $asset ($repo $version, $os/$arch)"
curl -fsSL --retry 3 -o "$dir/$asset" "$base/$version/$asset" ||
  fail "could not download $base/$version/$asset"
curl -fsSL --retry 3 -o "$dir/$asset.sha256" "$base/$version/$asset.sha256" ||
  fail "could not download $base/$version/$asset.sha256"

read -r want name < "$dir/$asset.sha256" || true
[ "${name#\*}" = "$asset" ] || fail "$asset.sha256 names '$name', not $asset"
if command -v sha256sum >/dev/null 2>&1; then
  got=$(sha256sum < "$dir/$asset")
else
  got=$(shasum -a 256 < "$dir/$asset")
fi
got=${got%% *}
[ "$(tr '[:upper:]' '[:lower:]' <<<"$want")" = "$got" ] ||
  fail "checksum mismatch for $asset: expected $want, got $got (not installed)"
echo "privpath: sha256 $got OK"

case "$archive" in
  tar.gz) tar -xzf "$dir/$asset" -C "$dir" ;;
  zip)
    if command -v unzip >/dev/null 2>&1; then
      unzip -q -o "$dir/$asset" -d "$dir"
    elif command -v 7z >/dev/null 2>&1; then
      7z x -y -bso0 -bsp0 "-o$dir" "$dir/$asset" >/dev/null
    else
      # shellcheck disable=SC2016 # PowerShell expands $env:…, not bash
      ZIP="$dir/$asset" DEST="$dir" pwsh -NoProfile -Command \
        'Expand-Archive -Force -LiteralPath $env:ZIP -DestinationPath $env:DEST'
    fi
    ;;
  *) fail "unknown archive format '$archive' in $targets" ;;
esac

exe=$binary
[ "$os" != Windows ] || exe=$binary.exe
bin="$dir/$stem/$exe"
[ -f "$bin" ] || fail "$asset has no $stem/$exe"
chmod +x "$bin" 2>/dev/null || true

echo "$dir/$stem" >> "${GITHUB_PATH:?GITHUB_PATH is not set}"
{
  echo "version=$version"
  echo "bin=$bin"
} >> "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
echo "privpath: installed $version at $bin"
