"""A release says one version everywhere, and the release workflow builds, checks and publishes what it tags.

The version lives in pyproject.toml; CHANGELOG.md (Keep a Changelog form) has its section, the README's install
line and examples/ci's requirements name its tag, and docs/upgrading.md says how to reach it. The wheel reports
it and carries the licence (tests/sdk/test_packaging.py builds one).
"""

import re
import tomllib
from datetime import date
from typing import Any

import yaml

from tests.support import ROOT

CHANGELOG = ROOT / "CHANGELOG.md"
RELEASE = ROOT / "examples" / "release" / ".github" / "workflows" / "release.yml"
KINDS = ("Added", "Changed", "Deprecated", "Removed", "Fixed", "Security")  # Keep a Changelog's kinds of change
RELEASE_HEADING = re.compile(r"## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})")


def _version() -> str:
    version: str = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    return version


def _releases() -> list[tuple[str, str]]:
    return [(m[1], m[2]) for m in RELEASE_HEADING.finditer(CHANGELOG.read_text())]


def test_the_changelog_is_in_keep_a_changelog_form_newest_first() -> None:
    text = CHANGELOG.read_text()
    assert text.startswith("# Changelog\n") and "keepachangelog.com" in text
    releases = _releases()
    assert [v for v, _ in releases] == sorted((v for v, _ in releases), key=lambda v: tuple(map(int, v.split("."))))[
        ::-1
    ]
    assert [d for _, d in releases] == sorted((d for _, d in releases), reverse=True)
    assert all(date.fromisoformat(d) for _, d in releases)
    for line in text.splitlines():
        if line.startswith("## "):
            assert RELEASE_HEADING.fullmatch(line), f"a release heading is '## [X.Y.Z] - YYYY-MM-DD': {line}"
        if line.startswith("### "):
            assert line[4:] in KINDS, line


def test_the_newest_release_is_the_packages_version_and_every_pointer_names_its_tag() -> None:
    version = _version()
    assert _releases()[0][0] == version
    readme = (ROOT / "README.md").read_text()
    assert f"pulumi-fsx-backup-copy.git@v{version}'" in readme and "@TAG" not in readme
    assert f"@v{version}" in (ROOT / "examples" / "ci" / "requirements.txt").read_text()
    upgrading = (ROOT / "docs" / "upgrading.md").read_text()
    assert f"v{version}" in upgrading and f"to {version}" in upgrading


def test_the_licence_pyproject_names_is_in_the_repository() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "Apache-2.0" and project["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text()
    assert "Apache License" in text and "Version 2.0, January 2004" in text and "END OF TERMS AND CONDITIONS" in text


def _release() -> dict[str, Any]:
    loaded: dict[Any, Any] = yaml.safe_load(RELEASE.read_text())
    loaded["on"] = loaded.pop(True, loaded.get("on"))  # YAML 1.1 reads the key `on` as true
    return loaded


def test_the_release_workflow_builds_checks_and_publishes_with_trusted_publishing() -> None:
    workflow = _release()
    assert workflow["on"] == {"push": {"tags": ["v*.*.*"]}}
    assert workflow["permissions"] == {"contents": "read"}  # only the publish job gets an OIDC token
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    runs = "\n".join(s.get("run", "") for s in build["steps"])
    assert "python -m build --sdist --wheel" in runs and "twine check --strict dist/*" in runs
    assert '"v$version" != "$GITHUB_REF_NAME"' in runs, "a tag that is not pyproject's version is refused"
    assert "CHANGELOG.md" in runs
    assert publish["needs"] == "build" and publish["permissions"] == {"id-token": "write"}
    [uploader] = [s for s in publish["steps"] if s.get("uses", "").startswith("pypa/gh-action-pypi-publish@")]
    assert "with" not in uploader or not {"password", "user"} & set(uploader["with"]), "no stored API token"
    assert publish["environment"]["name"] == "pypi"

