#!/usr/bin/env python3
"""action.yml runs privpath as documented, with a stand-in privpath.

.github/action/run.sh builds privpath's command line from the action's inputs and
writes the step summary and outputs; action.yml's last step turns privpath's exit status
into the step's. This test runs both with a stand-in binary that records its arguments,
writes the reports where --output sends them and exits as told, and checks: the
formats pair with their files (the n-th --output belongs to the n-th --format, so the
table, on stdout, comes last); the Markdown report reaches GITHUB_STEP_SUMMARY also
when the gate trips; inputs are passed as data, never run as shell; the verdict step
exits with privpath's status. Standard library plus PyYAML.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
RUN_SH = ROOT / ".github/action/run.sh"
ACTION_YML = ROOT / "action.yml"

STAND_IN = r"""#!/usr/bin/env python3
import json, os, sys
args = sys.argv[1:]
with open(os.environ["STAND_IN_LOG"], "w") as f:
    json.dump(args, f)
formats = [args[i + 1] for i, a in enumerate(args) if a == "--format"]
outputs = [args[i + 1] for i, a in enumerate(args) if a == "--output"]
code = int(os.environ.get("STAND_IN_EXIT", "0"))
if code != 2:
    for fmt, out in zip(formats, outputs):
        with open(out, "w") as f:
            f.write({"markdown": "## privpath: gate tripped\n", "sarif": "{}"}.get(fmt, fmt))
