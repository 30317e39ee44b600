#!/usr/bin/env python3
"""Verify a model signature with the Python reference (`model-signing`).

Used for interop tests: rampart signs -> Python verifies.

    verify.py MODEL_PATH SIG (--key PUB.pem | --root CERT.pem [--root ...])
              [--ignore PATH ...] [--no-ignore-git-paths] [--allow-symlinks]
              [--hash {sha256,blake2,blake3}] [--shard-size N] [--via-cli]

Key mode (--key) checks a public-key signed bundle; certificate mode
(--root/--cert-chain, repeatable) checks a bundle whose
verificationMaterial.x509CertificateChain chains up to one of the given
trusted certificates.

Hashing configuration: by default it is taken from the signature payload's
`predicate.serialization` (method, hash_type, shard_size, allow_symlinks),
which is what `model_signing.verifying.Config()` tries to do by itself when
no hashing config is set, but done correctly here (upstream 1.1.1 passes the
JSON float `shard_size` through and crashes, rejects its own hash_type
"blake2b", and drops `allow_symlinks`).
`--hash` / `--shard-size` force an explicit configuration instead.
`--allow-symlinks` forces symlinks on.  `--ignore` paths are relative to
MODEL_PATH.  The payload's own `ignore_paths` are always honoured (library
behaviour).

--via-cli runs the upstream `model_signing verify key|certificate` CLI
instead (file serialization, SHA-256 only: that CLI cannot verify sharded or
BLAKE signatures).  With --via-cli, --ignore is passed through, so it is
resolved against the *current directory* like the upstream CLI does.

Prints "Verification succeeded" and exits 0, or prints the reason and exits 1.
Usage errors exit 2.
"""

import argparse
import base64
import json
import pathlib
import subprocess
import sys


def read_serialization(sig_path: pathlib.Path) -> dict:
    """Reads predicate.serialization from the (not yet verified) bundle."""
    bundle = json.loads(sig_path.read_text(encoding="utf-8"))
    payload = json.loads(base64.b64decode(bundle["dsseEnvelope"]["payload"]))
    return payload.get("predicate", {}).get("serialization", {})


def build_hashing_config(args):
    import model_signing

    hcfg = model_signing.hashing.Config()
    if args.hash is not None or args.shard_size is not None:
        algo = args.hash or "sha256"
        if args.shard_size is not None:
            hcfg.use_shard_serialization(hashing_algorithm=algo,
                                         shard_size=args.shard_size)
        else:
            hcfg.use_file_serialization(hashing_algorithm=algo)
        allow_symlinks = args.allow_symlinks
    else:
        ser = read_serialization(args.signature)
        method = ser.get("method", "files")
        algo = ser.get("hash_type", "sha256")
        # The payload records the digest name ("blake2b"), the config API wants
        # "blake2" (upstream guessing fails on this too).
        algo = {"blake2b": "blake2"}.get(algo, algo)
        if method == "shards":
            shard_size = ser["shard_size"]
            if float(shard_size) != int(shard_size):
                raise ValueError(f"non-integral shard_size {shard_size!r}")
            hcfg.use_shard_serialization(hashing_algorithm=algo,
                                         shard_size=int(shard_size))
        elif method == "files":
            hcfg.use_file_serialization(hashing_algorithm=algo)
        else:
            raise ValueError(f"unknown serialization method {method!r}")
        allow_symlinks = args.allow_symlinks or bool(ser.get("allow_symlinks", False))

    hcfg.set_ignored_paths(paths=list(args.ignore),
                           ignore_git_paths=args.ignore_git_paths)
    hcfg.set_allow_symlinks(allow_symlinks)
    return hcfg


def verify_library(args) -> None:
    import model_signing

    cfg = model_signing.verifying.Config()
    if args.key is not None:
        cfg.use_elliptic_key_verifier(public_key=args.key)
    else:
        cfg.use_certificate_verifier(certificate_chain=args.root)
    cfg.set_hashing_config(build_hashing_config(args))
    cfg.verify(args.model_path, args.signature)


def verify_cli(args) -> int:
    exe = pathlib.Path(sys.executable).with_name("model_signing")
    cmd = [str(exe), "verify"]
    if args.key is not None:
        cmd += ["key", str(args.model_path), "--signature", str(args.signature),
                "--public_key", str(args.key)]
    else:
        cmd += ["certificate", str(args.model_path), "--signature", str(args.signature)]
        for r in args.root:
            cmd += ["--certificate_chain", str(r)]
    for p in args.ignore:
        cmd += ["--ignore-paths", p]
    if not args.ignore_git_paths:
        cmd.append("--no-ignore-git-paths")
    if args.allow_symlinks:
        cmd.append("--allow_symlinks")
    res = subprocess.run(cmd, capture_output=True, text=True)
    out = (res.stdout + res.stderr).strip()
    print(out)
    return 0 if res.returncode == 0 else 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model_path", type=pathlib.Path)
    ap.add_argument("signature", type=pathlib.Path)
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--key", type=pathlib.Path, help="EC public key PEM (SPKI)")
    mode.add_argument("--root", "--cert-chain", dest="root", type=pathlib.Path,
                      action="append",
                      help="trusted certificate(s) PEM for certificate mode (repeatable)")
    ap.add_argument("--ignore", action="append", default=[],
                    help="path to exclude, relative to MODEL_PATH (repeatable)")
    ap.add_argument("--no-ignore-git-paths", dest="ignore_git_paths",
                    action="store_false")
    ap.add_argument("--allow-symlinks", action="store_true")
    ap.add_argument("--hash", choices=["sha256", "blake2", "blake3"], default=None)
    ap.add_argument("--shard-size", type=int, default=None)
    ap.add_argument("--via-cli", action="store_true",
                    help="run the upstream model_signing CLI instead of the library")
    args = ap.parse_args(argv)

    if args.via_cli:
        if args.hash is not None or args.shard_size is not None:
            ap.error("--via-cli cannot select a hashing configuration")
        return verify_cli(args)

    try:
        verify_library(args)
    except Exception as err:  # noqa: BLE001 - report any failure
        print(f"Verification failed: {type(err).__name__}: {err}")
        return 1
    print("Verification succeeded")
    return 0


if __name__ == "__main__":
    sys.exit(main())
