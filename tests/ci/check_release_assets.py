#!/usr/bin/env python3
"""The release's asset names, from one list, agree everywhere they are computed.

.github/release-targets.json lists the targets. Three places turn a target into a file
name, and a drift between any two breaks an install without failing a build:

- release.yml: its plan job makes the build matrix from the file (jq), the build job
  names the archive with the expression in its STEM env and packs it with
  .github/scripts/package.sh;
- action.yml: .github/action/install.sh picks the target for RUNNER_OS/RUNNER_ARCH from
  the same file and computes the name it downloads;
- Cargo.toml: cargo-binstall's pkg-url and bin-dir templates.

(It also checks that release.yml, ci.yml and the Dockerfile build with one Rust.)

This test renders all three for every target at version 0.1.0 and compares them; runs
release.yml's own jq and package.sh (on stand-in binaries) to get the real archives;
installs each archive with install.sh from a file:// "release" and checks the binary
lands on GITHUB_PATH; and checks that install.sh refuses an archive whose SHA-256 does
not match. Standard library plus PyYAML (tests/requirements.txt); needs bash, jq, tar,
zip and unzip.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
TARGETS_FILE = ROOT / ".github/release-targets.json"
RELEASE_YML = ROOT / ".github/workflows/release.yml"
ACTION_YML = ROOT / "action.yml"
CARGO_TOML = ROOT / "Cargo.toml"
INSTALL_SH = ROOT / ".github/action/install.sh"
PACKAGE_SH = ROOT / ".github/scripts/package.sh"

VERSION = "0.1.0"
TAG = f"v{VERSION}"
RUNNER_OS = {"Linux", "macOS", "Windows"}
RUNNER_ARCH = {"X64", "ARM64", "X86", "ARM"}
ARCHIVES = {"tar.gz": "tgz", "zip": "zip"}  # archive suffix -> binstall pkg-fmt
# GitHub-hosted runner labels a target may build on, with their runner.os and runner.arch
# (release.yml's runs-on comes from the targets file, where actionlint cannot see it).
HOSTED = {
    "ubuntu-24.04": ("Linux", "X64"),
    "ubuntu-22.04": ("Linux", "X64"),
    "ubuntu-24.04-arm": ("Linux", "ARM64"),
    "ubuntu-22.04-arm": ("Linux", "ARM64"),
    "macos-15": ("macOS", "ARM64"),
    "macos-14": ("macOS", "ARM64"),
    "macos-15-intel": ("macOS", "X64"),
    "windows-2022": ("Windows", "X64"),
    "windows-2025": ("Windows", "X64"),
    "windows-11-arm": ("Windows", "ARM64"),
}
PLATFORM_ARCH = {"linux/amd64": "X64", "linux/arm64": "ARM64"}
SHA_PIN = re.compile(r"^[^@\s]+@[0-9a-f]{40}$")

failures: list[str] = []
passed = 0


def check(ok: bool, message: str) -> bool:
    global passed
    if ok:
        passed += 1
    else:
        failures.append(message)
    return ok


def expected_asset(t: dict) -> str:
    return f"privpath-{TAG}-{t['target']}.{t['archive']}"


def stem(t: dict) -> str:
    return f"privpath-{TAG}-{t['target']}"


def exe(t: dict) -> str:
    return "privpath.exe" if t["os"] == "Windows" else "privpath"


EXPR = re.compile(r"\$\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}")


def render_expr(text: str, context: dict) -> str:
    """Render a workflow string whose ${{ }} are plain context paths (a.b.c)."""

    def one(m: re.Match) -> str:
        value = context
        for part in m.group(1).split("."):
            if not isinstance(value, dict) or part not in value:
                raise KeyError(f"{m.group(0)} is not a plain path this test can render")
            value = value[part]
        return str(value)

    return EXPR.sub(one, text)


TEMPLATE = re.compile(r"\{\s*([a-z-]+)\s*\}")


def render_binstall(template: str, values: dict) -> str:
    def one(m: re.Match) -> str:
        if m.group(1) not in values:
            raise KeyError(f"binstall variable {{ {m.group(1)} }} is not known to this test")
        return values[m.group(1)]

    return TEMPLATE.sub(one, template)


def load_targets() -> tuple[dict, list[dict]]:
    data = json.loads(TARGETS_FILE.read_text())
    targets = data["targets"]
    check(data.get("repository") == "privpath/privpath", "release-targets.json: repository is not privpath/privpath")
    check(data.get("binary") == "privpath", "release-targets.json: binary is not privpath")
    check(len(targets) >= 5, "release-targets.json: fewer than five targets")
    seen_targets, seen_runners = set(), set()
    for t in targets:
        where = f"release-targets.json: {t.get('target')}"
        for key in ("target", "os", "arch", "archive", "runner"):
            check(isinstance(t.get(key), str) and t[key], f"{where}: no {key}")
        check(t["os"] in RUNNER_OS, f"{where}: os {t['os']!r} is not a runner.os value")
        check(t["arch"] in RUNNER_ARCH, f"{where}: arch {t['arch']!r} is not a runner.arch value")
        check(t["archive"] in ARCHIVES, f"{where}: archive {t['archive']!r} is not tar.gz or zip")
        check((t["archive"] == "zip") == (t["os"] == "Windows"), f"{where}: zip is for Windows, tar.gz for the rest")
        check(t["target"] not in seen_targets, f"{where}: listed twice")
        check((t["os"], t["arch"]) not in seen_runners, f"{where}: a second target for {t['os']}/{t['arch']}")
        seen_targets.add(t["target"])
        seen_runners.add((t["os"], t["arch"]))
        host = HOSTED.get(t["runner"])
        if check(host is not None, f"{where}: runner {t['runner']!r} is not a GitHub-hosted label this test knows"):
            check(host[0] == t["os"], f"{where}: builds on {t['runner']}, a {host[0]} runner")
            # A Linux or Windows target builds on its own architecture (no cross toolchain);
            # macOS builds either architecture with Apple's clang.
            check(t["os"] == "macOS" or host[1] == t["arch"], f"{where}: builds on {t['runner']}, a {host[1]} runner")
        if "container_platform" in t:
            check(t["os"] == "Linux", f"{where}: a container platform for a non-Linux target")
            check(PLATFORM_ARCH.get(t["container_platform"]) == t["arch"], f"{where}: container platform {t['container_platform']} for an {t['arch']} target")
    for must in (
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "aarch64-apple-darwin",
        "x86_64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ):
        check(must in seen_targets, f"release-targets.json: {must} is missing")
    return data, targets


def check_release_workflow(targets: list[dict], work: Path) -> dict[str, Path]:
    """release.yml's names, and the archives package.sh really makes, per target."""
    wf = yaml.safe_load(RELEASE_YML.read_text())
    jobs = wf["jobs"]
    trigger = wf.get("on", wf.get(True))
    check(trigger == {"push": {"tags": ["v*"]}}, "release.yml: not triggered by v* tags alone")

    # The plan job's jq, run on the targets file, is the matrix.
    plan_run = "\n".join(s.get("run", "") for s in jobs["plan"]["steps"])
    queries = dict(re.findall(r'echo "(\w+)=\$\(jq -c \'([^\']+)\' \.github/release-targets\.json\)"', plan_run))
    check({"matrix", "containers"} <= set(queries), "release.yml: plan does not make matrix and containers with jq from .github/release-targets.json")
    if "matrix" in queries:
        matrix = json.loads(subprocess.run(["jq", "-c", queries["matrix"], str(TARGETS_FILE)], check=True, capture_output=True, text=True).stdout)
        check(matrix.get("include") == targets, "release.yml: the plan's matrix is not every target of the file")
    if "containers" in queries:
        containers = json.loads(subprocess.run(["jq", "-c", queries["containers"], str(TARGETS_FILE)], check=True, capture_output=True, text=True).stdout)
        check(
            [c["container_platform"] for c in containers["include"]] == [t["container_platform"] for t in targets if "container_platform" in t],
            "release.yml: the container matrix is not the Linux targets' platforms",
        )

    build = jobs["build"]
    check(build["strategy"]["matrix"] == "${{ fromJSON(needs.plan.outputs.matrix) }}", "release.yml: build's matrix is not the plan's output")
    check(build["runs-on"] == "${{ matrix.runner }}", "release.yml: build does not run on the target's runner")
    check(jobs["image"]["strategy"]["matrix"] == "${{ fromJSON(needs.plan.outputs.containers) }}", "release.yml: image's matrix is not the plan's containers")
    env = build["env"]
    package_steps = [s for s in build["steps"] if ".github/scripts/package.sh" in s.get("run", "")]
    check(len(package_steps) == 1, "release.yml: build does not pack with .github/scripts/package.sh")

    fake_bins = work / "bins"
    dist = work / "dist"
    dist.mkdir()
    archives: dict[str, Path] = {}
    for t in targets:
        context = {"github": {"ref_name": TAG}, "matrix": t}
        rendered = {k: render_expr(v, context) for k, v in env.items()}
        name = f"{rendered['STEM']}.{rendered['ARCHIVE']}"
        check(name == expected_asset(t), f"release.yml names {t['target']}'s archive {name}, expected {expected_asset(t)}")
        check(rendered.get("TARGET") == t["target"], f"release.yml: TARGET renders {rendered.get('TARGET')!r} for {t['target']}")

        # package.sh on a stand-in binary: the archive, its .sha256, its layout.
        bin_dir = fake_bins / t["target"]
        bin_dir.mkdir(parents=True)
        (bin_dir / exe(t)).write_text(f"#!/bin/sh\necho privpath stand-in for {t['target']} \"$@\"\n")
        subprocess.run(
            ["bash", str(PACKAGE_SH)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            env={**os.environ, **rendered, "BIN_DIR": str(bin_dir), "DIST": str(dist)},
        )
        archive = dist / name
        if not check(archive.is_file(), f"package.sh did not make {name}"):
            continue
        archives[t["target"]] = archive
        sums = (dist / f"{name}.sha256").read_text().split()
        check(sums[1:] == [name] and len(sums[0]) == 64, f"{name}.sha256 is not '<sha256>  {name}'")
        members = archive_members(archive)
        want = {f"{stem(t)}/{exe(t)}", f"{stem(t)}/README.md"}
        check(want <= members, f"{name} holds {sorted(members)}, expected {sorted(want)}")

    # What attest and publish pick up from dist/ is every archive.
    names = [expected_asset(t) for t in targets]
    attest = next(s for s in jobs["attest"]["steps"] if "attest-build-provenance" in s.get("uses", ""))
    globs = [g.strip().removeprefix("dist/") for g in attest["with"]["subject-path"].split()]
    for n in names:
        check(any(fnmatch.fnmatch(n, g) for g in globs), f"release.yml: attest's subject-path misses {n}")
    publish_run = "\n".join(s.get("run", "") for s in jobs["publish"]["steps"])
    release_globs = re.findall(r"dist/(\S+)", publish_run.split("gh release create", 1)[-1])
    for n in names + [f"{n}.sha256" for n in names] + ["SHA256SUMS"]:
        check(any(fnmatch.fnmatch(n, g) for g in release_globs), f"release.yml: gh release create does not upload {n}")
    check("SHA256SUMS" in publish_run, "release.yml: publish makes no SHA256SUMS")

    # Least privilege: nothing at the top, the attestation's grants on attest alone.
    check(wf.get("permissions") == {}, "release.yml: top-level permissions is not {}")
    for job_id, job in jobs.items():
        perms = job.get("permissions") or {}
        has_oidc = perms.get("id-token") == "write" or perms.get("attestations") == "write"
        check(has_oidc == (job_id == "attest"), f"release.yml: job {job_id} has id-token/attestations write: {has_oidc}")
        if perms.get("packages") == "write":
            check(job_id in ("image", "image-manifest"), f"release.yml: job {job_id} may write packages")
    return archives


def archive_members(archive: Path) -> set[str]:
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as z:
            return {n.rstrip("/") for n in z.namelist()}
    with tarfile.open(archive) as t:
        return {m.name for m in t.getmembers()}


def check_action(targets: list[dict], archives: dict[str, Path], work: Path) -> None:
    action = yaml.safe_load(ACTION_YML.read_text())
    check(action["runs"]["using"] == "composite", "action.yml: not a composite action")
    inputs = action["inputs"]
    for name, default in (("version", "latest"), ("args", "check"), ("config", ""), ("fail-on", "fail"), ("upload-sarif", "false"), ("summary", "true")):
        check(name in inputs and str(inputs[name].get("default")) == default, f"action.yml: input {name} should default to {default!r}")
    steps = action["runs"]["steps"]
    for s in steps:
        if "run" in s:
            check("${{" not in s["run"], f"action.yml: step {s.get('name')!r} has ${{{{ }}}} inside run:")
        if "uses" in s:
            check(bool(SHA_PIN.match(s["uses"])), f"action.yml: {s['uses']} is not pinned by a commit SHA")
    install = next((s for s in steps if s.get("id") == "install"), {})
    check('"$GITHUB_ACTION_PATH/.github/action/install.sh"' in install.get("run", ""), "action.yml: install does not run .github/action/install.sh from the action's path")

    for t in targets:
        base_env = {**os.environ, "RUNNER_OS": t["os"], "RUNNER_ARCH": t["arch"], "PRIVPATH_VERSION": VERSION}
        got = subprocess.run(["bash", str(INSTALL_SH), "--asset-name"], env=base_env, capture_output=True, text=True)
        check(got.returncode == 0 and got.stdout.strip() == expected_asset(t), f"install.sh names {t['os']}/{t['arch']}'s archive {got.stdout.strip()!r}{got.stderr.strip()}, expected {expected_asset(t)}")
        if t["target"] not in archives:
            continue

        # A full install from a file:// release, as the action does it.
        home = work / f"runner-{t['target']}"
        home.mkdir()
        env = {
            **base_env,
            "PRIVPATH_DOWNLOAD_BASE": (work / "release").as_uri(),
            "RUNNER_TEMP": str(home),
            "GITHUB_PATH": str(home / "path"),
            "GITHUB_OUTPUT": str(home / "output"),
        }
        release = work / "release" / TAG
        release.mkdir(parents=True, exist_ok=True)
        for f in (archives[t["target"]], archives[t["target"]].with_name(archives[t["target"]].name + ".sha256")):
            shutil.copy(f, release / f.name)
        run = subprocess.run(["bash", str(INSTALL_SH)], env=env, capture_output=True, text=True)
        if not check(run.returncode == 0, f"install.sh failed for {t['target']}: {run.stderr.strip()}"):
            continue
        path_dir = Path((home / "path").read_text().strip())
        check(path_dir.name == stem(t) and (path_dir / exe(t)).is_file(), f"install.sh put {path_dir} on PATH for {t['target']}, without {exe(t)}")
        outputs = dict(line.split("=", 1) for line in (home / "output").read_text().splitlines())
        check(outputs.get("version") == TAG and outputs.get("bin") == str(path_dir / exe(t)), f"install.sh outputs for {t['target']}: {outputs}")

    # A tampered archive is refused before it is unpacked.
    t = targets[0]
    if t["target"] in archives:
        src = archives[t["target"]]
        bad = work / "tampered"
        (bad / TAG).mkdir(parents=True)
        shutil.copy(src.with_name(src.name + ".sha256"), bad / TAG / (expected_asset(t) + ".sha256"))
        data = bytearray(src.read_bytes())
        data[len(data) // 2] ^= 0xFF
        (bad / TAG / expected_asset(t)).write_bytes(bytes(data))
        home = work / "runner-tampered"
        home.mkdir()
        run = subprocess.run(
            ["bash", str(INSTALL_SH)],
            env={**os.environ, "RUNNER_OS": t["os"], "RUNNER_ARCH": t["arch"], "PRIVPATH_VERSION": TAG, "PRIVPATH_DOWNLOAD_BASE": bad.as_uri(), "RUNNER_TEMP": str(home), "GITHUB_PATH": str(home / "path"), "GITHUB_OUTPUT": str(home / "output")},
            capture_output=True,
            text=True,
        )
        check(run.returncode != 0 and "checksum mismatch" in run.stderr, f"install.sh accepted a tampered archive: {run.returncode} {run.stderr.strip()}")
        check(not (home / "path").exists(), "install.sh put a tampered archive's binary on PATH")

    # A runner with no archive gets one clear line, not a 404.
    run = subprocess.run(["bash", str(INSTALL_SH), "--asset-name"], env={**os.environ, "RUNNER_OS": "Windows", "RUNNER_ARCH": "ARM64", "PRIVPATH_VERSION": TAG}, capture_output=True, text=True)
    check(run.returncode == 1 and "no privpath release binary for a Windows/ARM64 runner" in run.stderr, f"install.sh on Windows/ARM64: {run.stderr.strip()}")
    run = subprocess.run(["bash", str(INSTALL_SH), "--asset-name"], env={**os.environ, "RUNNER_OS": "Linux", "RUNNER_ARCH": "X64", "PRIVPATH_VERSION": "v1.0.0;rm -rf /"}, capture_output=True, text=True)
    check(run.returncode == 1 and "version must be" in run.stderr, "install.sh accepted a version that is not a tag")


def check_binstall(data: dict, targets: list[dict], archives: dict[str, Path]) -> None:
    cargo = tomllib.loads(CARGO_TOML.read_text())
    package = cargo["package"]
    repo_url = f"https://github.com/{data['repository']}"
    check(package.get("repository") == repo_url, f"Cargo.toml: repository is not {repo_url}")
    version = cargo["workspace"]["package"]["version"]
    check(re.fullmatch(r"\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?", version) is not None, f"Cargo.toml: version {version} is not semver")
    meta = package["metadata"]["binstall"]
    overrides = meta.get("overrides", {})
    for name in overrides:
        check(name in {t["target"] for t in targets}, f"Cargo.toml: a binstall override for {name}, which is not released")
    for t in targets:
        m = {**meta, **overrides.get(t["target"], {})}
        values = {"repo": repo_url, "name": package["name"], "version": VERSION, "target": t["target"], "bin": "privpath", "binary-ext": ".exe" if t["os"] == "Windows" else ""}
        url = render_binstall(m["pkg-url"], values)
        want = f"{repo_url}/releases/download/{TAG}/{expected_asset(t)}"
        check(url == want, f"binstall's pkg-url for {t['target']} is {url}, expected {want}")
        check(m["pkg-fmt"] == ARCHIVES[t["archive"]], f"binstall's pkg-fmt for {t['target']} is {m['pkg-fmt']}, expected {ARCHIVES[t['archive']]}")
        bin_dir = render_binstall(m["bin-dir"], values)
        if t["target"] in archives:
            members = archive_members(archives[t["target"]])
            check(bin_dir in members, f"binstall's bin-dir for {t['target']} is {bin_dir}, not in the archive ({sorted(members)})")


def check_toolchains() -> None:
    """The release binaries, the image and CI are built by the same Rust."""
    release = yaml.safe_load(RELEASE_YML.read_text())["env"]["RUST_TOOLCHAIN"]
    ci_steps = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text())["jobs"]["ci"]["steps"]
    ci = [s["with"]["toolchain"] for s in ci_steps if "rust-toolchain" in s.get("uses", "")]
    docker = re.findall(r"^FROM rust:(\d+\.\d+\.\d+)-", (ROOT / "Dockerfile").read_text(), re.M)
    check(ci == [release] and docker == [release], f"Rust toolchains differ: release.yml {release}, ci.yml {ci}, Dockerfile {docker}")


def main() -> int:
    for tool in ("jq", "tar", "zip", "unzip"):
        if shutil.which(tool) is None:
            print(f"check_release_assets: {tool} is needed", file=sys.stderr)
            return 2
    data, targets = load_targets()
    with tempfile.TemporaryDirectory(prefix="privpath-assets-") as tmp:
        work = Path(tmp)
        archives = check_release_workflow(targets, work)
        check_action(targets, archives, work)
        check_binstall(data, targets, archives)
    check_toolchains()
    for f in failures:
        print(f"FAIL {f}", file=sys.stderr)
    names = ", ".join(expected_asset(t) for t in targets)
    print(f"check_release_assets: {len(targets)} targets ({names}); {passed} checks passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
