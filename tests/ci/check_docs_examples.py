#!/usr/bin/env python3
"""docs/ci.md shows the CI examples of docs/ci/ verbatim, and the examples are sound.

- Each file of docs/ci/ appears in docs/ci.md exactly once, as the fenced block after a
  `<!-- file: docs/ci/NAME -->` line, byte for byte (`--write` copies the files in).
- docs/ci/gitlab-ci.yml parses, its jobs' stages and needs exist, the gate job keeps its
  reports when it fails, and its script lines pass shellcheck (as POSIX sh).
- The examples name release archives as release.yml does (privpath-TAG-TARGET.tar.gz,
  targets from .github/release-targets.json), and docs/ci/github-actions.yml gives the
  action only inputs that action.yml has.

(actionlint and zizmor lint docs/ci/github-actions.yml, and shellcheck
docs/ci/privpath-gate.sh, in scripts/lint-ci.) Standard library plus PyYAML; shellcheck
on PATH.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs/ci.md"
EXAMPLES = ROOT / "docs/ci"
MARKER = re.compile(r"^<!-- file: (docs/ci/[^ ]+) -->\n```[a-z]*\n(.*?)^```\n", re.S | re.M)

failures: list[str] = []
passed = 0


def check(ok: bool, message: str) -> bool:
    global passed
    if ok:
        passed += 1
    else:
        failures.append(message)
    return ok


def embedded(text: str) -> dict[str, list[tuple[int, int, str]]]:
    found: dict[str, list[tuple[int, int, str]]] = {}
    for m in MARKER.finditer(text):
        found.setdefault(m.group(1), []).append((m.start(2), m.end(2), m.group(2)))
    return found


def write() -> int:
    text = DOC.read_text()
    spans = sorted(((start, end, name) for name, found in embedded(text).items() for start, end, _ in found), reverse=True)
    for start, end, name in spans:  # from the end, so that earlier offsets stay right
        text = text[:start] + (ROOT / name).read_text() + text[end:]
    DOC.write_text(text)
    print(f"check_docs_examples: wrote {', '.join(sorted(embedded(text)))} into {DOC.relative_to(ROOT)}")
    return 0


def check_embedded() -> None:
    found = embedded(DOC.read_text())
    files = sorted(f"docs/ci/{p.name}" for p in EXAMPLES.iterdir() if p.is_file())
    for name in files:
        spans = found.get(name, [])
        if not check(len(spans) == 1, f"docs/ci.md shows {name} {len(spans)} times (want once, after <!-- file: {name} -->)"):
            continue
        check(spans[0][2] == (ROOT / name).read_text(), f"docs/ci.md's copy of {name} differs from the file (run tests/ci/check_docs_examples.py --write)")
    for name in found:
        check(name in files, f"docs/ci.md shows {name}, which does not exist")


def check_gitlab(targets: set[str]) -> None:
    path = EXAMPLES / "gitlab-ci.yml"
    doc = yaml.safe_load(path.read_text())
    stages = doc.get("stages", [])
    jobs = {k: v for k, v in doc.items() if isinstance(v, dict) and ("script" in v)}
    check({"privpath", "deploy"} <= set(jobs), f"gitlab-ci.yml: jobs {sorted(jobs)}")
    for name, job in jobs.items():
        check(job.get("stage") in stages, f"gitlab-ci.yml: {name}'s stage {job.get('stage')!r} is not in stages {stages}")
        for need in job.get("needs", []):
            check(need in jobs, f"gitlab-ci.yml: {name} needs {need}, which is not a job")
        for key in ("before_script", "script"):
            check(all(isinstance(line, str) for line in job.get(key, [])), f"gitlab-ci.yml: {name}.{key} is not a list of strings")
    gate = jobs.get("privpath", {})
    check(gate.get("id_tokens", {}).get("AWS_ID_TOKEN", {}).get("aud") == "sts.amazonaws.com", "gitlab-ci.yml: no AWS_ID_TOKEN for sts.amazonaws.com")
    check("AWS_ROLE_ARN" in gate.get("variables", {}), "gitlab-ci.yml: no AWS_ROLE_ARN")
    artifacts = gate.get("artifacts", {})
    check(artifacts.get("when") == "always", "gitlab-ci.yml: the reports are not kept when the gate fails")
    check(artifacts.get("reports", {}).get("junit") == "privpath-junit.xml", "gitlab-ci.yml: no JUnit report")
    check("privpath.md" in artifacts.get("paths", []), "gitlab-ci.yml: the Markdown report is not kept")
    check(gate.get("variables", {}).get("PRIVPATH_TARGET") in targets, "gitlab-ci.yml: PRIVPATH_TARGET is not a release target")
    lines = gate.get("before_script", []) + gate.get("script", [])
    body = "\n".join(lines)
    check('stem="privpath-$PRIVPATH_VERSION-$PRIVPATH_TARGET"' in body and '"$base/$stem.tar.gz"' in body and 'sha256sum -c "$stem.tar.gz.sha256"' in body, "gitlab-ci.yml: the archive is not privpath-TAG-TARGET.tar.gz, verified with sha256sum -c")
    check(body.index("sha256sum -c") < body.index("tar -xzf"), "gitlab-ci.yml: the archive is unpacked before its checksum is checked")

    shellcheck = shutil.which("shellcheck")
    if not check(shellcheck is not None, "shellcheck is not on PATH"):
        return
    with tempfile.NamedTemporaryFile("w", suffix=".sh", delete=False) as f:
        f.write("#!/bin/sh\n# docs/ci/gitlab-ci.yml: privpath's before_script and script, one command a line\n")
        f.write("\n".join(lines) + "\n")
        script = f.name
    try:
        run = subprocess.run([shellcheck, "-s", "sh", script], capture_output=True, text=True)
        check(run.returncode == 0, f"shellcheck on gitlab-ci.yml's script:\n{run.stdout}{run.stderr}")
    finally:
        Path(script).unlink()


def check_gate_script(targets: set[str]) -> None:
    text = (EXAMPLES / "privpath-gate.sh").read_text()
    named = set(re.findall(r"\) target=([a-z0-9_-]+) ;;", text))
    check(bool(named) and named <= targets, f"privpath-gate.sh names targets {sorted(named - targets)} that are not released")
    check('stem="privpath-$version-$target"' in text and '"$base/$stem.tar.gz"' in text, "privpath-gate.sh: the archive is not privpath-TAG-TARGET.tar.gz")
    check(text.index("sha256sum -c") < text.index("tar -xzf"), "privpath-gate.sh: the archive is unpacked before its checksum is checked")


def check_github(action_inputs: set[str], name: str = "github-actions.yml") -> None:
    wf = yaml.safe_load((EXAMPLES / name).read_text())
    uses = [s for job in wf["jobs"].values() for s in job.get("steps", []) if s.get("uses", "").startswith("privpath/privpath@")]
    check(len(uses) == 1, f"{name} does not use privpath/privpath once")
    for step in uses:
        extra = set(step.get("with", {})) - action_inputs
        check(not extra, f"{name} gives the action inputs it does not have: {sorted(extra)}")
    creds = [s for job in wf["jobs"].values() for s in job.get("steps", []) if "configure-aws-credentials" in s.get("uses", "")]
    check(len(creds) == 1 and "role-to-assume" in creds[0].get("with", {}), f"{name}: no OIDC role through configure-aws-credentials")
    gate = next(job for job in wf["jobs"].values() if uses and uses[0] in job.get("steps", []))
    check(gate.get("permissions", {}).get("id-token") == "write", f"{name}: the gate job cannot get an OIDC token")


def check_plan_gate(action_inputs: set[str]) -> None:
    """The plan gate shows `terraform show -json` feeding `check --plan` (docs/plan.md)."""
    name = "github-actions-plan.yml"
    check_github(action_inputs, name)
    wf = yaml.safe_load((EXAMPLES / name).read_text())
    steps = [s for job in wf["jobs"].values() for s in job.get("steps", [])]
    runs = " ".join(s.get("run", "") for s in steps)
    check("terraform plan" in runs and "-out=tfplan" in runs and "terraform show -json tfplan" in runs,
          f"{name}: no saved plan shown as JSON")
    args = next(s["with"]["args"] for s in steps if s.get("uses", "").startswith("privpath/privpath@"))
    check(args.split()[:3] == ["check", "--plan", "tfplan.json"], f"{name}: the action does not check the plan: {args}")


def main() -> int:
    if sys.argv[1:] == ["--write"]:
        return write()
    targets = {t["target"] for t in json.loads((ROOT / ".github/release-targets.json").read_text())["targets"] if t["archive"] == "tar.gz"}
    action_inputs = set(yaml.safe_load((ROOT / "action.yml").read_text())["inputs"])
    check_embedded()
    check_gitlab(targets)
    check_gate_script(targets)
    check_github(action_inputs)
    check_plan_gate(action_inputs)
    for f in failures:
        print(f"FAIL {f}", file=sys.stderr)
    print(f"check_docs_examples: {passed} checks passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
