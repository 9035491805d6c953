"""The outside check of issue #20, as a user of the REST API would make it: on a freshly started
`yunpin run`, publish jobs through ``POST /api/v1/jobs`` and time until ``/jobs/?q=<title>``
lists each one. Uses only HTTP and the `yunpin users token` command, so it measures any version
of the code (docs/benchmarks.md: before and after).

    python tools/api_freshness.py --yunpin .venv/bin/yunpin --probes 20 [--pythonpath DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--yunpin", required=True)
    parser.add_argument("--probes", type=int, default=20)
    parser.add_argument("--every", type=float, default=1.0, help="seconds between two jobs")
    parser.add_argument("--pythonpath", default=None, help="run another checkout of the code")
    parser.add_argument("--give-up", type=float, default=120.0)
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="yunpin-api-freshness-")
    env = {**os.environ, "YUNPIN_INSTANCE": folder, "VIDEO_EMBEDDED_PORT": "0"}
    if args.pythonpath:
        env["PYTHONPATH"] = args.pythonpath
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(os.path.join(folder, "run.log"), "w")  # noqa: SIM115
    # The demo and a token first, so the probes can start the moment the first page is served;
    # `yunpin run` then starts with the demo's backlog still to do, as on a first `make run`.
    for command in (["db", "upgrade"], ["demo"]):
        subprocess.run(
            [args.yunpin, *command], env=env, cwd=folder, stdout=log, stderr=log, check=True
        )
    token = subprocess.run(
        [args.yunpin, "users", "token", "employer@yunpin.demo"],
        env=env,
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[-1]
    run = subprocess.Popen(
        [args.yunpin, "run", "--port", str(port)], env=env, stdout=log, stderr=log, cwd=folder
    )
    try:
        while True:
            try:
                urllib.request.urlopen(base + "/", timeout=5).read()
                break
            except OSError:
                time.sleep(0.05)
        first_page = time.monotonic()
        latencies, missing = [], 0
        for n in range(args.probes):
            title = f"接口岗位{n:03d}号 {int(time.time() * 1000) % 10**8}"
            body = json.dumps(
                {
                    "title": title,
                    "salary_min": 5000,
                    "salary_max": 8000,
                    "employment_type": "full_time",
                    "region_code": "420102",
                    "publish": True,
                    "confirm_duplicate": True,
                }
            ).encode()
            request = urllib.request.Request(
                base + "/api/v1/jobs",
                data=body,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            job_id = json.loads(urllib.request.urlopen(request, timeout=30).read())["id"]
            written = time.monotonic()
            if n == 0:
                first_write = written
            url = base + "/jobs/?" + urllib.parse.urlencode({"q": title})
            while time.monotonic() - written < args.give_up:
                if f'/jobs/{job_id}"' in urllib.request.urlopen(url, timeout=30).read().decode():
                    latencies.append((time.monotonic() - written) * 1000)
                    break
                time.sleep(0.05)
            else:
                missing += 1
            time.sleep(max(0.0, args.every - (time.monotonic() - written)))
        latencies.sort()
        pick = lambda p: round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))])  # noqa: E731
        print(
            json.dumps(
                {
                    "probes": args.probes,
                    "first_write_after_first_page_s": round(first_write - first_page, 1),
                    "found_p50_ms": pick(50) if latencies else None,
                    "found_p95_ms": pick(95) if latencies else None,
                    "found_max_ms": round(latencies[-1]) if latencies else None,
                    "not_found_in_time": missing,
                    "give_up_s": args.give_up,
                }
            )
        )
    finally:
        run.send_signal(signal.SIGTERM)
        try:
            run.wait(timeout=30)
        except subprocess.TimeoutExpired:
            run.kill()


if __name__ == "__main__":
    main()
