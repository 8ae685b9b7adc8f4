"""FSx error types, serialised the way the real service sends them.

4xx errors are moto ``ServiceException`` subclasses: moto serialises them from the botocore error shape, so
modelled members (``Limit``, ``Parameter``, ``BackupId``, ``ResourceARN``) reach ``e.response`` and
``client.exceptions.<Code>`` works. Errors whose HTTP status matters for retries (5xx, throttling) are
``JsonRESTError`` with an explicit status, because ServiceException is always sent as 400.
"""

from moto.core.exceptions import JsonRESTError, ServiceException


class BackupNotFound(ServiceException):
    code = "BackupNotFound"

    def __init__(self, backup_id: str) -> None:
        super().__init__(f"Backup '{backup_id}' does not exist.")


class FileSystemNotFound(ServiceException):
    code = "FileSystemNotFound"

    def __init__(self, file_system_id: str) -> None:
        super().__init__(f"File system '{file_system_id}' does not exist.")


class BadRequest(ServiceException):
    code = "BadRequest"


class InvalidRegion(ServiceException):
    code = "InvalidRegion"


class InvalidSourceKmsKey(ServiceException):
    code = "InvalidSourceKmsKey"


class InvalidDestinationKmsKey(ServiceException):
    code = "InvalidDestinationKmsKey"


class UnsupportedOperation(ServiceException):
    code = "UnsupportedOperation"


class IncompatibleRegionForMultiAZ(ServiceException):
    code = "IncompatibleRegionForMultiAZ"


class SourceBackupUnavailable(ServiceException):
    code = "SourceBackupUnavailable"

    def __init__(self, backup_id: str, lifecycle: str) -> None:
        super().__init__(
            f"The source backup '{backup_id}' is {lifecycle}; its lifecycle status must be AVAILABLE to copy it."
        )
        self.backup_id = backup_id


class ServiceLimitExceeded(ServiceException):
    code = "ServiceLimitExceeded"

    def __init__(self, limit: str, message: str) -> None:
        super().__init__(message)
        self.limit = limit


class IncompatibleParameterError(ServiceException):
    code = "IncompatibleParameterError"

    def __init__(self, parameter: str) -> None:
        super().__init__(
            f"The request uses the same client request token as a previous request, but parameter "
            f"'{parameter}' differs."
        )
        self.parameter = parameter


class BackupInProgress(ServiceException):
    code = "BackupInProgress"


class BackupBeingCopied(ServiceException):
    code = "BackupBeingCopied"

    def __init__(self, backup_id: str) -> None:
        super().__init__(f"Backup '{backup_id}' is being copied and cannot be deleted until the copy finishes.")
        self.backup_id = backup_id


class ResourceNotFound(ServiceException):
    code = "ResourceNotFound"

    def __init__(self, resource_arn: str) -> None:
        super().__init__(f"Resource '{resource_arn}' does not exist.")
        self.resource_arn = resource_arn


class NotServiceResourceError(ServiceException):
    code = "NotServiceResourceError"

    def __init__(self, resource_arn: str) -> None:
        super().__init__(f"Resource '{resource_arn}' is not a resource type owned by Amazon FSx.")
        self.resource_arn = resource_arn


class InternalServerError(JsonRESTError):
    code = 500

    def __init__(self, message: str = "An internal error occurred. Please retry.") -> None:
        super().__init__("InternalServerError", message)


class ThrottlingException(JsonRESTError):
    code = 400

    def __init__(self, message: str = "Rate exceeded") -> None:
        super().__init__("ThrottlingException", message)


# Error codes a fault plan may inject, with how to build each one.
INJECTABLE_ERRORS: dict[str, type[Exception]] = {
    "InternalServerError": InternalServerError,
    "ThrottlingException": ThrottlingException,
    "BadRequest": BadRequest,
    "ServiceLimitExceeded": ServiceLimitExceeded,
}
