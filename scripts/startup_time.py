"""Start-up to SERVING: starts `cac serve` RUNS times (pinned to one core with taskset when CORE is given) and
times each from the process start until grpc.health.v1 reports cac.v1.Coding SERVING.

    PYTHONPATH=.deps/pyclient python3 scripts/startup_time.py [RUNS] [CORE]

Uses the grpcio packages `make setup` installs for the Python client example.
"""
import subprocess
import sys
import tempfile
import time

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

ADDR = "127.0.0.1:50798"


def one(core):
    with tempfile.TemporaryDirectory() as tmp:
        cmd = ["./target/release/cac", "serve", "--addr", ADDR, "--feedback-db", f"{tmp}/feedback.sqlite3"]
        if core is not None:
            cmd = ["taskset", "-c", core] + cmd
        started = time.monotonic()
        server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with grpc.insecure_channel(ADDR) as channel:
                health = health_pb2_grpc.HealthStub(channel)
                while True:
                    if server.poll() is not None:
                        sys.exit(f"cac serve exited with {server.returncode}")
                    try:
                        r = health.Check(health_pb2.HealthCheckRequest(service="cac.v1.Coding"), timeout=0.2)
                        if r.status == health_pb2.HealthCheckResponse.SERVING:
                            return time.monotonic() - started
                    except grpc.RpcError:
                        time.sleep(0.005)
        finally:
            server.terminate()
            server.wait()


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    core = sys.argv[2] if len(sys.argv) > 2 else None
    times = sorted(one(core) for _ in range(runs))
    print("start-up to SERVING, s:", " ".join(f"{t:.2f}" for t in times), f"(median {times[len(times) // 2]:.2f})")


if __name__ == "__main__":
    main()
