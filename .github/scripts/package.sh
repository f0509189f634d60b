#!/usr/bin/env bash
# Packs one release target's binary the way the action and cargo-binstall expect it:
#   dist/STEM.ARCHIVE          a directory STEM/ holding privpath[.exe] and README.md
#   dist/STEM.ARCHIVE.sha256   "<sha256>  STEM.ARCHIVE", for `sha256sum -c`
# STEM is privpath-TAG-TARGET; release.yml computes it, tests/ci/check_release_assets.py
# runs this script on fake binaries to prove the names and the layout.
#
# Environment: STEM, TARGET, ARCHIVE (tar.gz or zip); BIN_DIR (default
# target/TARGET/release), DIST (default dist).
set -euo pipefail

: "${STEM:?}" "${TARGET:?}" "${ARCHIVE:?}"
bin_dir=${BIN_DIR:-target/$TARGET/release}
dist=${DIST:-dist}

exe=privpath
case "$TARGET" in *-windows-*) exe=privpath.exe ;; esac

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$STEM" "$dist"
cp "$bin_dir/$exe" "$stage/$STEM/$exe"
chmod 0755 "$stage/$STEM/$exe"
cp README.md "$stage/$STEM/README.md"

asset="$STEM.$ARCHIVE"
out="$(cd "$dist" && pwd)/$asset"
case "$ARCHIVE" in
  tar.gz)
    tar -C "$stage" -czf "$out" "$STEM"
    ;;
  zip)
    if command -v 7z >/dev/null 2>&1; then
      (cd "$stage" && 7z a -tzip -bso0 -bsp0 "$out" "$STEM" >/dev/null)
    else
      (cd "$stage" && zip -qr "$out" "$STEM")
    fi
    ;;
  *)
    echo "package.sh: unknown archive format '$ARCHIVE'" >&2
    exit 2
    ;;
esac

# The checksum line is written here, not by the tool, so that it is the same two-space
# text form everywhere (Git for Windows' sha256sum would mark binary mode with '*').
if command -v sha256sum >/dev/null 2>&1; then
  sum=$(sha256sum < "$out")
else
  sum=$(shasum -a 256 < "$out")
fi
printf '%s  %s\n' "${sum%% *}" "$asset" > "$out.sha256"
echo "package.sh: $dist/$asset"
cat "$dist/$asset.sha256"
