#!/usr/bin/env python3
"""Live-collection benchmark (not a test): privpath against the emulator, through a
loopback proxy that delays every request by L ms, compared in the same run with the
sequential equivalent a user would script (the same reads, one after another, boto3).

    .venv/bin/python scripts/bench_live.py [--latencies 0,25,50,100] [--runs 3]

Expectation: privpath's wall time ≈ waves × L; the sequential script's ≈ calls × L.
`--layouts same,cross-account,cross-both` then reseeds the path with its client side in
another account and/or region (tests/e2e/scenario.py) and runs privpath with the
matching --client-* options at the largest latency: a path across accounts should take
the same waves, plus the client side's session setup (an sts:AssumeRole) in parallel.
`--domain` then reseeds the path with its private custom domain name and times
`--domain-name` with `--api-id` (the domain's reads in the same waves) and without it
(two round trips first: the mapping names the API).
`--jitter 50-250` (with `--seed`) gives every request its own latency, drawn uniformly
from the range by a hash of the seed and the request (its request line and body, not
its signed headers), so a request takes as long in every run: then the declared graph
of reads (each read starts when its inputs arrive) is timed beside the same reads in
waves (`PRIVPATH_SCHEDULE=waves`: a wave starts when the last request of the one before
has answered), alternately, on the same seed, for the seed path and the cross-account
layout (the most dependent reads).
Everything binds 127.0.0.1 and stops when the script ends.
"""
import argparse
import asyncio
import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parent.parent
PY = ROOT / ".venv/bin/python"
BIN = ROOT / "target/release/privpath"
ENV = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_EC2_METADATA_DISABLED="true")
ENV.pop("AWS_PROFILE", None)
ENV.pop("AWS_ENDPOINT_URL", None)


class DelayProxy:
    """TCP proxy on 127.0.0.1 that forwards each client→server chunk `delay` seconds
    after it arrived (order kept, chunks in flight overlap): one added round trip of
    latency per request, as a remote region would add."""

    def __init__(self, upstream_port):
        self.upstream_port = upstream_port
        self.delay = 0.0
        # (low, high, seed) in seconds: each request's own latency (see delay_of).
        self.jitter = None
        self.loop = asyncio.new_event_loop()
        self.port = None
        ready = threading.Event()
        threading.Thread(target=self._run, args=(ready,), daemon=True).start()
        ready.wait()

    def _run(self, ready):
        asyncio.set_event_loop(self.loop)

        async def start():
            server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
            self.port = server.sockets[0].getsockname()[1]
            ready.set()

        self.loop.run_until_complete(start())
        self.loop.run_forever()

    async def _handle(self, client_reader, client_writer):
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        queue = asyncio.Queue()

        async def receive():
            due = 0.0
            while data := await client_reader.read(65536):
                # Chunks of one connection keep their order: never due before the last.
                due = max(due, time.monotonic() + self.delay_of(data))
                await queue.put((due, data))
            await queue.put((0, b""))

        async def forward():
            while True:
                due, data = await queue.get()
                if not data:
                    break
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                up_writer.write(data)
                await up_writer.drain()
            up_writer.close()

        async def back():
            while data := await up_reader.read(65536):
                client_writer.write(data)
                await client_writer.drain()
            client_writer.close()

        await asyncio.gather(receive(), forward(), back(), return_exceptions=True)

    def delay_of(self, data):
        """The fixed delay, or the request's own: a hash of the seed, the request line
        and the body picks it from the range, the same in every run."""
        if self.jitter is None:
            return self.delay
        low, high, seed = self.jitter
        head, _, body = data.partition(b"\r\n\r\n")
        line = head.split(b"\r\n", 1)[0]
        digest = hashlib.sha256(f"{seed}\n".encode() + line + b"\n" + body).digest()
        return low + (high - low) * int.from_bytes(digest[:8], "big") / 2**64


