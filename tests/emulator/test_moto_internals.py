"""Smoke test of the moto internals the emulator relies on: an upgrade that moves them fails here, loudly."""

import inspect

import moto
from moto.core.base_backend import BackendDict, BaseBackend
from moto.core.responses import BaseResponse
from moto.fsx import models as fsx_models
from moto.fsx.responses import FSxResponse
from moto.moto_api import state_manager
from moto.moto_api._internal import urls as moto_api_urls
from moto.moto_api._internal.managed_state_model import ManagedState


def test_pinned_moto_version() -> None:
    assert moto.__version__ == "5.2.5", "re-check every internal below, then update the pin and this test"


def test_backend_dict_class_swap_points() -> None:
    assert isinstance(fsx_models.fsx_backends, BackendDict)
    assert hasattr(fsx_models.fsx_backends, "backend")
    assert isinstance(inspect.getattr_static(BaseBackend, "_url_module"), property)
    assert "reset" in vars(BaseBackend)


def test_fsx_backend_shape() -> None:
    signature = inspect.signature(fsx_models.FSxBackend.describe_backups)
    assert list(signature.parameters)[:3] == ["self", "backup_ids", "filters"]
    assert hasattr(fsx_models.FSxBackend.describe_backups, "__wrapped__")  # @paginate keeps it
    for name in ("tag_resource", "untag_resource", "list_tags_for_resource", "delete_backup", "create_backup"):
        assert callable(getattr(fsx_models.FSxBackend, name))
    assert "fsx_backend" in vars(FSxResponse)


def test_response_dispatch_hooks() -> None:
    for name in ("setup_class", "call_action", "_get_action", "serialized", "dispatch"):
        assert hasattr(BaseResponse, name), name


def test_state_manager_and_managed_state() -> None:
    for name in ("register_default_transition", "set_transition", "unset_transition", "get_transition"):
        assert callable(getattr(state_manager, name))
    state = ManagedState("x::y", [("A", "B")])
    assert {"_status", "_tick", "_transitions"} <= set(vars(state))
    assert isinstance(inspect.getattr_static(ManagedState, "status"), property)


def test_moto_api_routes_are_a_mutable_dict() -> None:
    assert isinstance(moto_api_urls.url_paths, dict)
    assert any(path.endswith("/moto-api/reset") for path in moto_api_urls.url_paths)


def test_unsigned_request_routing_and_file_system_attributes() -> None:
    """installer.py adds FSx to moto's unsigned-request routing; models.py renames moto's file systems."""
    from moto.moto_server import werkzeug_app

    assert isinstance(werkzeug_app.UNSIGNED_REQUESTS, dict)
    assert "infer_service_region_host" in vars(werkzeug_app.DomainDispatcherApplication)
    file_system_init = inspect.getsource(fsx_models.FileSystem.__init__)
    for attribute in ("self.file_system_id", "self.dns_name", "self.resource_arn"):
        assert attribute in file_system_init
