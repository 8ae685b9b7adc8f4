"""Wire translation only: parse and check FSx JSON 1.1 requests, call models.py, serialise the results.

Every FSx answer leaves through ``call_action``: it is checked (signature present, known operation and Region,
a body that parses and fits the operation's input shape), dispatched, and serialised as AWS JSON 1.1 (``__type``
errors, ``Content-Type: application/x-amz-json-1.1``, only modelled members). Injected faults are applied here,
before a call reaches the domain rules, because they stand for what happens between the client and the service.
"""

import json
import socket
import time
import uuid
from typing import Any

from botocore.exceptions import ConnectionClosedError
from botocore.model import StructureShape
from moto.core.common_types import TYPE_RESPONSE
from moto.core.exceptions import ServiceException
from moto.core.utils import camelcase_to_underscores
from moto.fsx.models import fsx_backends
from moto.fsx.responses import FSxResponse
from werkzeug.exceptions import HTTPException

from . import recorder, wire
from .faults import BAD_RESPONSE, DROP_CONNECTION, HOLD_RESPONSE
from .models import EmulatedFSxBackend
from .state import STATE

# Errors of the AWS request framework that no FSx shape describes, by HTTP status.
FRAMEWORK_STATUS = {
    "SerializationException": 400,
    "ValidationException": 400,
    "UnknownOperationException": 400,
    "ThrottlingException": 400,
    "MissingAuthenticationTokenException": 403,
}


class EmulatedFSxResponse(FSxResponse):
    @property
    def fsx_backend(self) -> EmulatedFSxBackend:
        backend: EmulatedFSxBackend = super().fsx_backend  # type: ignore[assignment]
        return backend

    def setup_class(
        self, request: Any, full_url: str | None = None, headers: Any = None, use_raw_body: bool | None = None
    ) -> None:
        self.raw_request = request  # kept for _drop_connection: moto keeps only the parsed parts
        super().setup_class(request, full_url, headers, use_raw_body)

    # ------------------------------------------------------------------ the one way out
    def call_action(self) -> TYPE_RESPONSE:
        target = str(self.headers.get("X-Amz-Target") or "")
        operation = target.split(".", 1)[1] if "." in target else target
        status, body = self._answer(target, operation)
        headers = {"Content-Type": wire.CONTENT_TYPE, "x-amzn-RequestId": str(uuid.uuid4())}
        recorder.record(operation, status, headers, body)
        return status, headers, body

    def _answer(self, target: str, operation: str) -> tuple[int, str]:
        if not self.headers.get("Authorization"):
            return self._error("MissingAuthenticationTokenException", "Request is missing Authentication Token")
        operation_model = wire.operation(operation)
        if operation_model is None or not target.startswith(wire.target_prefix() + "."):
            return self._error("UnknownOperationException", f"The operation '{target}' is not an FSx operation.")
        STATE.count_call(operation)
        if self.region not in fsx_backends[self.current_account].regions:
            # The real endpoint would not exist; a client error naming the Region beats a 500.
            return self._error(
                STATE.settings.unknown_region_error,
                f"The Region '{self.region}' is not one where Amazon FSx is available (botocore's endpoint data "
                "lists FSx's Regions); check the Region, or upgrade botocore if the Region is newer.",
            )
        try:
            self.params = wire.parse_request(operation_model, self.body, STATE.settings.empty_body_is_empty_object)
        except wire.RequestError as error:
            return self._error(error.code, error.message)
        self.body = json.dumps(self.params)  # moto's handlers json.loads the body themselves
        fault = STATE.faults.take(operation)
        if fault is not None and fault.error not in (HOLD_RESPONSE, BAD_RESPONSE):
            if fault.error == DROP_CONNECTION:
                self._drop_connection()
            return self._exception(fault.build())
        status, body = self._dispatch_operation(operation)
        if fault is not None and fault.error == HOLD_RESPONSE:
            time.sleep(float(fault.message or 5))  # simulated network delay, not synchronisation
        if fault is not None and fault.error == BAD_RESPONSE:
            return 200, json.dumps({**json.loads(body), "Unmodelled": True, "NextToken": None})
        return status, body

    def _dispatch_operation(self, operation: str) -> tuple[int, str]:
        method = getattr(self, camelcase_to_underscores(operation), None)
        if method is None:
            return self._error("BadRequest", f"The FSx emulator does not implement {operation}.")
        try:
            result = method()
        except Exception as error:  # every failure becomes an FSx answer, never moto's HTML 500
            return self._exception(error)
        raw = result[2] if isinstance(result, tuple) else result
        output_shape = wire.service_model().operation_model(operation).output_shape
        return 200, json.dumps(wire.shape_output(json.loads(raw or "{}"), output_shape))

    def _exception(self, error: Exception) -> tuple[int, str]:
        if isinstance(error, ServiceException):
            members = {
                name: getattr(error, camelcase_to_underscores(name), None) for name in _error_members(error.code)
            }
            return self._error(error.code, error.message, members)
        if isinstance(error, HTTPException):
            code = str(getattr(error, "error_type", "") or "")
            message = str(getattr(error, "message", "") or error.description or "")
            if code == "InvalidToken":
                # moto's paginator error; FSx models a bad NextToken as nothing else than BadRequest [INFER].
                return self._error(STATE.settings.invalid_next_token_error, f"The NextToken is not valid: {message}")
            return self._error(code or "BadRequest", message, status=error.code)
        if isinstance(error, ConnectionClosedError):
            raise error
        return self._error("InternalServerError", f"The FSx emulator failed: {type(error).__name__}: {error}")

    def _error(
        self, code: str, message: str, members: dict[str, Any] | None = None, status: int | None = None
    ) -> tuple[int, str]:
        if status is None:
            status = 500 if code == "InternalServerError" else FRAMEWORK_STATUS.get(code, 400)
        return status, wire.error_body(code, message, members)

    def _drop_connection(self) -> None:
        """Close the client's connection without a response (server), or fail the send like one (in-process)."""
        environ = getattr(self.raw_request, "environ", None)
        if environ is not None and "werkzeug.socket" in environ:
            connection: socket.socket = environ["werkzeug.socket"]
            connection.shutdown(socket.SHUT_RDWR)
            connection.close()
        raise ConnectionClosedError(endpoint_url=self.uri)

    # ------------------------------------------------------------------ operations moto lacks or reads loosely
    def _params(self) -> dict[str, Any]:
        params: dict[str, Any] = self.params if isinstance(self.params, dict) else json.loads(self.body or "{}")
        return params

    def copy_backup(self) -> str:
        params = self._params()
        backup = self.fsx_backend.copy_backup(
            source_backup_id=params["SourceBackupId"],
            source_region=params.get("SourceRegion"),
            kms_key_id=params.get("KmsKeyId"),
            copy_tags=params.get("CopyTags") is True,
            tags=params.get("Tags"),
            client_request_token=params.get("ClientRequestToken"),
        )
        return json.dumps({"Backup": backup.to_dict()})

    def create_backup(self) -> str:
        params = self._params()
        backup = self.fsx_backend.create_backup(
            file_system_id=params.get("FileSystemId", ""),
            client_request_token=params.get("ClientRequestToken"),
            volume_id=params.get("VolumeId"),
            tags=params.get("Tags"),
        )
        return json.dumps({"Backup": backup.to_dict()})


def _error_members(code: str) -> list[str]:
    model = wire.service_model()
    if code not in model.shape_names:
        return []
    shape = model.shape_for(code)
    return [name for name in shape.members if name != "Message"] if isinstance(shape, StructureShape) else []
