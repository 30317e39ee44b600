#!/usr/bin/env python3
"""Generates the OMS interop fixtures under crates/rampart-sign/tests/fixtures/oms.

    gen_fixtures.py [--regen-keys] [--check-only]

* keys/   : generated once (kept if present, unless --regen-keys).
* models/ : regenerated deterministically every run (fixed pseudo-random bytes).
* sigs/   : re-signed every run (ECDSA signatures are randomized, so the bytes
            change; commit the result).  `models/with-sig/model.sig` likewise.
* MANIFEST.md : rewritten every run from the JOBS table below.
Then every signature is verified with verify.py, and tamper / wrong-key
checks are run on temporary copies (they must fail).

Must run inside the venv (.venv-oms/bin/python); gen_fixtures.sh does that.
"""

import argparse
import datetime
import hashlib
import json
import os
import pathlib
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent.parent
FIX = REPO / "crates" / "rampart-sign" / "tests" / "fixtures" / "oms"
PY = sys.executable
MS_CLI = str(pathlib.Path(sys.executable).with_name("model_signing"))
SIGN = str(HERE / "sign.py")
VERIFY = str(HERE / "verify.py")
PASSPHRASE = "rampart-oms-test"

# --------------------------------------------------------------------------
# keys and certificates
# --------------------------------------------------------------------------


def gen_keys() -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization as ser
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    kd = FIX / "keys"
    if kd.exists():
        shutil.rmtree(kd)
    (kd / "ca").mkdir(parents=True)

    def wpriv(key, name, fmt=ser.PrivateFormat.PKCS8, enc=ser.NoEncryption()):
        (kd / name).write_bytes(key.private_bytes(ser.Encoding.PEM, fmt, enc))

    def wpub(key, name):
        (kd / name).write_bytes(key.public_key().public_bytes(
            ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo))

    keys = {}
    for name, curve in [("p256", ec.SECP256R1()), ("p384", ec.SECP384R1()),
                        ("p521", ec.SECP521R1()), ("other-p256", ec.SECP256R1())]:
        k = ec.generate_private_key(curve)
        keys[name] = k
        wpriv(k, f"{name}.pem")
        wpub(k, f"{name}.pub.pem")
    # The same P-256 key in SEC1 ("EC PRIVATE KEY") and encrypted PKCS#8 form.
    wpriv(keys["p256"], "p256-sec1.pem", fmt=ser.PrivateFormat.TraditionalOpenSSL)
    wpriv(keys["p256"], "p256-enc.pem",
          enc=ser.BestAvailableEncryption(PASSPHRASE.encode()))
    (kd / "passphrase.txt").write_text(PASSPHRASE + "\n")

    # --- a small CA: root (P-384) -> intermediate (P-256) -> leaf (p256 key)
    nb = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
    na = datetime.datetime(2045, 1, 1, tzinfo=datetime.timezone.utc)

    def name(cn):
        return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "rampart tests"),
                          x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    def ca_cert(subject_key, subject, issuer_key, issuer, serial, path_len):
        b = (x509.CertificateBuilder()
             .subject_name(subject).issuer_name(issuer)
             .public_key(subject_key.public_key())
             .serial_number(serial).not_valid_before(nb).not_valid_after(na)
             .add_extension(x509.BasicConstraints(ca=True, path_length=path_len), critical=True)
             .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                          key_encipherment=False, data_encipherment=False,
                                          key_agreement=False, key_cert_sign=True,
                                          crl_sign=True, encipher_only=False,
                                          decipher_only=False), critical=True)
             .add_extension(x509.SubjectKeyIdentifier.from_public_key(subject_key.public_key()),
                            critical=False))
        if issuer_key is not subject_key:
            b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                issuer_key.public_key()), critical=False)
        return b.sign(issuer_key, hashes.SHA384() if isinstance(
            issuer_key.curve, ec.SECP384R1) else hashes.SHA256())

    def pem(cert):
        return cert.public_bytes(ser.Encoding.PEM)

    root_key = ec.generate_private_key(ec.SECP384R1())
    root = ca_cert(root_key, name("rampart test root CA"), root_key,
                   name("rampart test root CA"), 1001, 1)
    int_key = ec.generate_private_key(ec.SECP256R1())
    inter = ca_cert(int_key, name("rampart test intermediate CA"), root_key,
                    root.subject, 1002, 0)
    leaf = (x509.CertificateBuilder()
            .subject_name(name("rampart test model signer"))
            .issuer_name(inter.subject)
            .public_key(keys["p256"].public_key())
            .serial_number(1003).not_valid_before(nb).not_valid_after(na)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False,
                                         decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]),
                           critical=False)
            .add_extension(x509.SubjectAlternativeName(
                [x509.RFC822Name("signer@rampart.test")]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(
                keys["p256"].public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                int_key.public_key()), critical=False)
            .sign(int_key, hashes.SHA256()))
    other_key = ec.generate_private_key(ec.SECP256R1())
    other = ca_cert(other_key, name("unrelated root CA"), other_key,
                    name("unrelated root CA"), 2001, 1)

    ca = kd / "ca"
    wpriv(root_key, "ca/root.key.pem")
    wpriv(int_key, "ca/intermediate.key.pem")
    wpriv(other_key, "ca/other-root.key.pem")
    (ca / "root.pem").write_bytes(pem(root))
    (ca / "intermediate.pem").write_bytes(pem(inter))
    (ca / "leaf-p256.pem").write_bytes(pem(leaf))
    (ca / "other-root.pem").write_bytes(pem(other))


