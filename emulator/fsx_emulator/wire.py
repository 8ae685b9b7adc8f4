"""FSx's AWS JSON 1.1 wire contract, read from botocore's service model: request checks and response shaping.

Requests are checked the way AWS's JSON services answer bad input: a body that is not a JSON object, or a value of
the wrong JSON type, is a ``SerializationException``; a value that breaks a constraint of the input shape (required,
enum, pattern, length, range) is a ``ValidationException`` whose message lists each violation as
``Value X at 'path' failed to satisfy constraint: ...``. Responses keep only the members the output shape defines,
without nulls, and without empty lists the model gives ``min: 1`` (such as ``Tags``).
"""

import functools
import json
import re
from dataclasses import dataclass
from typing import Any

from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StringShape, StructureShape
from botocore.session import get_session

CONTENT_TYPE = "application/x-amz-json-1.1"


@functools.cache
def service_model() -> ServiceModel:
    session = get_session()
    loaded = session.get_component("data_loader").load_service_model("fsx", "service-2")
    return ServiceModel(loaded, service_name="fsx")


def target_prefix() -> str:
    return str(service_model().metadata["targetPrefix"])


def operation(name: str) -> OperationModel | None:
    model = service_model()
    return model.operation_model(name) if name in model.operation_names else None


@functools.cache
def python_pattern(java_pattern: str) -> re.Pattern[str]:
    """Model patterns are Java regexes: translate the two Java-only forms the FSx model uses."""
    pattern = java_pattern.replace(r"\p{L}\p{Z}\p{N}", r"\w\s")
    if pattern.startswith("^(?i)"):
        pattern = "(?i)^" + pattern[len("^(?i)") :]
    return re.compile(pattern)


@dataclass
class RequestError(Exception):
    """A request AWS would refuse before the service runs: ``code`` is the ``__type`` sent back."""

    code: str
    message: str


def _show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _member_path(path: str, member: str) -> str:
    name = member[:1].lower() + member[1:]
    return f"{path}.{name}" if path else name


# The JSON types each scalar shape type accepts (JSON 1.1 sends timestamps as epoch seconds, or strings).
_JSON_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "boolean": bool,
    "integer": int,
    "long": int,
    "float": (int, float),
    "double": (int, float),
    "timestamp": (int, float, str),
}


class _InputChecker:
    """Checks a request against its input shape the way the service does. Written here rather than taken from
    botocore.validate: botocore's client-side validator skips patterns and enums and words its reports for the
    caller, while AWS answers with one ValidationException listing "Value ... at 'path' failed to satisfy
    constraint" for each member, which is what raw clients of the emulator must see."""

    def __init__(self) -> None:
        self.violations: list[str] = []

    def violation(self, value: Any, path: str, constraint: str) -> None:
        self.violations.append(
            f"Value '{_show(value)}' at '{path}' failed to satisfy constraint: Member must {constraint}"
        )

    def check(self, value: Any, shape: Shape, path: str) -> None:
        kind = shape.type_name
        if isinstance(shape, StructureShape):
            if not isinstance(value, dict):
                raise RequestError("SerializationException", f"Expected an object at '{path or 'request'}'.")
            for name in shape.required_members:
                if value.get(name) is None:
                    self.violations.append(
                        f"Value null at '{_member_path(path, name)}' failed to satisfy constraint: "
                        "Member must not be null"
                    )
            for name, member_value in value.items():
                if name in shape.members and member_value is not None:
                    self.check(member_value, shape.members[name], _member_path(path, name))
            return
        if isinstance(shape, ListShape):
            if not isinstance(value, list):
                raise RequestError("SerializationException", f"Expected a list at '{path}'.")
            self._length(value, len(value), shape, path)
            for index, item in enumerate(value, start=1):
                if item is not None:
                    self.check(item, shape.member, f"{path}.{index}.member")
            return
        if isinstance(shape, MapShape):
            if not isinstance(value, dict):
                raise RequestError("SerializationException", f"Expected an object at '{path}'.")
            return
        accepted = _JSON_TYPES.get(kind)
        if accepted is not None and (isinstance(value, bool) != (kind == "boolean") or not isinstance(value, accepted)):
            raise RequestError("SerializationException", f"Expected a {kind} at '{path}', not {_show(value)}.")
        if kind == "string":
            self._string(value, shape, path)
        elif kind in ("integer", "long"):
            self._range(value, shape, path)

    def _string(self, value: str, shape: Shape, path: str) -> None:
        enum = shape.enum if isinstance(shape, StringShape) else []
        if enum and value not in enum:
            self.violation(value, path, f"satisfy enum value set: [{', '.join(enum)}]")
            return
        self._length(value, len(value), shape, path)
        pattern = shape.metadata.get("pattern")
        if pattern and not python_pattern(pattern).search(value):
            self.violation(value, path, f"satisfy regular expression pattern: {pattern}")

    def _length(self, value: Any, length: int, shape: Shape, path: str) -> None:
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if low is not None and length < low:
            self.violation(value, path, f"have length greater than or equal to {low}")
        if high is not None and length > high:
            self.violation(value, path, f"have length less than or equal to {high}")

    def _range(self, value: int, shape: Shape, path: str) -> None:
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if low is not None and value < low:
            self.violation(value, path, f"have value greater than or equal to {low}")
        if high is not None and value > high:
            self.violation(value, path, f"have value less than or equal to {high}")


