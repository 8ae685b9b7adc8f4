"""The suite-wide oracle for the emulator's wire: a raw FSx response checked against botocore's FSx service model.

Independent of the emulator's own code (it reads the model itself), so the emulator cannot grade its own answers.
A success body must fit the operation's output shape; an error must carry ``__type`` naming an error the
operation's model lists (its body fitting that error shape), or one of the AWS request framework's errors that no
FSx shape describes (sent with a lowercase ``message`` only). Every response is ``application/x-amz-json-1.1``.
"""

import functools
import gzip
import json
import re
from pathlib import Path
from typing import Any

import botocore

CONTENT_TYPE = "application/x-amz-json-1.1"
# Errors AWS's JSON 1.1 front end sends for any service (AWS API reference, "Common Errors"), never modelled.
FRAMEWORK_ERRORS = {
    "SerializationException": 400,
    "ValidationException": 400,
    "UnknownOperationException": 400,
    "ThrottlingException": 400,
    "MissingAuthenticationTokenException": 403,
}


@functools.cache
def model() -> dict[str, Any]:
    folder = Path(botocore.__file__).parent / "data" / "fsx"
    path = sorted(folder.glob("*/service-2.json*"))[-1]
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    loaded: dict[str, Any] = json.loads(raw)
    return loaded


@functools.cache
def _pattern(java: str) -> re.Pattern[str]:
    python = java.replace(r"\p{L}\p{Z}\p{N}", r"\w\s")
    if python.startswith("^(?i)"):
        python = "(?i)^" + python[5:]
    return re.compile(python)


def check_value(value: Any, shape_name: str, path: str) -> list[str]:
    """Every way ``value`` breaks the model's shape ``shape_name`` (empty when it fits)."""
    shape = model()["shapes"][shape_name]
    kind = shape["type"]
    problems: list[str] = []
    if value is None:
        return [f"{path}: null (absent members must be omitted)"]
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{path}: {type(value).__name__}, not an object ({shape_name})"]
        members = shape.get("members", {})
        for name in shape.get("required", []):
            if name not in value:
                problems.append(f"{path}.{name}: required by {shape_name} but missing")
        for name, item in value.items():
            if name not in members:
                problems.append(f"{path}.{name}: not a member of {shape_name}")
            else:
                problems += check_value(item, members[name]["shape"], f"{path}.{name}")
        return problems
    if kind == "list":
        if not isinstance(value, list):
            return [f"{path}: {type(value).__name__}, not a list ({shape_name})"]
        problems += _bounds(len(value), shape, path, "length")
        for index, item in enumerate(value):
            problems += check_value(item, shape["member"]["shape"], f"{path}[{index}]")
        return problems
    if kind == "map":
        if not isinstance(value, dict):
            return [f"{path}: not an object ({shape_name})"]
        for key, item in value.items():
            problems += check_value(item, shape["value"]["shape"], f"{path}[{key!r}]")
        return problems
    if kind == "string":
        if not isinstance(value, str):
            return [f"{path}: {value!r} is not a string ({shape_name})"]
        if "enum" in shape and value not in shape["enum"]:
            problems.append(f"{path}: {value!r} not in the {shape_name} enum")
        problems += _bounds(len(value), shape, path, "length")
        if "pattern" in shape and not _pattern(shape["pattern"]).search(value):
            problems.append(f"{path}: {value!r} does not match {shape_name}'s pattern {shape['pattern']}")
        return problems
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{path}: {value!r} is not a boolean"]
    if kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            return [f"{path}: {value!r} is not an integer ({shape_name})"]
        return _bounds(value, shape, path, "value")
    if kind in ("float", "double"):
        return [] if isinstance(value, (int, float)) and not isinstance(value, bool) else [f"{path}: not a number"]
    if kind == "timestamp":
        # JSON 1.1 sends timestamps as epoch seconds.
        return [] if isinstance(value, (int, float)) and not isinstance(value, bool) else [f"{path}: not epoch seconds"]
    return [f"{path}: shape type {kind} not checked"]


def _bounds(measure: int, shape: dict[str, Any], path: str, what: str) -> list[str]:
    problems = []
    if "min" in shape and measure < shape["min"]:
        problems.append(f"{path}: {what} {measure} below the model's min {shape['min']}")
    if "max" in shape and measure > shape["max"]:
        problems.append(f"{path}: {what} {measure} above the model's max {shape['max']}")
    return problems


def check_response(operation: str, status: int, headers: dict[str, str], body: str) -> list[str]:
    """Every way one raw FSx response breaks the wire contract (empty when it is faithful)."""
    where = f"{operation} {status}"
    problems = []
    content_type = {k.lower(): v for k, v in headers.items()}.get("content-type")
    if content_type != CONTENT_TYPE:
        problems.append(f"{where}: Content-Type {content_type!r}, not {CONTENT_TYPE}")
    try:
        parsed = json.loads(body)
    except ValueError:
        return [*problems, f"{where}: body is not JSON: {body[:80]!r}"]
    if not isinstance(parsed, dict):
        return [*problems, f"{where}: body is not a JSON object"]
    spec = model()["operations"].get(operation)
    if status < 400:
        if spec is None:
            return [*problems, f"{where}: success for an operation the model does not have"]
        output = spec.get("output", {}).get("shape")
        if output is None:
            return problems if not parsed else [*problems, f"{where}: body for an operation without output"]
        return problems + [f"{where}: {p}" for p in check_value(parsed, output, "$")]
    code = parsed.get("__type")
    if not isinstance(code, str):
        return [*problems, f"{where}: error without __type"]
    code = code.split("#")[-1]
    listed = {e["shape"] for e in (spec or {}).get("errors", [])}
    if code in listed:
        rest = {k: v for k, v in parsed.items() if k != "__type"}
        problems += [f"{where}: {p}" for p in check_value(rest, code, code)]
        if not isinstance(rest.get("Message"), str):
            problems.append(f"{where}: {code} without a Message")
        modelled_status = model()["shapes"][code].get("error", {}).get("httpStatusCode")
        if modelled_status is not None and modelled_status != status:
            problems.append(f"{where}: {code} sent as {status}, the model says {modelled_status}")
        elif status >= 500 and code != "InternalServerError":
            problems.append(f"{where}: client error {code} sent as a server error")
        return problems
    if code in FRAMEWORK_ERRORS:
        if set(parsed) - {"__type", "message"} or not isinstance(parsed.get("message"), str):
            problems.append(f"{where}: {code} must carry exactly __type and a string message: {sorted(parsed)}")
        if status != FRAMEWORK_ERRORS[code]:
            problems.append(f"{where}: {code} sent as {status}, AWS sends {FRAMEWORK_ERRORS[code]}")
        return problems
    return [*problems, f"{where}: error {code!r} is not one {operation}'s model lists"]


def check_all(responses: list[dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    for response in responses:
        problems += check_response(response["operation"], response["status"], response["headers"], response["body"])
    return problems
