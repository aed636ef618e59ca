#!/usr/bin/env python3
"""A Python client of the cac gRPC service: checks health, codes a note, sends a reviewer's decision on the first
suggestion and reads the acceptance figures back.

    PYTHONPATH=.deps/pyclient python3 examples/python_client.py --addr 127.0.0.1:50051 [--token TOKEN]

The stubs are generated at start from proto/cac/v1/coding.proto with grpc_tools (pinned in
examples/requirements.txt, installed by `make setup` into .deps/pyclient), so the client always speaks the contract
in this checkout. Exits 0 when every step gives what the contract promises, 1 otherwise, naming the step."""
import argparse
import hashlib
import importlib
import os
import sys
import tempfile

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_tools import protoc

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTE = ("ASSESSMENT AND PLAN:\n1. Acute on chronic systolic heart failure. Continue furosemide.\n"
        "2. Type 2 diabetes with diabetic CKD stage 3b.\nLabs: Na 128 mmol/L.\n")


def stubs():
    """Generates and imports the cac.v1 Python modules."""
    out = tempfile.mkdtemp(prefix="cac-stubs-")
    proto_dir = os.path.join(ROOT, "proto")
    include = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    rc = protoc.main(["protoc", f"-I{proto_dir}", f"-I{include}", f"--python_out={out}",
                      f"--grpc_python_out={out}", os.path.join(proto_dir, "cac", "v1", "coding.proto")])
    if rc != 0:
        sys.exit(f"protoc failed ({rc})")
    sys.path.insert(0, out)
    return importlib.import_module("cac.v1.coding_pb2"), importlib.import_module("cac.v1.coding_pb2_grpc")


def check(step, condition, detail=""):
    if not condition:
        print(f"FAILED {step}: {detail}")
        sys.exit(1)
    print(f"ok     {step}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addr", default="127.0.0.1:50051")
    parser.add_argument("--token", help="bearer token, when the server runs with --token-file")
    args = parser.parse_args()
    pb, rpc = stubs()
    metadata = [("authorization", f"Bearer {args.token}")] if args.token else []
    with grpc.insecure_channel(args.addr) as channel:
        grpc.channel_ready_future(channel).result(timeout=30)
        health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service="cac.v1.Coding"))
        check("health", health.status == health_pb2.HealthCheckResponse.SERVING, str(health))

        coding = rpc.CodingStub(channel)
        response = coding.CodeNote(
            pb.CodeNoteRequest(note_id="py-1", text=NOTE, setting=pb.SETTING_INPATIENT),
            metadata=metadata, timeout=30)
        codes = [c.code for c in response.codes]
        check("CodeNote echoes the note id", response.note_id == "py-1", response.note_id)
        check("CodeNote suggests I50.23, E11.22 and N18.32", {"I50.23", "E11.22", "N18.32"} <= set(codes), codes)
        first = response.codes[0]
        ev = first.evidence[0]
        check("evidence offsets count characters", NOTE[ev.begin:ev.end] == ev.text, (ev.begin, ev.end, ev.text))
        check("I50.23 is an MCC", any(c.code == "I50.23" and c.mcc for c in response.codes))
        check("the low sodium is a CDI gap", any(g.kind == "clinical_indicator" for g in response.gaps),
              [g.title for g in response.gaps])

        ack = coding.SubmitFeedback(pb.SubmitFeedbackRequest(
            note_id="py-1", note_sha256=hashlib.sha256(NOTE.encode()).hexdigest(), code=first.code,
            system=first.system, score=first.score, model_version=response.model_version,
            codeset=response.codeset, evidence=[pb.Span(begin=e.begin, end=e.end) for e in first.evidence],
            decision="accepted", reviewer_id="coder-py"), metadata=metadata, timeout=30)
        check("SubmitFeedback acknowledges with an id", ack.feedback_id > 0, ack)

        stats = coding.GetFeedbackStats(pb.GetFeedbackStatsRequest(), metadata=metadata, timeout=30)
        check("GetFeedbackStats counts the decision", stats.overall.accepted >= 1, stats)

        try:
            coding.CodeNote(pb.CodeNoteRequest(note_id="py-2", text="   "), metadata=metadata, timeout=30)
            check("an empty note is refused", False, "no error")
        except grpc.RpcError as e:
            check("an empty note is INVALID_ARGUMENT", e.code() == grpc.StatusCode.INVALID_ARGUMENT, e.code())
    print("python client: all checks passed")


if __name__ == "__main__":
    main()
