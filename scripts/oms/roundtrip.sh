#!/usr/bin/env bash
# Live OMS interoperability round trip, run by .ci/run:
#   rampart signs  -> the reference `model-signing` package verifies;
#   model-signing signs -> rampart verifies;
#   tampered copies are rejected by both.
# Usage: scripts/oms/roundtrip.sh [path/to/rampart]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rampart="${1:-$repo/target/debug/rampart}"
venv="$repo/.venv-oms"
fx="$repo/crates/rampart-sign/tests/fixtures/oms"
if ! "$venv/bin/python" -c 'import model_signing' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$repo/scripts/oms/requirements.txt"
fi
py="$venv/bin/python"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
check() { # description, then the command; succeeds when the command does
  local what="$1"; shift
  if "$@" > "$work/out.txt" 2>&1; then
    passed=$((passed + 1)); echo "ok    $what"
  else
    failed=$((failed + 1)); echo "FAIL  $what"; sed 's/^/      /' "$work/out.txt"
  fi
}
reject() { # description, then a command that must fail
  local what="$1"; shift
  if "$@" > "$work/out.txt" 2>&1; then
    failed=$((failed + 1)); echo "FAIL  $what (was accepted)"
  else
    passed=$((passed + 1)); echo "ok    $what"
  fi
}
cp -r "$fx/models" "$work/models"
m="$work/models"

echo "== rampart signs, model-signing verifies"
for curve in p256 p384 p521; do
  "$rampart" sign "$m/tiny" --key "$fx/keys/$curve.pem" --signature "$work/tiny-$curve.sig" --no-progress >/dev/null
  check "key $curve, files/sha256" "$py" "$repo/scripts/oms/verify.py" "$m/tiny" "$work/tiny-$curve.sig" --key "$fx/keys/$curve.pub.pem"
done
"$rampart" sign "$m/sharded" --key "$fx/keys/p256.pem" --signature "$work/sharded.sig" --shard-size 1048576 --no-progress >/dev/null
check "shards of 1 MiB" "$py" "$repo/scripts/oms/verify.py" "$m/sharded" "$work/sharded.sig" --key "$fx/keys/p256.pub.pem"
for h in blake2b blake3; do
  "$rampart" sign "$m/tiny" --key "$fx/keys/p256.pem" --signature "$work/tiny-$h.sig" --hash "$h" --no-progress >/dev/null
  pyhash=$([ "$h" = blake2b ] && echo blake2 || echo blake3)
  check "files/$h" "$py" "$repo/scripts/oms/verify.py" "$m/tiny" "$work/tiny-$h.sig" --key "$fx/keys/p256.pub.pem" --hash "$pyhash"
done
"$rampart" sign "$m/tiny" --key "$fx/keys/p256.pem" --signature "$work/tiny-ignore.sig" --ignore-paths tokenizer --no-progress >/dev/null
check "ignore paths" "$py" "$repo/scripts/oms/verify.py" "$m/tiny" "$work/tiny-ignore.sig" --key "$fx/keys/p256.pub.pem"
"$rampart" sign "$m/with-symlink" --key "$fx/keys/p256.pem" --signature "$work/symlink.sig" --allow-symlinks --no-progress >/dev/null
check "symlinks allowed" "$py" "$repo/scripts/oms/verify.py" "$m/with-symlink" "$work/symlink.sig" --key "$fx/keys/p256.pub.pem" --allow-symlinks
"$rampart" sign "$m/tiny" --key "$fx/keys/p256-enc.pem" --passphrase-file "$fx/keys/passphrase.txt" --signature "$work/tiny-enc.sig" --no-progress >/dev/null
check "encrypted PKCS#8 key" "$py" "$repo/scripts/oms/verify.py" "$m/tiny" "$work/tiny-enc.sig" --key "$fx/keys/p256.pub.pem"
"$rampart" sign "$m/tiny" --key "$fx/keys/p256.pem" --certificate "$fx/keys/ca/leaf-p256.pem" --certificate-chain "$fx/keys/ca/intermediate.pem" --signature "$work/tiny-cert.sig" --no-progress >/dev/null
check "certificate chain" "$py" "$repo/scripts/oms/verify.py" "$m/tiny" "$work/tiny-cert.sig" --root "$fx/keys/ca/root.pem"
reject "certificate chain against another root" "$py" "$repo/scripts/oms/verify.py" "$m/tiny" "$work/tiny-cert.sig" --root "$fx/keys/ca/other-root.pem"
cp -r "$m/tiny" "$work/tampered"
printf 'x' >> "$work/tampered/config.json"
reject "tampered model (rampart signature)" "$py" "$repo/scripts/oms/verify.py" "$work/tampered" "$work/tiny-p256.sig" --key "$fx/keys/p256.pub.pem"
reject "wrong key (rampart signature)" "$py" "$repo/scripts/oms/verify.py" "$m/tiny" "$work/tiny-p256.sig" --key "$fx/keys/other-p256.pub.pem"

echo "== model-signing signs, rampart verifies"
for curve in p256 p384 p521; do
  "$py" "$repo/scripts/oms/sign.py" "$m/tiny" "$work/py-$curve.sig" --key "$fx/keys/$curve.pem" >/dev/null
  check "key $curve" "$rampart" verify "$m/tiny" --key "$fx/keys/$curve.pub.pem" --signature "$work/py-$curve.sig" --no-progress
done
"$py" "$repo/scripts/oms/sign.py" "$m/sharded" "$work/py-sharded.sig" --key "$fx/keys/p256.pem" --shard-size 1048576 >/dev/null
check "shards of 1 MiB" "$rampart" verify "$m/sharded" --key "$fx/keys/p256.pub.pem" --signature "$work/py-sharded.sig" --no-progress
"$py" "$repo/scripts/oms/sign.py" "$m/tiny" "$work/py-cert.sig" --key "$fx/keys/p256.pem" --cert "$fx/keys/ca/leaf-p256.pem" --chain "$fx/keys/ca/intermediate.pem" >/dev/null
check "certificate chain" "$rampart" verify "$m/tiny" --root "$fx/keys/ca/root.pem" --signature "$work/py-cert.sig" --no-progress
reject "tampered model (model-signing signature)" "$rampart" verify "$work/tampered" --key "$fx/keys/p256.pub.pem" --signature "$work/py-p256.sig" --no-progress

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
