#!/usr/bin/env python3
"""Sign a model with the Python reference implementation (`model-signing`).

Used for interop tests: Python signs -> rampart verifies.

    sign.py MODEL_PATH SIG --key PRIV.pem [--password PW | --password-file F]
            [--cert LEAF.pem [--chain CERT.pem ...]]
            [--ignore PATH ...] [--no-ignore-git-paths] [--allow-symlinks]
            [--hash {sha256,blake2,blake3}] [--shard-size N]

Semantics mirror the `model_signing sign key|certificate` CLI, except:
  * `--ignore` paths are relative to MODEL_PATH (library semantics), not to
    the current directory (the upstream CLI resolves them against the cwd);
  * hashing algorithm / sharding can be chosen (the upstream CLI cannot).
As in the upstream CLI, SIG is added to the ignored paths when it lies inside
MODEL_PATH.

Exit status: 0 on success, 1 on failure (reason on stderr), 2 on usage error.
Run inside the venv: .venv-oms/bin/python scripts/oms/sign.py ...
"""

import argparse
import pathlib
import sys


def build_hashing_config(args, model_path: pathlib.Path, sig_path: pathlib.Path):
    import model_signing

    hcfg = model_signing.hashing.Config()
    if args.shard_size is not None:
        hcfg.use_shard_serialization(
            hashing_algorithm=args.hash, shard_size=args.shard_size
        )
    else:
        hcfg.use_file_serialization(hashing_algorithm=args.hash)

    ignored = list(args.ignore)
    # Mirror the CLI: a signature written inside the model is not signed.
    try:
        rel = sig_path.resolve().relative_to(model_path.resolve())
        ignored.append(str(rel))
    except ValueError:
        pass
    hcfg.set_ignored_paths(paths=ignored, ignore_git_paths=args.ignore_git_paths)
    hcfg.set_allow_symlinks(args.allow_symlinks)
    return hcfg


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model_path", type=pathlib.Path)
    ap.add_argument("signature", type=pathlib.Path)
    ap.add_argument("--key", required=True, type=pathlib.Path,
                    help="EC private key, PEM (PKCS#8 or SEC1, optionally encrypted)")
    ap.add_argument("--password", help="password of an encrypted private key")
    ap.add_argument("--password-file", type=pathlib.Path,
                    help="file holding the password (trailing newline stripped)")
    ap.add_argument("--cert", type=pathlib.Path,
                    help="signing (leaf) certificate PEM: certificate mode")
    ap.add_argument("--chain", type=pathlib.Path, action="append", default=[],
                    help="extra chain certificate(s) PEM put into the bundle (repeatable)")
    ap.add_argument("--ignore", action="append", default=[],
                    help="path relative to MODEL_PATH to exclude (repeatable)")
    ap.add_argument("--no-ignore-git-paths", dest="ignore_git_paths",
                    action="store_false",
                    help="do not ignore .git/.gitattributes/.github/.gitignore")
    ap.add_argument("--allow-symlinks", action="store_true")
    ap.add_argument("--hash", default="sha256", choices=["sha256", "blake2", "blake3"])
    ap.add_argument("--shard-size", type=int, default=None,
                    help="use shard serialization with this shard size in bytes")
    args = ap.parse_args(argv)

    password = args.password
    if args.password_file is not None:
        password = args.password_file.read_text().rstrip("\r\n")
    if args.cert is None and args.chain:
        ap.error("--chain requires --cert")
    if args.cert is not None and password is not None:
        ap.error("model-signing's certificate signer does not accept a password")

    try:
        import model_signing

        cfg = model_signing.signing.Config()
        if args.cert is not None:
            cfg.use_certificate_signer(
                private_key=args.key,
                signing_certificate=args.cert,
                certificate_chain=args.chain,
            )
        else:
            # model-signing 1.1.1 hands `password` straight to cryptography's
            # load_pem_private_key, which needs bytes (its CLI passes a str and
            # fails: "Cannot convert ... to a buffer").
            cfg.use_elliptic_key_signer(
                private_key=args.key,
                password=None if password is None else password.encode("utf-8"),
            )
        cfg.set_hashing_config(
            build_hashing_config(args, args.model_path, args.signature)
        )
        cfg.sign(args.model_path, args.signature)
    except Exception as err:  # noqa: BLE001 - report any failure
        print(f"Signing failed: {type(err).__name__}: {err}", file=sys.stderr)
        return 1
    print("Signing succeeded")
    return 0


if __name__ == "__main__":
    sys.exit(main())
