"""`make audit`: known vulnerabilities in requirements.txt (pip-audit against PyPI's vulnerability data).

Fails (exit 1) only when a pinned package has a known vulnerability, naming the package, the advisory and
the versions that fix it. When the vulnerability service cannot be reached, or cannot answer for some
packages, it says so loudly and which packages went unchecked, but does not fail: an outage elsewhere must
not block a build, and the next run with a reachable service catches up.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

REQUIREMENTS = Path(__file__).resolve().parent.parent / "requirements.txt"
PIP_AUDIT = Path(sys.executable).with_name("pip-audit")


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        report_path = Path(folder) / "audit.json"
        command = [
            str(PIP_AUDIT),
            "-r",
            str(REQUIREMENTS),
            "--progress-spinner",
            "off",
            "--format",
            "json",
            "--output",
            str(report_path),
        ]
        result = subprocess.run(  # noqa: S603 - our own pip-audit on our own requirements file, no shell
            command, capture_output=True, text=True, timeout=600, check=False
        )
        if not report_path.exists() or not report_path.read_text().strip():
            print("pip-audit: NOT AUDITED - the vulnerability service could not be reached or pip-audit failed:")
            last_lines = (result.stderr or result.stdout).strip().splitlines()[-3:]
            print("  " + ("\n  ".join(last_lines) or "(no output)"))
            return 0
        report = json.loads(report_path.read_text())

    vulnerable, skipped, checked = [], [], 0
    for dependency in report.get("dependencies", []):
        if dependency.get("skip_reason"):
            version = dependency.get("version")
            skipped.append(f"{dependency['name']} {version}" if version else dependency["name"])
            continue
        checked += 1
        for vuln in dependency.get("vulns", []):
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
            vulnerable.append(f"{dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixes})")

    if skipped:
        print(
            f"pip-audit: WARNING - {len(skipped)} of {len(skipped) + checked} packages could NOT be checked "
            "(the package index did not answer pip-audit's vulnerability queries):"
        )
        print("  " + ", ".join(skipped))
    if vulnerable:
        print(f"pip-audit: {len(vulnerable)} known vulnerabilities - bump these pins in requirements.txt:")
        for line in vulnerable:
            print("  " + line)
        return 1
    print(f"pip-audit: no known vulnerabilities in the {checked} packages that could be checked.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
