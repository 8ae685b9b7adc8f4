"""The provider in each resource's ``__provider``: a short reference, the same every time, and cheap to make.

The SDK's serialize_provider (3.272) wraps pickle's ``_batch_setitems`` once more on every call and never unwraps
it, so pickling any dict walks one frame per resource declared so far. A provider whose pickled state was an empty
dict made each declaration slower than the last, and about 985 resources in one program failed with RecursionError.
"""

import base64
import sys

import dill
from pulumi.dynamic.dynamic import serialize_provider

from fsx_backup_copy_provider import BackupCopyProvider
from fsx_backup_copy_provider.context import PROCESS_CONTEXT

# What 0.2.0 stored (an empty state dict after the reference): stacks deployed with it must load unchanged.
STORED_BY_0_2_0 = (
    "gASVQgAAAAAAAACMIWZzeF9iYWNrdXBfY29weV9wcm92aWRlci5wcm92aWRlcpSMEkJhY2t1cENvcHlQcm92aWRlcpSTlCmBlH2UYi4="
)


def test_a_program_of_more_resources_than_the_recursion_limit_pickles_every_provider_alike() -> None:
    count = sys.getrecursionlimit() + 200
    pickled = {serialize_provider(BackupCopyProvider()) for _ in range(count)}
    assert len(pickled) == 1
    [reference] = pickled
    assert len(reference) < 200  # a reference to the installed class, no code
    loaded = dill.loads(base64.b64decode(reference))
    assert type(loaded) is BackupCopyProvider and loaded.context is PROCESS_CONTEXT


def test_the_provider_stored_by_0_2_0_still_loads() -> None:
    loaded = dill.loads(base64.b64decode(STORED_BY_0_2_0))
    assert type(loaded) is BackupCopyProvider and loaded.context is PROCESS_CONTEXT
