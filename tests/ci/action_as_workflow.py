#!/usr/bin/env python3
"""Writes action.yml's steps as a reusable workflow, so that actionlint can lint them.

actionlint lints workflows, not action metadata. A composite action's steps are the
steps of a job, and its inputs are what a reusable workflow's `inputs` context holds:
so the action becomes `on: workflow_call` with the same inputs (as strings), one job
with the same steps, and the action's outputs as the job's outputs. actionlint then
checks every expression (inputs.*, steps.*.outputs.*, github.*), the step keys, the
inputs of the actions it knows, and runs shellcheck on each run: script, as it does for
the workflows. (zizmor reads action.yml itself.)

Usage: action_as_workflow.py ACTION_YML OUT_YML
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml


def main(src: str, dst: str) -> int:
    action = yaml.safe_load(Path(src).read_text())
    runs = action.get("runs", {})
    if runs.get("using") != "composite":
        print(f"{src}: not a composite action (runs.using: {runs.get('using')!r})", file=sys.stderr)
        return 1
    for key in ("name", "description", "runs"):
        if key not in action:
            print(f"{src}: no {key}", file=sys.stderr)
            return 1
    inputs = {
        name: {"description": str(spec.get("description", "")), "type": "string", "required": bool(spec.get("required", False))}
        for name, spec in (action.get("inputs") or {}).items()
    }
    outputs = {name: spec["value"] for name, spec in (action.get("outputs") or {}).items()}
    workflow = {
        "name": f"{src} (its steps as a workflow, for actionlint)",
        "on": {"workflow_call": {"inputs": inputs}},
        "permissions": {},
        "jobs": {
            "action": {
                "runs-on": "ubuntu-latest",
                "outputs": outputs,
                "steps": runs["steps"],
            }
        },
    }
    for i, step in enumerate(runs["steps"]):
        if "run" in step and "shell" not in step:
            print(f"{src}: step {i + 1} has run: without shell: (required in a composite action)", file=sys.stderr)
            return 1
    Path(dst).write_text(
        f"# Generated from {src} by {Path(__file__).name}; not a workflow of this repository.\n"
        + yaml.safe_dump(workflow, sort_keys=False, width=1000)
    )
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
