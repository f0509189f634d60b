#!/usr/bin/env python3
"""Audit benchmark (not a test).

Offline: synthetic estates (scripts/estate_snapshot.py) of SCALE × (1,000 VPCs, 10,000
instances, 100 private APIs), in three shapes — spread over 10 account-regions per
scale, all in one account-region (peered), all in one account-region on a transit
gateway hub; any of them `+domains` (each API also behind a private custom domain name,
which each client calls too: twice the paths) — audited with `privpath audit --snapshot`: process wall time and peak
memory (GNU time), for the table and for JSON, and each doubling's time ratio.

Live: the seed architecture in ACCOUNTS × REGIONS account-regions of moto, behind a
loopback proxy adding L ms to every request; `privpath audit --accounts … --role-name …
--regions …` against the same thing done one request after another (boto3, as an AWS
CLI script would).

    .venv/bin/python scripts/bench_audit.py [--shapes spread,one,tgw,one+domains] [--scales 1,2,4,10] [--live-regions 10] [--latency 100]

Everything binds 127.0.0.1 and stops when the script ends.
"""
import argparse
import importlib.util
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = ROOT / ".venv/bin/python"
BIN = ROOT / "target/release/privpath"
ENV = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_EC2_METADATA_DISABLED="true")
ENV.pop("AWS_PROFILE", None)
ENV.pop("AWS_ENDPOINT_URL", None)
REGIONS = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-central-1",
           "ap-southeast-1", "ap-southeast-2", "eu-west-3"]


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def timed(args):
    """(wall seconds, peak RSS in MB, exit status) of one run, by GNU time."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        start = time.perf_counter()
        out = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", t.name] + args, env=ENV,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - start
        rss_kb = int(Path(t.name).read_text().strip().splitlines()[-1])
    return wall, rss_kb / 1024, out.returncode


def offline(shapes, scales, runs):
    print(f"{'shape':>12} {'scale':>5} {'scopes':>6} {'VPCs':>7} {'instances':>9} {'APIs':>5} {'paths':>7} {'MB file':>8} "
          f"{'table s':>8} {'table MB':>9} {'json s':>7} {'json MB':>8} {'x time':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        for shape in shapes:
            previous = None
            for scale in scales:
                f = Path(tmp) / f"estate-{shape}-{scale}.json"
                # `SHAPE+domains`: each API has a private custom domain name too (twice the paths).
                base, _, extra = shape.partition("+")
                flags = ["--domains"] if extra == "domains" else []
                subprocess.run([sys.executable, str(ROOT / "scripts/estate_snapshot.py"), "--shape", base, "--scale",
                                str(scale), *flags, "-o", str(f)], check=True, stderr=subprocess.DEVNULL)
                table = [timed([str(BIN), "audit", "--snapshot", str(f), "-q"]) for _ in range(runs)]
                # The headline wraps to the width: read its words.
                head = " ".join(subprocess.run([str(BIN), "audit", "--snapshot", str(f), "-q"], env=ENV,
                                               capture_output=True, text=True).stdout.split())
                paths = int(re.search(r"\((\d+) path", head).group(1))
                out = Path(tmp) / "out.json"
                json_runs = [timed([str(BIN), "audit", "--snapshot", str(f), "-q", "--format", "json", "--output",
                                    str(out)]) for _ in range(runs)]
                out.unlink()
                med = lambda xs, i: statistics.median(x[i] for x in xs)
                ratio = f"{med(table, 0) / previous[1]:>7.2f}" if previous and scale == 2 * previous[0] else f"{'-':>7}"
                previous = (scale, med(table, 0))
                scopes = scale * 10 if base == "spread" else 1
                print(f"{shape:>12} {scale:>5} {scopes:>6} {scale * 1000:>7} {scale * 10000:>9} {scale * 100:>5} {paths:>7} "
                      f"{f.stat().st_size / 1e6:>8.1f} {med(table, 0):>8.2f} {med(table, 1):>9.0f} "
                      f"{med(json_runs, 0):>7.2f} {med(json_runs, 1):>8.0f} {ratio}", flush=True)
                f.unlink()


def live(regions, latency, runs):
    bench_live = load("bench_live", ROOT / "scripts/bench_live.py")
    scenario = load("scenario", ROOT / "tests/e2e/scenario.py")
    moto, port = bench_live.start_moto()
    try:
        url = f"http://127.0.0.1:{port}"
        import urllib.request
        urllib.request.urlopen(urllib.request.Request(url + "/moto-api/reset", method="POST")).read()
        accounts = [scenario.API_ACCOUNT, scenario.CLIENT_ACCOUNT]
        scopes = [(a, r) for a in accounts for r in REGIONS[:regions]]
        start = time.perf_counter()
        for account, region in scopes:
            c = scenario.clients(url, region, account)
            scenario.seed(c, c)
        print(f"seeded {len(scopes)} account-regions in {time.perf_counter() - start:.1f} s")
        proxy = bench_live.DelayProxy(port)
        proxy.delay = latency / 1000
        purl = f"http://127.0.0.1:{proxy.port}"
        args = [str(BIN), "audit", "--region", "us-east-1", "--endpoint-url", purl, "--accounts", ",".join(accounts),
                "--role-name", "estate-reader", "--regions", ",".join(REGIONS[:regions]), "--format", "json", "--verbose"]
        walls, calls, waves = [], 0, 0
        for _ in range(runs):
            t0 = time.perf_counter()
            out = subprocess.run(args, env=ENV, capture_output=True, text=True)
            walls.append(time.perf_counter() - t0)
            report = json.loads(out.stdout)
            calls = report["summary"]["aws_calls"]
            waves = max(int(w) for w in re.findall(r"wave (\d+):", out.stderr))
            paths = sum(1 for t in report["targets"] if t["path"] is not None)
        seq = []
        for _ in range(runs):
            seq.append(sequential(purl, scopes))
        p, s = statistics.median(walls), statistics.median(seq)
        print(f"live audit of {len(scopes)} account-regions at {latency} ms: {calls} calls, at most {waves} waves "
              f"per account-region, {paths} paths: privpath {p:.2f} s; the same reads one after another {s:.2f} s "
              f"({s / p:.1f}x)")
    finally:
        moto.kill()


def sequential(url, scopes):
    """The discovery privpath makes, one request after another, as a script would."""
    import boto3
    start = time.perf_counter()
    for account, region in scopes:
        kw = dict(endpoint_url=url, region_name=region, aws_access_key_id="testing", aws_secret_access_key="testing")
        creds = boto3.client("sts", **kw).assume_role(RoleArn=f"arn:aws:iam::{account}:role/estate-reader",
                                                      RoleSessionName="bench")["Credentials"]
        kw.update(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                  aws_session_token=creds["SessionToken"])
        ec2, apigw, ssm, iam, lam, rds = (boto3.client(s, **kw) for s in ("ec2", "apigateway", "ssm", "iam", "lambda", "rds"))
        apis = apigw.get_rest_apis()["items"]
        ec2.describe_vpc_endpoints()
        peerings = ec2.describe_vpc_peering_connections()["VpcPeeringConnections"]
        plans = apigw.get_usage_plans()["items"]
        apigw.get_api_keys()
        rds.describe_db_instances()
        ssm.describe_instance_information()
        iam.get_account_authorization_details(Filter=["Role", "LocalManagedPolicy"])
        vpcs = sorted({p[side]["VpcId"] for p in peerings for side in ("RequesterVpcInfo", "AccepterVpcInfo")})
        for api in apis:
            stages = apigw.get_stages(restApiId=api["id"])["item"]
            resources = apigw.get_resources(restApiId=api["id"], embed=["methods"])["items"]
            for s in stages:
                apigw.get_deployment(restApiId=api["id"], deploymentId=s["deploymentId"], embed=["apisummary"])
            for r in resources:
                for m in r.get("resourceMethods", {}).values():
                    uri = m.get("methodIntegration", {}).get("uri", "")
                    if "/functions/" in uri:
                        fn = uri.split("/functions/", 1)[1].rsplit("/invocations", 1)[0]
                        lam.get_function_configuration(FunctionName=fn)
                        lam.get_policy(FunctionName=fn.rsplit(":", 1)[-1])
        for plan in plans:
            apigw.get_usage_plan_keys(usagePlanId=plan["id"])
        f = [{"Name": "vpc-id", "Values": vpcs}]
        for call in (ec2.describe_vpcs, ec2.describe_subnets, ec2.describe_route_tables, ec2.describe_security_groups,
                     ec2.describe_network_acls, ec2.describe_instances):
            call(Filters=f)
        for vpc in vpcs:
            for attribute in ("enableDnsSupport", "enableDnsHostnames"):
                ec2.describe_vpc_attribute(VpcId=vpc, Attribute=attribute)
    return time.perf_counter() - start


def main():
    global BIN
    parser = argparse.ArgumentParser()
    parser.add_argument("--shapes", default="spread,one,tgw")
    parser.add_argument("--scales", default="1,2,4,10")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--live-regions", type=int, default=10, help="regions per account (two accounts); 0: no live part")
    parser.add_argument("--latency", type=int, default=100)
    parser.add_argument("--bin", default=str(BIN))
    args = parser.parse_args()
    BIN = Path(args.bin)
    if not BIN.exists():
        sys.exit(f"{BIN} not found: build first (cargo build --release)")
    print(f"binary: {BIN}")
    if args.scales:
        offline(args.shapes.split(","), [int(s) for s in args.scales.split(",")], args.runs)
    if args.live_regions:
        live(args.live_regions, args.latency, args.runs)


if __name__ == "__main__":
    main()
