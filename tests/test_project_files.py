"""Every examples/*/Pulumi*.yaml is one the real `pulumi` CLI accepts (no CLI needed to find out).

The rules are Pulumi's own, restated here from its public sources (pulumi/pulumi):
- sdk/go/common/workspace/project.json (the project schema): `name` (a non-empty string of letters, digits, hyphens,
  underscores and periods) and `runtime` are required; `runtime` is a non-empty string or {name, options} and nothing
  else; description/author/website/license/main/stackConfigDir are strings; `options` holds only `refresh: always`;
  `backend` only `url`; a `config` entry is a string, integer, boolean, array, or a declaration with only
  type/items/description/secret/default/value, where type is string, integer, boolean or array.
- sdk/go/common/workspace/project.go, Project.Validate: a config key is the project's own when it has no ':' or starts
  with '<project name>:'. An entry may not have both `default` and `value`. The project's own keys: an `array` type
  needs `items`, and a typed `default` must be of that type (ValidateConfigValue: integers may be digit strings,
  booleans "true"/"false"). Any other key (e.g. aws:region) must not declare a type or a default and must give a
  `value`.
- sdk/go/common/workspace/project.go, ProjectStack: a stack file Pulumi.<stack>.yaml holds secretsprovider,
  encryptedkey, encryptionsalt, environment and config; sdk/go/common/resource/config/key.go, ParseKey: each config
  key there is `<namespace>:<name>` (one ':'). Values of the project's typed keys must match the declared type.
"""

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from fsx_backup_copy_provider.validation import check_region
from tests.support import ROOT

PROJECT_NAME = re.compile(r"[A-Za-z0-9_.-]+")
STRING_FIELDS = ("description", "author", "website", "license", "main", "stackConfigDir")
DECLARATION_FIELDS = {"type", "items", "description", "secret", "default", "value"}
SIMPLE_TYPES = {"string", "integer", "boolean", "array"}
STACK_FIELDS = {"secretsprovider", "encryptedkey", "encryptionsalt", "environment", "config"}


def _value_matches(type_name: str, items: Any, value: Any) -> bool:
    """Pulumi's ValidateConfigValue."""
    if type_name == "string":
        return isinstance(value, str)
    if type_name == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value) is not None
        )
    if type_name == "boolean":
        return isinstance(value, bool) or value in ("true", "false")
    if not isinstance(value, list) or not isinstance(items, dict):
        return False
    return all(_value_matches(items.get("type", ""), items.get("items"), item) for item in value)


def _own_key(project_name: str, key: str) -> bool:
    return ":" not in key or key.startswith(project_name + ":")


def _config_problems(project_name: str, key: str, entry: Any) -> list[str]:
    if isinstance(entry, str | int | bool | list):
        return []
    if not isinstance(entry, dict):
        return [f"config {key}: must be a string, integer, boolean, array or a declaration"]
    problems = [f"config {key}: unknown attribute {extra}" for extra in sorted(set(entry) - DECLARATION_FIELDS)]
    declared = entry.get("type")
    if declared is not None and declared not in SIMPLE_TYPES:
        problems.append(f"config {key}: type must be one of {sorted(SIMPLE_TYPES)}")
    if "description" in entry and not isinstance(entry["description"], str):
        problems.append(f"config {key}: description must be a string")
    if "secret" in entry and not isinstance(entry["secret"], bool):
        problems.append(f"config {key}: secret must be a boolean")
    if entry.get("default") is not None and entry.get("value") is not None:
        problems.append(f"config {key}: cannot have both a 'default' and 'value' attribute")
    if _own_key(project_name, key):
        if declared == "array" and entry.get("items") is None:
            problems.append(f"config {key}: declares an array without 'items'")
        default = entry.get("default")
        if declared and default is not None and not _value_matches(declared, entry.get("items"), default):
            problems.append(f"config {key}: the default is not of type {declared}")
    else:
        if declared is not None:
            problems.append(f"config {key}: is not namespaced by the project and should not define a type")
        if entry.get("default") is not None:
            problems.append(f"config {key}: is not namespaced by the project and should not define a default value")
        if entry.get("value") is None:
            problems.append(f"config {key}: is namespaced and must provide an attribute 'value'")
    return problems


def project_problems(project: Any) -> list[str]:
    """Why the CLI would refuse this Pulumi.yaml; empty when it accepts it."""
    if not isinstance(project, dict):
        return ["a project must be a mapping"]
    problems: list[str] = []
    name = project.get("name")
    if not isinstance(name, str) or not PROJECT_NAME.fullmatch(name):
        problems.append("name: a non-empty string of letters, digits, '-', '_' and '.' is required")
        name = ""
    runtime = project.get("runtime")
    if isinstance(runtime, dict):
        if set(runtime) - {"name", "options"}:
            problems.append(f"runtime: unknown attributes {sorted(set(runtime) - {'name', 'options'})}")
        if not isinstance(runtime.get("name"), str) or not runtime["name"]:
            problems.append("runtime: name must be a non-empty string")
        if "options" in runtime and not isinstance(runtime["options"], dict):
            problems.append("runtime: options must be a mapping")
    elif not isinstance(runtime, str) or not runtime:
        problems.append("runtime: a runtime name or {name, options} is required")
    for field in STRING_FIELDS:
        if project.get(field) is not None and not isinstance(project[field], str):
            problems.append(f"{field}: must be a string")
    options = project.get("options")
    if options is not None and (not isinstance(options, dict) or options not in ({}, {"refresh": "always"})):
        problems.append("options: only 'refresh: always' is allowed")
    backend = project.get("backend")
    if backend is not None and (not isinstance(backend, dict) or set(backend) - {"url"}):
        problems.append("backend: only 'url' is allowed")
    config = project.get("config") or {}
    if not isinstance(config, dict):
        return [*problems, "config: must be a mapping"]
    for key, entry in config.items():
        problems.extend(_config_problems(name, str(key), entry))
    return problems


