#!/usr/bin/env bash
# Runs privpath for action.yml: the table to the log, the Markdown report to a file that
# goes to the step summary (also when the gate trips), SARIF to a file when asked.
# It always exits 0 and leaves privpath's exit status in GITHUB_OUTPUT (exit-code), so
# that the summary and the SARIF upload happen first; action.yml's last step then fails
# with that status.
#
# Environment (from action.yml's inputs, never spliced into this script): PRIVPATH_BIN,
# PRIVPATH_ARGS (split on whitespace: no quotes, globs or expansions are interpreted),
# PRIVPATH_CONFIG, PRIVPATH_FAIL_ON, PRIVPATH_UPLOAD_SARIF, PRIVPATH_SUMMARY;
# RUNNER_TEMP, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY.
set -uo pipefail

fail() {
  echo "::error title=privpath::$*" >&2
  exit 2
}

bool() { # NAME VALUE -> true|false
  case "$(tr '[:upper:]' '[:lower:]' <<<"$2")" in
    true | yes | 1) echo true ;;
    false | no | 0 | '') echo false ;;
    *) fail "$1 must be true or false, not '$2'" ;;
  esac
}

bin=${PRIVPATH_BIN:-privpath}
fail_on=${PRIVPATH_FAIL_ON:-}
case "$fail_on" in
  fail | warn | unknown | '') ;;
  *) fail "fail-on must be fail, warn or unknown (or empty for privpath.toml's), not '$fail_on'" ;;
esac
upload_sarif=$(bool upload-sarif "${PRIVPATH_UPLOAD_SARIF:-false}") || exit 2
summary=$(bool summary "${PRIVPATH_SUMMARY:-true}") || exit 2

out="${RUNNER_TEMP:?RUNNER_TEMP is not set}/privpath-report"
mkdir -p "$out"
md="$out/privpath.md"
sarif="$out/privpath.sarif"
rm -f "$md" "$sarif"

read -r -a args <<<"${PRIVPATH_ARGS:-check}"
[ "${#args[@]}" -gt 0 ] || args=(check)
cmd=("$bin" "${args[@]}")
[ -z "${PRIVPATH_CONFIG:-}" ] || cmd+=(--config "$PRIVPATH_CONFIG")
# Empty: privpath.toml's [gate] fail-on decides (else privpath's default, fail).
[ -z "$fail_on" ] || cmd+=(--fail-on "$fail_on")
# The n-th --output belongs to the n-th --format: the files first, the table (stdout) last.
cmd+=(--format markdown --output "$md")
[ "$upload_sarif" = false ] || cmd+=(--format sarif --output "$sarif")
cmd+=(--format table)

echo "privpath: ${cmd[*]}"
status=0
"${cmd[@]}" || status=$?

if [ "$summary" = true ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  if [ -s "$md" ]; then
    cat "$md" >> "$GITHUB_STEP_SUMMARY"
  else
    printf '### privpath: no report (exit %s)\n\nprivpath could not run; its log says why.\n' \
      "$status" >> "$GITHUB_STEP_SUMMARY"
  fi
fi

{
  echo "exit-code=$status"
  [ ! -s "$md" ] || echo "markdown=$md"
  [ ! -s "$sarif" ] || echo "sarif=$sarif"
} >> "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
exit 0
