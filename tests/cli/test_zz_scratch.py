import runpy
import shutil
from pathlib import Path

from tests.cli.realengine import RealStack
from tests.support import ROOT, FsxAccount

EX = ROOT / "examples" / "cross-region-dr"

def prog() -> None:
    runpy.run_path(str(EX / "__main__.py"), run_name="__main__")

def test_scratch(real_cli: Path, server_account: FsxAccount, tmp_path: Path) -> None:
    src = server_account.source_backup("us-east-2", tags={"team": "storage"})
    server_account.kms_key("us-west-2", alias="alias/dr-one")
    server_account.kms_key("us-west-2", alias="alias/dr-two")
    s = RealStack(cli=real_cli, root=tmp_path, endpoint=server_account.endpoint_url or "", project="cross-region-dr")
    log = tmp_path / "grpc.log"
    s.extra_env["PULUMI_DEBUG_GRPC"] = str(log)
    s.program = prog
    s.set_config({"aws:region": "us-west-2", "cross-region-dr:sourceBackupId": src, "cross-region-dr:sourceRegion": "us-east-2", "cross-region-dr:kmsKeyId": "alias/dr-one"})
    marks = []
    def mark(n):
        marks.append((n, len(log.read_text().splitlines()) if log.exists() else 0))
    mark("start")
    s.up(); mark("up")
    s.preview(expect_no_changes=True); mark("preview")
    s.set_config({"cross-region-dr:tags": '{"team":"storage"}'})
    s.up(); mark("tag")
    s.up(refresh=True); mark("up-refresh")
    s.destroy(); mark("destroy")
    shutil.copy(log, "/tmp/scratch/real.log")
    Path("/tmp/scratch/marks").write_text(repr(marks))
    s.end_leftover_processes()