def parse_request(
    operation_model: OperationModel, body: str | bytes | None, empty_is_object: bool = True
) -> dict[str, Any]:
    """The request's parameters, or RequestError as AWS answers a malformed or invalid request."""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else (body or "")
    if not text.strip() and empty_is_object:
        # [INFER] an empty body is an empty input object (what botocore sends for no parameters is "{}").
        text = "{}"
    try:
        params = json.loads(text)
    except ValueError:
        raise RequestError("SerializationException", "The request body is not valid JSON.") from None
    if not isinstance(params, dict):
        raise RequestError("SerializationException", "The request body must be a JSON object.")
    checker = _InputChecker()
    shape = operation_model.input_shape
    if shape is not None:
        checker.check(params, shape, "")
    if checker.violations:
        count = len(checker.violations)
        noun = "error" if count == 1 else "errors"
        raise RequestError(
            "ValidationException", f"{count} validation {noun} detected: {'; '.join(checker.violations)}"
        )
    return params


def shape_output(value: Any, shape: Shape | None) -> Any:
    """``value`` with only the shape's members: no nulls, no unmodelled members, no empty lists with min >= 1."""
    if shape is None:
        return {}
    if isinstance(shape, StructureShape):
        if not isinstance(value, dict):
            return value
        result: dict[str, Any] = {}
        for name, member in shape.members.items():
            item = value.get(name)
            if item is None:
                continue
            shaped = shape_output(item, member)
            if isinstance(shaped, list) and not shaped and member.metadata.get("min", 0) >= 1:
                continue
            result[name] = shaped
        return result
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [shape_output(item, shape.member) for item in value if item is not None]
    if isinstance(shape, MapShape) and isinstance(value, dict):
        return {k: shape_output(v, shape.value) for k, v in value.items() if v is not None}
    return value


def error_body(code: str, message: str, members: dict[str, Any] | None = None) -> str:
    """An AWS JSON 1.1 error: ``__type`` plus, for modelled errors, the shape's ``Message`` and members.

    Errors FSx models (BackupNotFound, BadRequest, ...) carry ``Message`` as their shape says; errors of the AWS
    service framework that no FSx shape describes (ValidationException, SerializationException, ThrottlingException,
    UnknownOperationException, MissingAuthenticationTokenException) carry ``message``, as AWS sends them.
    """
    model = service_model()
    if code in model.shape_names:
        shape = model.shape_for(code)
        body: dict[str, Any] = {"__type": code, "Message": message}
        assert isinstance(shape, StructureShape)
        for name in shape.members:
            if name != "Message" and members and members.get(name) is not None:
                body[name] = members[name]
        return json.dumps(body)
    return json.dumps({"__type": code, "message": message})
