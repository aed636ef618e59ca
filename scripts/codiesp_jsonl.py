#!/usr/bin/env python3
"""Writes a CodiEsp split as cac batch input: one {"id", "text", "setting"} line per case report.

usage: scripts/codiesp_jsonl.py ../shared/data/codiesp/dev > dev.jsonl
The corpus stays where it is (../shared/data); this only reads it. CodiEsp case reports describe hospital
stays, so the setting is inpatient."""
import json
import os
import sys


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    folder = os.path.join(sys.argv[1], "text_files_en")
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".txt"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            text = f.read()
        print(json.dumps({"id": name[:-4], "text": text, "setting": "inpatient"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