def start_moto():
    proc = subprocess.Popen([str(PY), str(ROOT / "tests/e2e/moto_server.py"), "0"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    port = int(proc.stdout.readline().split()[1])
    return proc, port


def client_options(layout, ids):
    out = []
    if layout in ("cross-account", "cross-both"):
        out += ["--client-role-arn", ids["client_role"]]
    if layout in ("cross-region", "cross-both"):
        out += ["--client-region", ids["client_region"]]
    return out


def privpath_run(url, ids, layout="same", domain=None, api_id=True, schedule=None):
    start = time.perf_counter()
    target = (["--api-id", ids["api_id"]] if api_id else []) + (["--domain-name", domain] if domain else [])
    env = dict(ENV, PRIVPATH_SCHEDULE=schedule) if schedule else ENV
    out = subprocess.run([str(BIN), "check", *target, "--instance-id", ids["instance_id"], "--region", "us-east-1",
                          "--endpoint-url", url, "--format", "json", "--verbose"] + client_options(layout, ids),
                         env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    m = re.search(r"(\d+) AWS call\(s\) in (\d+) wave\(s\)", out.stderr)
    return wall, int(m.group(1)), int(m.group(2))


def config_run(url, ids, targets, tmp):
    """One run over a privpath.toml naming the same path `targets` times."""
    config = Path(tmp) / f"bench-{targets}.toml"
    config.write_text("[defaults]\nregion = \"us-east-1\"\n" + "".join(
        f'[targets.t{i}]\napi = "{ids["api_id"]}"\ninstance = "{ids["instance_id"]}"\n' for i in range(targets)))
    start = time.perf_counter()
    out = subprocess.run([str(BIN), "check", "--config", str(config), "--endpoint-url", url, "--format", "json"],
                         env=ENV, capture_output=True, text=True)
    wall = time.perf_counter() - start
    calls = json.loads(out.stdout)["summary"]["aws_calls"]
    return wall, calls


def sequential_run(url, ids):
    """The same reads privpath makes, one after another, as a script would."""
    kw = dict(endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
    ec2, ssm, apigw, iam, lam, rds = (boto3.client(s, **kw) for s in ("ec2", "ssm", "apigateway", "iam", "lambda", "rds"))
    start = time.perf_counter()
    inst = ec2.describe_instances(Filters=[{"Name": "instance-id", "Values": [ids["instance_id"]]}])["Reservations"][0]["Instances"][0]
    api = apigw.get_rest_api(restApiId=ids["api_id"])
    ssm.describe_instance_information(Filters=[{"Key": "InstanceIds", "Values": [ids["instance_id"]]}])
    stages = apigw.get_stages(restApiId=ids["api_id"])["item"]
    resources = apigw.get_resources(restApiId=ids["api_id"], embed=["methods"])["items"]
    plans = apigw.get_usage_plans()["items"]
    apigw.get_api_keys()
    rds.describe_db_instances()
    apigw.get_deployment(restApiId=ids["api_id"], deploymentId=stages[0]["deploymentId"], embed=["apisummary"])
    for plan in plans:
        apigw.get_usage_plan_keys(usagePlanId=plan["id"])
    uri = next(m["methodIntegration"]["uri"] for r in resources for m in r.get("resourceMethods", {}).values())
    fn_arn = uri.split("/functions/", 1)[1].rsplit("/invocations", 1)[0]
    fn = lam.get_function_configuration(FunctionName=fn_arn)
    lam.get_policy(FunctionName=fn["FunctionName"])
    vpc_a = inst["VpcId"]
    ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_a]}])
    eps = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-endpoint-id", "Values": api["endpointConfiguration"]["vpcEndpointIds"]}])["VpcEndpoints"]
    ec2.describe_vpc_peering_connections(Filters=[{"Name": "requester-vpc-info.vpc-id", "Values": [vpc_a]}])
    ec2.describe_vpc_peering_connections(Filters=[{"Name": "accepter-vpc-info.vpc-id", "Values": [vpc_a]}])
    profile = iam.get_instance_profile(InstanceProfileName=inst["IamInstanceProfile"]["Arn"].rsplit("/", 1)[1])["InstanceProfile"]
    vpcs = sorted({vpc_a} | {e["VpcId"] for e in eps})
    for vpc in vpcs:
        for attribute in ("enableDnsSupport", "enableDnsHostnames"):
            ec2.describe_vpc_attribute(VpcId=vpc, Attribute=attribute)
    f = [{"Name": "vpc-id", "Values": vpcs}]
    ec2.describe_vpcs(Filters=f)
    ec2.describe_subnets(Filters=f)
    ec2.describe_route_tables(Filters=f)
    ec2.describe_security_groups(Filters=f)
    ec2.describe_network_acls(Filters=f)
    for role in (profile["Roles"][0]["RoleName"], fn["Role"].rsplit("/", 1)[1]):
        iam.list_attached_role_policies(RoleName=role)
        for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
            iam.get_role_policy(RoleName=role, PolicyName=name)
    return time.perf_counter() - start


def jittered(url, port, runs, low, high, seed):
    """The graph against the waves, alternately, on the same per-request latencies."""
    print(f"each request delayed {low}-{high} ms (uniform, seed {seed}); median of {runs} runs each")
    print(f"{'layout':<15} {'calls':>6} {'depth':>6} {'graph (ms)':>11} {'waves (ms)':>11} {'saved':>7}")
    for layout in ("same", "cross-account"):
        seeded = subprocess.run([str(PY), str(ROOT / "tests/e2e/scenario.py"), "--endpoint", f"http://127.0.0.1:{port}",
                                 "--layout", layout], capture_output=True, text=True, check=True)
        ids = json.loads(seeded.stdout)
        graph, waves = [], []
        for _ in range(runs):
            wall, calls, depth = privpath_run(url, ids, layout)
            graph.append(wall)
            wall, calls_w, depth_w = privpath_run(url, ids, layout, schedule="waves")
            waves.append(wall)
            assert (calls, depth) == (calls_w, depth_w), "both orders make the same reads"
        g, w = statistics.median(graph) * 1e3, statistics.median(waves) * 1e3
        print(f"{layout:<15} {calls:>6} {depth:>6} {g:>11.1f} {w:>11.1f} {100 * (w - g) / w:>6.1f}%")


