"""Validates CycloneDX JSON BOMs with cyclonedx-python-lib's strict JSON validator.

Usage: validate.py SPEC_VERSION FILE...   (exit 1 on the first invalid file)
"""
import sys

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

VERSIONS = {"1.6": SchemaVersion.V1_6, "1.7": getattr(SchemaVersion, "V1_7", None)}


def main() -> int:
    spec, files = sys.argv[1], sys.argv[2:]
    version = VERSIONS.get(spec)
    if version is None:
        print(f"cyclonedx-python-lib here does not know CycloneDX {spec}")
        return 2
    validator = JsonStrictValidator(version)
    for path in files:
        with open(path, encoding="utf-8") as fh:
            error = validator.validate_str(fh.read())
        if error is not None:
            print(f"INVALID {path} (CycloneDX {spec}): {error}")
            return 1
        print(f"valid   {path} (CycloneDX {spec}, cyclonedx-python-lib strict)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