# --------------------------------------------------------------------------
# models (deterministic)
# --------------------------------------------------------------------------


def prng(seed: str, n: int) -> bytes:
    out = bytearray()
    ctr = 0
    while len(out) < n:
        out += hashlib.sha256(f"{seed}:{ctr}".encode()).digest()
        ctr += 1
    return bytes(out[:n])


def safetensors(seed: str) -> bytes:
    data = prng(seed, 64)  # 16 x f32
    header = json.dumps({"__metadata__": {"format": "pt"},
                         "w": {"dtype": "F32", "shape": [4, 4], "data_offsets": [0, 64]}},
                        separators=(",", ":")).encode()
    header += b" " * (-len(header) % 8)
    return struct.pack("<Q", len(header)) + header + data


CONFIG = json.dumps({"architectures": ["TinyModel"], "hidden_size": 4,
                     "model_type": "tiny", "vocab_size": 8}, indent=2) + "\n"
VOCAB = "".join(f"{t}\n" for t in ["[PAD]", "[UNK]", "hello", "world", "model",
                                    "sign", "ing", "!"])


def write(path: pathlib.Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)


def gen_models() -> None:
    md = FIX / "models"
    if md.exists():
        shutil.rmtree(md)

    t = md / "tiny"
    write(t / "config.json", CONFIG)
    write(t / "model.safetensors", safetensors("tiny"))
    write(t / "tokenizer" / "vocab.txt", VOCAB)
    # Ignored by the default git ignores (.git/, .gitattributes, .github/, .gitignore)
    write(t / ".gitattributes", "# rampart OMS fixture: excluded by the default git ignores\n")

    s = md / "with-symlink"
    write(s / "config.json", CONFIG)
    write(s / "model.safetensors", safetensors("with-symlink"))
    write(s / "sub" / "data.txt", "only reachable through sub/, never through sub-link/\n")
    os.symlink("model.safetensors", s / "link.bin")   # file symlink: hashed (target content)
    os.symlink("sub", s / "sub-link")                 # dir symlink: silently skipped by Python

    sh = md / "sharded"
    write(sh / "config.json", CONFIG)
    write(sh / "weights.bin", prng("sharded", 2 * 1048576 + 500000))  # 3 shards @ 1 MiB
    write(sh / "empty.txt", b"")  # present in file mode, absent in shard mode

    o = md / "ordering"  # sort order by path components, not by string
    for p in ["B.txt", "a.txt", "a/b.txt", "a/b/c.txt", "a-b/x.txt", "données.txt"]:
        write(o / p, f"ordering fixture: {p}\n")
    write(o / "f.bin", prng("ordering", 1050))  # 11 shards @ 100 bytes

    w = md / "with-sig"
    write(w / "config.json", CONFIG)
    write(w / "model.safetensors", safetensors("with-sig"))


# --------------------------------------------------------------------------
# signing jobs
# --------------------------------------------------------------------------

