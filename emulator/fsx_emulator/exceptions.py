"""FSx error types, serialised the way the real service sends them.

4xx errors are moto ``ServiceException`` subclasses: moto serialises them from the botocore error shape, so
modelled members (``Limit``, ``Parameter``, ``BackupId``, ``ResourceARN``) reach ``e.response`` and
``client.exceptions.<Code>`` works. Errors whose HTTP status matters for retries (5xx, throttling) are
``JsonRESTError`` with an explicit status, because ServiceException is always sent as 400. responses.py
serialises both as AWS JSON 1.1 (see wire.error_body).
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


class VolumeNotFound(ServiceException):
    code = "VolumeNotFound"

    def __init__(self, volume_id: str) -> None:
        super().__init__(f"Volume '{volume_id}' does not exist.")


class BackupRestoring(ServiceException):
    code = "BackupRestoring"

    def __init__(self, backup_id: str, file_system_id: str) -> None:
        super().__init__(f"Backup '{backup_id}' is being used to restore file system '{file_system_id}'.")
        self.file_system_id = file_system_id


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


# A well-formed FSx ARN for members of ResourceARN's shape in injected errors.
SAMPLE_ARN = "arn:aws:fsx:us-east-1:123456789012:backup/backup-00000000000000000"


def injectable(code: str, message: str | None) -> Exception:
    """An FSx error (or throttling/5xx) by its code, for fault injection; modelled members get sample values."""
    samples: dict[str, Exception] = {
        "BackupNotFound": BackupNotFound("backup-00000000000000000"),
        "FileSystemNotFound": FileSystemNotFound("fs-00000000000000000"),
        "SourceBackupUnavailable": SourceBackupUnavailable("backup-00000000000000000", "CREATING"),
        "ServiceLimitExceeded": ServiceLimitExceeded("TOTAL_IN_PROGRESS_COPY_BACKUPS", "Injected limit"),
        "IncompatibleParameterError": IncompatibleParameterError("ClientRequestToken"),
        "BackupBeingCopied": BackupBeingCopied("backup-00000000000000000"),
        "ResourceNotFound": ResourceNotFound(SAMPLE_ARN),
        # Its one argument is the ARN (a member with the model's FSx-ARN pattern), not the message.
        "NotServiceResourceError": NotServiceResourceError(SAMPLE_ARN),
        "VolumeNotFound": VolumeNotFound("fsvol-00000000000000000"),
        "BackupRestoring": BackupRestoring("backup-00000000000000000", "fs-00000000000000000"),
    }
    if code in samples:
        error = samples[code]
        if message and isinstance(error, ServiceException):
            error.message = message
            error.args = (message,)
        return error
    error_type = INJECTABLE_ERRORS[code]
    if issubclass(error_type, ServiceException):
        return error_type(message or f"Injected {code}")
    return error_type(message) if message else error_type()


# Error codes a fault plan may inject.
INJECTABLE_ERRORS: dict[str, type[Exception]] = {
    "InternalServerError": InternalServerError,
    "ThrottlingException": ThrottlingException,
    **{
        cls.code: cls
        for cls in (
            BadRequest,
            InvalidRegion,
            InvalidSourceKmsKey,
            InvalidDestinationKmsKey,
            UnsupportedOperation,
            IncompatibleRegionForMultiAZ,
            BackupInProgress,
            NotServiceResourceError,
        )
    },
    **{
        name: ServiceException
        for name in (
            "BackupNotFound",
            "FileSystemNotFound",
            "SourceBackupUnavailable",
            "ServiceLimitExceeded",
            "IncompatibleParameterError",
            "BackupBeingCopied",
            "ResourceNotFound",
            "VolumeNotFound",
            "BackupRestoring",
        )
    },
}