def main():
    global BIN
    parser = argparse.ArgumentParser()
    parser.add_argument("--latencies", default="0,25,50,100")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--targets", default="1,3", help="config runs with this many live targets, at the largest latency")
    parser.add_argument("--bin", default=str(BIN), help="privpath binary (default: the release build)")
    parser.add_argument("--domain", action="store_true", help="also time a path through a private custom domain name")
    parser.add_argument("--layouts", default="", help="also time these client layouts (scenario.py --layout) at the largest latency")
    parser.add_argument("--jitter", default="", help="LOW-HIGH ms: only compare the graph with waves, each request's latency drawn from the range")
    parser.add_argument("--seed", type=int, default=7, help="seed of --jitter's draws")
    args = parser.parse_args()
    BIN = Path(args.bin)
    if not BIN.exists():
        sys.exit(f"{BIN} not found: build first (cargo build --release)")
    print(f"binary: {BIN}")
    moto, port = start_moto()
    try:
        seeded = subprocess.run([str(PY), str(ROOT / "tests/e2e/scenario.py"), "--endpoint", f"http://127.0.0.1:{port}"],
                                capture_output=True, text=True, check=True)
        ids = json.loads(seeded.stdout)
        proxy = DelayProxy(port)
        url = f"http://127.0.0.1:{proxy.port}"
        if args.jitter:
            low, high = (int(x) for x in args.jitter.split("-"))
            proxy.jitter = (low / 1000, high / 1000, args.seed)
            jittered(url, port, args.runs, low, high, args.seed)
            return
        print(f"{'latency':>8} {'calls':>6} {'waves':>6} {'privpath (ms)':>14} {'waves×L (ms)':>13} {'sequential (ms)':>16} {'calls×L (ms)':>13} {'speed-up':>9}")
        for latency in [int(x) for x in args.latencies.split(",")]:
            proxy.delay = latency / 1000
            privpath_runs, seq_runs = [], []
            for _ in range(args.runs):
                wall, calls, waves = privpath_run(url, ids)
                privpath_runs.append(wall)
                seq_runs.append(sequential_run(url, ids))
            p, s = statistics.median(privpath_runs) * 1e3, statistics.median(seq_runs) * 1e3
            print(f"{latency:>6}ms {calls:>6} {waves:>6} {p:>14.1f} {waves * latency:>13} {s:>16.1f} {calls * latency:>13} {s / p:>8.1f}x")
        # Targets of one config are collected at the same time: K targets should take
        # about as long as one, not K times as long.
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            for k in [int(x) for x in args.targets.split(",")]:
                walls, calls = [], 0
                for _ in range(args.runs):
                    wall, calls = config_run(url, ids, k, tmp)
                    walls.append(wall)
                print(f"config with {k} live target(s) at {latency} ms: {statistics.median(walls) * 1e3:.1f} ms, {calls} AWS calls")
        for layout in [x for x in args.layouts.split(",") if x]:
            seeded = subprocess.run([str(PY), str(ROOT / "tests/e2e/scenario.py"), "--endpoint", f"http://127.0.0.1:{port}",
                                     "--layout", layout], capture_output=True, text=True, check=True)
            ids = json.loads(seeded.stdout)
            walls = []
            for _ in range(args.runs):
                wall, calls, waves = privpath_run(url, ids, layout)
                walls.append(wall)
            print(f"layout {layout:<14} at {latency} ms: {calls} calls in {waves} waves, {statistics.median(walls) * 1e3:.1f} ms")
        if args.domain:
            seeded = subprocess.run([str(PY), str(ROOT / "tests/e2e/scenario.py"), "--endpoint", f"http://127.0.0.1:{port}",
                                     "--with-domain"], capture_output=True, text=True, check=True)
            ids = json.loads(seeded.stdout)
            for label, domain, api_id in (("no domain", None, True), ("--domain-name --api-id", ids["domain"], True),
                                          ("--domain-name alone", ids["domain"], False)):
                walls = []
                for _ in range(args.runs):
                    wall, calls, waves = privpath_run(url, ids, domain=domain, api_id=api_id)
                    walls.append(wall)
                print(f"{label:<24} at {latency} ms: {calls} calls in {waves} waves, {statistics.median(walls) * 1e3:.1f} ms")
    finally:
        moto.kill()


if __name__ == "__main__":
    main()