# Each job: (signature, description, argv (cwd = FIX), verify args for verify.py)
# argv[0] "CLI" = upstream model_signing CLI, "SIGN" = scripts/oms/sign.py.
JOBS = [
    ("sigs/tiny-p256.sig", "tiny, key P-256 (PKCS#8), files/sha256",
     ["CLI", "sign", "key", "models/tiny", "--private_key", "keys/p256.pem",
      "--signature", "sigs/tiny-p256.sig"],
     ["models/tiny", "--key", "keys/p256.pub.pem"]),
    ("sigs/tiny-p384.sig", "tiny, key P-384, files/sha256 (ECDSA-SHA384)",
     ["CLI", "sign", "key", "models/tiny", "--private_key", "keys/p384.pem",
      "--signature", "sigs/tiny-p384.sig"],
     ["models/tiny", "--key", "keys/p384.pub.pem"]),
    ("sigs/tiny-p521.sig", "tiny, key P-521, files/sha256 (ECDSA-SHA512)",
     ["CLI", "sign", "key", "models/tiny", "--private_key", "keys/p521.pem",
      "--signature", "sigs/tiny-p521.sig"],
     ["models/tiny", "--key", "keys/p521.pub.pem"]),
    ("sigs/tiny-p256-sec1.sig", "tiny, key P-256 given as SEC1 'EC PRIVATE KEY'",
     ["CLI", "sign", "key", "models/tiny", "--private_key", "keys/p256-sec1.pem",
      "--signature", "sigs/tiny-p256-sec1.sig"],
     ["models/tiny", "--key", "keys/p256.pub.pem"]),
    ("sigs/tiny-p256-enc.sig", "tiny, key P-256 given as encrypted PKCS#8 (library API: the "
     "1.1.1 CLI `--password` is broken, it passes a str where bytes are needed)",
     ["SIGN", "models/tiny", "sigs/tiny-p256-enc.sig", "--key", "keys/p256-enc.pem",
      "--password-file", "keys/passphrase.txt"],
     ["models/tiny", "--key", "keys/p256.pub.pem"]),
    ("sigs/tiny-ignore-p256.sig", "tiny, key P-256, ignoring tokenizer/ "
     "(CLI --ignore-paths is resolved against the cwd!)",
     ["CLI", "sign", "key", "models/tiny", "--private_key", "keys/p256.pem",
      "--ignore-paths", "models/tiny/tokenizer", "--signature", "sigs/tiny-ignore-p256.sig"],
     ["models/tiny", "--key", "keys/p256.pub.pem"]),
    ("sigs/tiny-nogit-p256.sig", "tiny, key P-256, --no-ignore-git-paths "
     "(.gitattributes is signed, no ignore_paths in payload)",
     ["CLI", "sign", "key", "models/tiny", "--private_key", "keys/p256.pem",
      "--no-ignore-git-paths", "--signature", "sigs/tiny-nogit-p256.sig"],
     ["models/tiny", "--key", "keys/p256.pub.pem", "--no-ignore-git-paths"]),
    ("sigs/symlink-p256.sig", "with-symlink, key P-256, --allow_symlinks",
     ["CLI", "sign", "key", "models/with-symlink", "--private_key", "keys/p256.pem",
      "--allow_symlinks", "--signature", "sigs/symlink-p256.sig"],
     ["models/with-symlink", "--key", "keys/p256.pub.pem", "--allow-symlinks"]),
    ("sigs/tiny-cert-p256.sig", "tiny, certificate mode: leaf (P-256 key) + intermediate "
     "in the bundle; verify with --root keys/ca/root.pem",
     ["CLI", "sign", "certificate", "models/tiny", "--private_key", "keys/p256.pem",
      "--signing_certificate", "keys/ca/leaf-p256.pem",
      "--certificate_chain", "keys/ca/intermediate.pem",
      "--signature", "sigs/tiny-cert-p256.sig"],
     ["models/tiny", "--root", "keys/ca/root.pem"]),
    ("sigs/single-file-p256.sig", "single-file model models/tiny/model.safetensors, key P-256",
     ["CLI", "sign", "key", "models/tiny/model.safetensors", "--private_key", "keys/p256.pem",
      "--signature", "sigs/single-file-p256.sig"],
     ["models/tiny/model.safetensors", "--key", "keys/p256.pub.pem"]),
    ("models/with-sig/model.sig", "with-sig, key P-256, CLI run inside the model dir with the "
     "default --signature model.sig (=> 'model.sig' appears in ignore_paths)",
     ["CLI@models/with-sig", "sign", "key", ".", "--private_key", "../../keys/p256.pem"],
     ["models/with-sig", "--key", "keys/p256.pub.pem"]),
    ("sigs/sharded-p256.sig", "sharded, key P-256, shards/sha256, shard_size 1048576 (library API)",
     ["SIGN", "models/sharded", "sigs/sharded-p256.sig", "--key", "keys/p256.pem",
      "--shard-size", "1048576"],
     ["models/sharded", "--key", "keys/p256.pub.pem"]),
    ("sigs/sharded-files-p256.sig", "sharded model in files mode (empty.txt is a resource here)",
     ["CLI", "sign", "key", "models/sharded", "--private_key", "keys/p256.pem",
      "--signature", "sigs/sharded-files-p256.sig"],
     ["models/sharded", "--key", "keys/p256.pub.pem"]),
    ("sigs/sharded-blake2-p256.sig", "sharded, key P-256, shards/blake2 (blake2b), shard_size 1048576",
     ["SIGN", "models/sharded", "sigs/sharded-blake2-p256.sig", "--key", "keys/p256.pem",
      "--hash", "blake2", "--shard-size", "1048576"],
     ["models/sharded", "--key", "keys/p256.pub.pem"]),
    ("sigs/tiny-blake2-p256.sig", "tiny, key P-256, files/blake2 (hash_type 'blake2b')",
     ["SIGN", "models/tiny", "sigs/tiny-blake2-p256.sig", "--key", "keys/p256.pem",
      "--hash", "blake2"],
     ["models/tiny", "--key", "keys/p256.pub.pem"]),
    ("sigs/tiny-blake3-p256.sig", "tiny, key P-256, files/blake3",
     ["SIGN", "models/tiny", "sigs/tiny-blake3-p256.sig", "--key", "keys/p256.pem",
      "--hash", "blake3"],
     ["models/tiny", "--key", "keys/p256.pub.pem"]),
    ("sigs/ordering-p256.sig", "ordering, key P-256, files/sha256 (component-wise sort, non-ASCII name)",
     ["CLI", "sign", "key", "models/ordering", "--private_key", "keys/p256.pem",
      "--signature", "sigs/ordering-p256.sig"],
     ["models/ordering", "--key", "keys/p256.pub.pem"]),
    ("sigs/ordering-shards-p256.sig", "ordering, key P-256, shards/sha256, shard_size 100 "
     "(f.bin has 11 shards: numeric start/end sort)",
     ["SIGN", "models/ordering", "sigs/ordering-shards-p256.sig", "--key", "keys/p256.pem",
      "--shard-size", "100"],
     ["models/ordering", "--key", "keys/p256.pub.pem"]),
]