print("table on stdout")
sys.exit(code)
"""

failures: list[str] = []
passed = 0


def check(ok: bool, message: str) -> bool:
    global passed
    if ok:
        passed += 1
    else:
        failures.append(message)
    return ok


def run(work: Path, name: str, inputs: dict, exit_code: int = 0):
    home = work / name
    home.mkdir()
    log = home / "argv.json"
    env = {
        **os.environ,
        "PRIVPATH_BIN": str(work / "privpath"),
        "STAND_IN_LOG": str(log),
        "STAND_IN_EXIT": str(exit_code),
        "RUNNER_TEMP": str(home),
        "GITHUB_OUTPUT": str(home / "output"),
        "GITHUB_STEP_SUMMARY": str(home / "summary"),
        **inputs,
    }
    proc = subprocess.run(["bash", str(RUN_SH)], env=env, capture_output=True, text=True, cwd=home)
    argv = json.loads(log.read_text()) if log.exists() else None
    out_file = home / "output"
    outputs = dict(line.split("=", 1) for line in out_file.read_text().splitlines()) if out_file.exists() else {}
    summary = (home / "summary").read_text() if (home / "summary").exists() else ""
    return proc, argv, outputs, summary, home


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="privpath-action-") as tmp:
        work = Path(tmp)
        stand_in = work / "privpath"
        stand_in.write_text(STAND_IN)
        stand_in.chmod(0o755)
        report = work / "default" / "privpath-report"

        # Defaults: `check`, the gate at fail, Markdown to a file and the summary, table last.
        proc, argv, outputs, summary, _ = run(work, "default", {"PRIVPATH_ARGS": "check", "PRIVPATH_FAIL_ON": "fail", "PRIVPATH_UPLOAD_SARIF": "false", "PRIVPATH_SUMMARY": "true"})
        check(proc.returncode == 0, f"run.sh exited {proc.returncode}: {proc.stderr}")
        check(argv == ["check", "--fail-on", "fail", "--format", "markdown", "--output", str(report / "privpath.md"), "--format", "table"], f"default command line: {argv}")
        check(outputs.get("exit-code") == "0" and "sarif" not in outputs, f"default outputs: {outputs}")
        check(summary == "## privpath: gate tripped\n", f"default summary: {summary!r}")

        # The gate trips: the summary is still written, the status is handed on, run.sh exits 0.
        sarif_report = work / "tripped" / "privpath-report" / "privpath.sarif"
        proc, argv, outputs, summary, _ = run(
            work,
            "tripped",
            {"PRIVPATH_ARGS": "check --target orders-prod", "PRIVPATH_CONFIG": "infra/privpath.toml", "PRIVPATH_FAIL_ON": "warn", "PRIVPATH_UPLOAD_SARIF": "true", "PRIVPATH_SUMMARY": "true"},
            exit_code=1,
        )
        check(proc.returncode == 0, f"run.sh exited {proc.returncode} when privpath exited 1")
        check(
            argv == ["check", "--target", "orders-prod", "--config", "infra/privpath.toml", "--fail-on", "warn", "--format", "markdown", "--output", str(work / "tripped/privpath-report/privpath.md"), "--format", "sarif", "--output", str(sarif_report), "--format", "table"],
            f"command line with config and SARIF: {argv}",
        )
        check(outputs.get("exit-code") == "1" and outputs.get("sarif") == str(sarif_report), f"outputs when the gate trips: {outputs}")
        check("gate tripped" in summary, "the Markdown report did not reach the summary when the gate tripped")

        # privpath could not run (exit 2, no report): the summary says so.
        proc, argv, outputs, summary, _ = run(work, "broken", {"PRIVPATH_SUMMARY": "true"}, exit_code=2)
        check(outputs.get("exit-code") == "2" and "markdown" not in outputs, f"outputs when privpath could not run: {outputs}")
        check("no report (exit 2)" in summary, f"summary when privpath could not run: {summary!r}")

        # fail-on empty: privpath.toml's [gate] decides, so no --fail-on.
        _, argv, _, _, _ = run(work, "config-gate", {"PRIVPATH_FAIL_ON": ""})
        check(argv is not None and "--fail-on" not in argv, f"an empty fail-on still passed --fail-on: {argv}")

        # summary: false writes nothing there.
        _, _, _, summary, _ = run(work, "quiet", {"PRIVPATH_SUMMARY": "false"})
        check(summary == "", "summary: false still wrote the step summary")

        # Inputs are data: no command substitution, no globbing, no word splitting beyond spaces.
        canary = work / "canary"
        _, argv, _, _, _ = run(work, "hostile", {"PRIVPATH_ARGS": f"check $(touch {canary}) * `touch {canary}`", "PRIVPATH_CONFIG": f"a b;touch {canary}"})
        check(not canary.exists(), "an input was run as a shell command")
        check(argv is not None and argv[:5] == ["check", "$(touch", f"{canary})", "*", "`touch"], f"args were not passed literally: {argv}")
        check(argv is not None and f"a b;touch {canary}" in argv, f"config was not passed as one argument: {argv}")

        # Bad input values stop before privpath runs.
        for name, inputs, message in (
            ("bad-fail-on", {"PRIVPATH_FAIL_ON": "never"}, "fail-on must be fail, warn or unknown"),
            ("bad-bool", {"PRIVPATH_UPLOAD_SARIF": "maybe"}, "upload-sarif must be true or false"),
        ):
            proc, argv, _, _, _ = run(work, name, inputs)
            check(proc.returncode == 2 and message in proc.stderr and argv is None, f"{name}: exit {proc.returncode}, {proc.stderr.strip()!r}")

        # action.yml's last step exits with privpath's status.
        steps = yaml.safe_load(ACTION_YML.read_text())["runs"]["steps"]
        verdict = steps[-1]
        check(verdict["env"] == {"PRIVPATH_EXIT": "${{ steps.run.outputs.exit-code }}"}, f"the last step does not read run's exit-code: {verdict.get('env')}")
        for code in (0, 1, 2):
            proc = subprocess.run(["bash", "-c", verdict["run"]], env={**os.environ, "PRIVPATH_EXIT": str(code)}, capture_output=True, text=True)
            check(proc.returncode == code, f"the verdict step exits {proc.returncode} for privpath's {code}")
        upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
        check(upload.get("if") == "steps.run.outputs.sarif != ''", f"the SARIF upload runs when: {upload.get('if')}")
        check(steps.index(upload) < len(steps) - 1, "the SARIF upload does not come before the verdict")

    for f in failures:
        print(f"FAIL {f}", file=sys.stderr)
    print(f"check_action_run: {passed} checks passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
