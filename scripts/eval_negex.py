#!/usr/bin/env python3
"""Measures `cac context` on the NegEx test kit: F1 of the negated and historical flags.

usage: scripts/eval_negex.py ../shared/data/negex/negex_dev.tsv [path/to/cac]
Each row (sentence, condition, negation status, temporality, experiencer) becomes one `cac context` line with the
condition as target; the flags cac returns are compared with the physician's labels:
  negated    <- negation_status == "Negated"
  historical <- temporality == "Historical"
Prints precision, recall and F1 per flag and the number of conditions not found in their sentence."""
import json
import subprocess
import sys


def f1(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> int:
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    cac = sys.argv[2] if len(sys.argv) == 3 else "target/release/cac"
    rows = []
    with open(sys.argv[1], encoding="utf-8") as f:
        next(f)
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 6:
                continue
            rows.append(cols)
    lines = "".join(json.dumps({"id": r[0], "text": r[2], "targets": [r[1]]}) + "\n" for r in rows)
    out = subprocess.run([cac, "context", "-"], input=lines, capture_output=True, text=True)
    answers = [json.loads(l) for l in out.stdout.splitlines()]
    if len(answers) != len(rows):
        print(f"expected {len(rows)} answers, got {len(answers)}: {out.stderr}", file=sys.stderr)
        return 1
    counts = {"negated": [0, 0, 0], "historical": [0, 0, 0]}
    missing = 0
    for r, a in zip(rows, answers):
        t = a["targets"][0]
        missing += not t["found"]
        gold = {"negated": r[3].strip() == "Negated", "historical": r[4].strip() == "Historical"}
        for flag in counts:
            got = bool(t[flag])
            if got and gold[flag]:
                counts[flag][0] += 1
            elif got:
                counts[flag][1] += 1
            elif gold[flag]:
                counts[flag][2] += 1
    print(f"NegEx test kit: {len(rows)} sentence/condition pairs ({missing} conditions not found in their sentence)")
    print(f"{'flag':<12} {'precision':>9} {'recall':>9} {'f1':>9} {'tp':>5} {'fp':>5} {'fn':>5}")
    for flag, (tp, fp, fn) in counts.items():
        p, r, f = f1(tp, fp, fn)
        print(f"{flag:<12} {p:>9.4f} {r:>9.4f} {f:>9.4f} {tp:>5} {fp:>5} {fn:>5}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