def real_argv(argv):
    head, rest = argv[0], argv[1:]
    if head.startswith("CLI"):
        cwd = FIX / head.split("@", 1)[1] if "@" in head else FIX
        return [MS_CLI] + rest, cwd
    if head == "SIGN":
        return [PY, SIGN] + rest, FIX
    raise ValueError(head)


def shown_argv(argv):
    head, rest = argv[0], argv[1:]
    q = " ".join(rest)
    if head.startswith("CLI"):
        sub = head.split("@", 1)[1] if "@" in head else None
        pre = f"(cd {sub} && " if sub else ""
        return f"{pre}model_signing {q}{')' if sub else ''}"
    return f"python $REPO/scripts/oms/sign.py {q}"


def run(cmd, cwd, check=True):
    res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if check and res.returncode != 0:
        sys.exit(f"FAILED ({res.returncode}): {' '.join(map(str, cmd))}\n"
                 f"{res.stdout}{res.stderr}")
    return res


def sign_all() -> None:
    (FIX / "sigs").mkdir(exist_ok=True)
    for sig, _desc, argv, _v in JOBS:
        p = FIX / sig
        if p.exists():
            p.unlink()
        cmd, cwd = real_argv(argv)
        run(cmd, cwd)
        print(f"signed   {sig}")


def verify(model, sig, *extra, cwd=FIX):
    return run([PY, VERIFY, model, sig, *extra], cwd, check=False)


def verify_all() -> None:
    bad = 0
    for sig, _desc, _argv, vargs in JOBS:
        res = verify(vargs[0], sig, *vargs[1:])
        ok = res.returncode == 0
        bad += not ok
        print(f"verify   {sig}: {'OK' if ok else 'FAIL ' + res.stdout.strip()}")
        if not any(a in sig for a in ("sharded-p256", "shards", "blake")):
            # Also through the upstream CLI (it cannot do shards / blake).
            cli = verify(vargs[0], sig, *vargs[1:], "--via-cli")
            bad += cli.returncode != 0
            print(f"  via CLI: {cli.stdout.strip().splitlines()[-1]}")
    if bad:
        sys.exit(f"{bad} verification(s) failed")


