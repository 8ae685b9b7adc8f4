"""Wire translation only: parse FSx JSON requests, call models.py, serialise the results.

Injected faults are applied here, before a call reaches the domain rules, because they stand for what happens
between the client and the service (throttling, 5xx, a dropped connection), not for FSx behaviour.
"""

import json
import socket
import time
from typing import Any

from botocore.exceptions import ConnectionClosedError
from moto.core.common_types import TYPE_RESPONSE
from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult
from moto.fsx.responses import FSxResponse

from .faults import DROP_CONNECTION, HOLD_RESPONSE
from .models import EmulatedFSxBackend
from .state import STATE


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

    def call_action(self) -> TYPE_RESPONSE:
        STATE.count_call(self._get_action())
        fault = STATE.faults.take(self._get_action())
        if fault is None:
            return super().call_action()
        if fault.error == HOLD_RESPONSE:
            response = super().call_action()
            time.sleep(float(fault.message or 5))  # simulated network delay, not synchronisation
            return response
        if fault.error == DROP_CONNECTION:
            self._drop_connection()
        error = fault.build()
        if isinstance(error, ServiceException):
            return self.serialized(ActionResult(error))
        status: int = error.code  # type: ignore[attr-defined]
        return status, dict(error.get_headers()), error.get_body()  # type: ignore[attr-defined]

    def _drop_connection(self) -> None:
        """Close the client's connection without a response (server), or fail the send like one (in-process)."""
        environ = getattr(self.raw_request, "environ", None)
        if environ is not None and "werkzeug.socket" in environ:
            connection: socket.socket = environ["werkzeug.socket"]
            connection.shutdown(socket.SHUT_RDWR)
            connection.close()
        raise ConnectionClosedError(endpoint_url=self.uri)

    def _params(self) -> dict[str, Any]:
        params: dict[str, Any] = json.loads(self.body or "{}")
        return params

    def copy_backup(self) -> str:
        params = self._params()
        backup = self.fsx_backend.copy_backup(
            source_backup_id=params["SourceBackupId"],
            source_region=params.get("SourceRegion"),
            kms_key_id=params.get("KmsKeyId"),
            copy_tags=bool(params.get("CopyTags", False)),
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