def stack_problems(stack: Any, project: dict[str, Any]) -> list[str]:
    """Why the CLI would refuse this Pulumi.<stack>.yaml of the given project; empty when it accepts it."""
    if stack is None:
        return []
    if not isinstance(stack, dict):
        return ["a stack file must be a mapping"]
    problems = [f"unknown attribute {extra}" for extra in sorted(set(stack) - STACK_FIELDS)]
    declared = project.get("config") or {}
    for key, value in (stack.get("config") or {}).items():
        if str(key).count(":") != 1 or not all(str(key).split(":")):
            problems.append(f"config {key}: keys are <namespace>:<name>")
            continue
        namespace, short = str(key).split(":")
        entry = declared.get(short) if namespace == project["name"] else None
        declared_type = entry.get("type") if isinstance(entry, dict) else None
        if declared_type and not _value_matches(declared_type, entry.get("items"), value):  # type: ignore[union-attr]
            problems.append(f"config {key}: the value is not of the declared type {declared_type}")
    return problems


def _example_files(pattern: str) -> list[Path]:
    return sorted((ROOT / "examples").glob(f"*/{pattern}"))


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


@pytest.mark.parametrize("path", _example_files("Pulumi.yaml"), ids=lambda p: p.parent.name)
def test_every_example_project_is_valid(path: Path) -> None:
    assert project_problems(_load(path)) == []


STACK_FILES = [p for p in _example_files("Pulumi*.yaml") if p.name != "Pulumi.yaml"]


@pytest.mark.parametrize("path", STACK_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_example_stack_file_is_valid(path: Path) -> None:
    project_file = path.parent / "Pulumi.yaml"
    assert project_file.is_file(), "a stack file lives next to its Pulumi.yaml"
    assert re.fullmatch(r"Pulumi\.[^.]+\.yaml", path.name)
    assert stack_problems(_load(path), _load(project_file)) == []


def test_examples_have_project_files() -> None:
    assert len(_example_files("Pulumi.yaml")) >= 2


REFUSED: list[tuple[str, str]] = [
    ("name: p\nruntime: python\nconfig:\n  aws:region:\n    description: the Region\n", "must provide"),
    ("name: p\nruntime: python\nconfig:\n  aws:region:\n    default: us-west-2\n", "should not define a default"),
    ("name: p\nruntime: python\nconfig:\n  aws:region:\n    type: string\n    value: x\n", "should not define a type"),
    ("name: p\nruntime: python\nconfig:\n  size:\n    type: integer\n    default: big\n", "not of type integer"),
    ("name: p\nruntime: python\nconfig:\n  ids:\n    type: array\n", "without 'items'"),
    ("name: p\nruntime: python\nconfig:\n  k:\n    default: a\n    value: b\n", "both"),
    ("name: p\nruntime: python\nconfig:\n  k:\n    type: object\n", "type must be"),
    ("name: p\nruntime: python\nconfig:\n  k:\n    required: true\n", "unknown attribute"),
    ("name: p\nruntime: {name: python, toolchain: pip}\n", "runtime"),
    ("runtime: python\n", "name"),
    ("name: p\n", "runtime"),
    ("name: p q\nruntime: python\n", "name"),
]


@pytest.mark.parametrize(("text", "reason"), REFUSED, ids=[r for _, r in REFUSED])
def test_the_rules_refuse_what_the_cli_refuses(text: str, reason: str) -> None:
    problems = project_problems(yaml.safe_load(text))
    assert any(reason in problem for problem in problems), problems


def test_the_rules_accept_what_the_cli_accepts() -> None:
    text = (
        "name: p\nruntime: python\ndescription: d\nconfig:\n  aws:region:\n    value: us-west-2\n"
        "  p:size:\n    type: integer\n    default: '3'\n  flag: true\n  ids:\n    type: array\n"
        "    items: {type: string}\n    default: [a, b]\n"
    )
    assert project_problems(yaml.safe_load(text)) == []
    assert project_problems({"name": "p.q_r-s", "runtime": {"name": "python", "options": {"toolchain": "pip"}}}) == []


def test_stack_file_rules() -> None:
    project = {"name": "p", "runtime": "python", "config": {"size": {"type": "integer"}}}
    assert stack_problems({"config": {"aws:region": "us-west-2", "p:size": "3"}}, project) == []
    unnamespaced = stack_problems({"config": {"region": "us-west-2"}}, project)
    assert unnamespaced == ["config region: keys are <namespace>:<name>"]
    assert stack_problems({"config": {"p:size": "big"}}, project)
    assert stack_problems({"configuration": {}}, project) == ["unknown attribute configuration"]


ALL_FILES = [*_example_files("Pulumi.yaml"), *STACK_FILES]


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_regions_in_example_config_are_regions_fsx_knows(path: Path) -> None:
    """A sample Region that check would refuse would fail the user's first `pulumi up`."""
    config = _load(path).get("config") or {}
    for key, entry in config.items():
        value = entry.get("value") if isinstance(entry, dict) else entry
        if str(key).lower().endswith("region") and isinstance(value, str):
            assert check_region(value) is None, (key, check_region(value))