NEGATIVE = []  # (name, stdout) filled by negative_checks, written to MANIFEST


def negative_checks() -> None:
    """Tampering etc. must fail; records the exact Python messages."""
    with tempfile.TemporaryDirectory() as td:
        td = pathlib.Path(td)

        def copy(name):
            dst = td / name
            if dst.exists():
                shutil.rmtree(dst)
            shutil.copytree(FIX / "models" / name, dst, symlinks=True)
            return dst

        def expect_fail(label, model, sig, *extra):
            res = verify(str(model), str(FIX / sig), *extra)
            out = res.stdout.strip().replace(str(td) + "/", "")
            if res.returncode == 0:
                sys.exit(f"negative check unexpectedly PASSED: {label}")
            NEGATIVE.append((label, out))
            print(f"negative {label}: rc={res.returncode} {out}")

        pub = str(FIX / "keys/p256.pub.pem")
        m = copy("tiny")
        data = bytearray((m / "config.json").read_bytes())
        data[0] ^= 1
        (m / "config.json").write_bytes(bytes(data))
        expect_fail("one byte of config.json changed", m, "sigs/tiny-p256.sig", "--key", pub)

        m = copy("tiny")
        (m / "extra.bin").write_bytes(b"x")
        expect_fail("file extra.bin added", m, "sigs/tiny-p256.sig", "--key", pub)

        m = copy("tiny")
        (m / "tokenizer" / "vocab.txt").unlink()
        expect_fail("file tokenizer/vocab.txt removed", m, "sigs/tiny-p256.sig", "--key", pub)

        m = copy("sharded")
        with open(m / "weights.bin", "r+b") as f:
            f.seek(1048576 + 7)
            b = f.read(1)
            f.seek(1048576 + 7)
            f.write(bytes([b[0] ^ 0x80]))
        expect_fail("one byte in the 2nd shard of weights.bin changed", m,
                    "sigs/sharded-p256.sig", "--key", pub)

        m = copy("tiny")
        expect_fail("wrong public key (other-p256)", m, "sigs/tiny-p256.sig",
                    "--key", str(FIX / "keys/other-p256.pub.pem"))
        expect_fail("P-384 signature checked with the P-256 key", m, "sigs/tiny-p384.sig",
                    "--key", pub)
        expect_fail("certificate chain checked against an unrelated root", m,
                    "sigs/tiny-cert-p256.sig", "--root", str(FIX / "keys/ca/other-root.pem"))
        expect_fail("certificate chain checked with only the intermediate as trust anchor",
                    m, "sigs/tiny-cert-p256.sig", "--root", str(FIX / "keys/ca/intermediate.pem"))
        expect_fail("signed with --no-ignore-git-paths, verified with the default git ignores",
                    m, "sigs/tiny-nogit-p256.sig", "--key", pub)

        # Tampered payload: re-encode a modified payload keeping the signature.
        import base64
        b = json.loads((FIX / "sigs/tiny-p256.sig").read_text())
        payload = base64.b64decode(b["dsseEnvelope"]["payload"])
        b["dsseEnvelope"]["payload"] = base64.b64encode(
            payload.replace(b'"name": "tiny"', b'"name": "tinY"')).decode()
        (td / "payload.sig").write_text(json.dumps(b))
        expect_fail("payload modified (subject name), signature kept", m,
                    str(td / "payload.sig"), "--key", pub)

        m = copy("with-symlink")
        expect_fail("symlink model without allow_symlinks (explicit config)", m,
                    "sigs/symlink-p256.sig", "--key", pub, "--hash", "sha256")
        expect_fail("symlink model via upstream CLI without --allow_symlinks", m,
                    "sigs/symlink-p256.sig", "--key", pub, "--via-cli")
        m = copy("sharded")
        expect_fail("sharded signature via upstream CLI (it always hashes files/sha256)", m,
                    "sigs/sharded-p256.sig", "--key", pub, "--via-cli")


def write_manifest() -> None:
    lines = [
        "# OMS interop fixtures (generated)",
        "",
        "Generated by `scripts/oms/gen_fixtures.sh` (which runs `scripts/oms/gen_fixtures.py` in",
        "`.venv-oms`) with **model-signing 1.1.1** (see `scripts/oms/requirements.txt`).",
        "Do not edit by hand. Format specification: `docs/oms-format.md`.",
        "",
        "All commands run from this directory (`crates/rampart-sign/tests/fixtures/oms`);",
        "`model_signing` is the upstream CLI (`.venv-oms/bin/model_signing`), `sign.py` the",
        "library-API wrapper (needed for sharding and BLAKE hashing, which the CLI cannot select).",
        "Every signature verifies with `scripts/oms/verify.py` (the \"verify\" column, also run",
        "from this directory).",
        "",
        "## Keys (`keys/`)",
        "",
        "| file | content |",
        "| --- | --- |",
        "| `p256.pem`, `p384.pem`, `p521.pem` | EC private keys, PKCS#8 PEM (`BEGIN PRIVATE KEY`) |",
        "| `p256.pub.pem`, `p384.pub.pem`, `p521.pub.pem` | SubjectPublicKeyInfo PEM (`BEGIN PUBLIC KEY`) |",
        "| `p256-sec1.pem` | the **same** P-256 key as SEC1 PEM (`BEGIN EC PRIVATE KEY`) |",
        "| `p256-enc.pem` | the **same** P-256 key as encrypted PKCS#8 (`BEGIN ENCRYPTED PRIVATE KEY`), passphrase in `passphrase.txt` (`%s`) |" % PASSPHRASE,
        "| `other-p256.pem`, `other-p256.pub.pem` | unrelated P-256 key pair (negative tests) |",
        "| `ca/root.pem` (+`.key.pem`) | self-signed root CA, P-384, CA:true pathlen 1, KU keyCertSign+cRLSign |",
        "| `ca/intermediate.pem` (+`.key.pem`) | intermediate CA, P-256, signed by root, CA:true pathlen 0 |",
        "| `ca/leaf-p256.pem` | leaf for the `p256` key, signed by intermediate; KU digitalSignature (critical), EKU codeSigning, SAN email signer@rampart.test |",
        "| `ca/other-root.pem` (+`.key.pem`) | unrelated self-signed root (negative tests) |",
        "",
        "Validity of all certificates: 2025-01-01 .. 2045-01-01 UTC.",
        "",
        "## Models (`models/`)",
        "",
        "| dir | content |",
        "| --- | --- |",
        "| `tiny/` | `config.json`, `model.safetensors` (valid 16xF32 safetensors), `tokenizer/vocab.txt`, `.gitattributes` (excluded by the default git ignores) |",
        "| `with-symlink/` | `config.json`, `model.safetensors`, `sub/data.txt`, `link.bin -> model.safetensors` (hashed as a file with the target's bytes), `sub-link -> sub` (directory symlink: silently skipped by Python 3.11) |",
        "| `sharded/` | `config.json`, `weights.bin` (2*1048576+500000 = 2597152 bytes: shards `0:1048576`, `1048576:2097152`, `2097152:2597152`), `empty.txt` (0 bytes: no shard at all in shard mode) |",
        "| `ordering/` | `B.txt`, `a.txt`, `a/b.txt`, `a/b/c.txt`, `a-b/x.txt`, `données.txt` (NFC), `f.bin` (1050 bytes = 11 shards of 100) |",
        "| `with-sig/` | `config.json`, `model.safetensors`, and `model.sig` signed from inside the directory |",
        "",
        "## Signatures",
        "",
        "| signature | what | command | verify (`python scripts/oms/verify.py ...`) |",
        "| --- | --- | --- | --- |",
    ]
    for sig, desc, argv, vargs in JOBS:
        v = " ".join([vargs[0], sig] + vargs[1:])
        lines.append(f"| `{sig}` | {desc} | `{shown_argv(argv)}` | `{v}` |")
    lines += [
        "",
        "`$REPO` is the repository root (`../../../../..` from here).",
        "",
        "## Negative checks (run by gen_fixtures.py on temporary copies; all must fail)",
        "",
        "Output of `verify.py` (paths relative to the temporary directory):",
        "",
    ]
    for label, out in NEGATIVE:
        lines += [f"- {label}:", "  ```", *["  " + l for l in out.splitlines()], "  ```"]
    (FIX / "MANIFEST.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--regen-keys", action="store_true")
    ap.add_argument("--check-only", action="store_true",
                    help="only verify the committed fixtures and run the negative checks")
    args = ap.parse_args()
    FIX.mkdir(parents=True, exist_ok=True)
    if not args.check_only:
        if args.regen_keys or not (FIX / "keys" / "p256.pem").exists():
            gen_keys()
        gen_models()
        sign_all()
    verify_all()
    negative_checks()
    if not args.check_only:
        write_manifest()
    print("all fixtures OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
