"""The wire classes, made by protoc from the project's proto file when first needed.

The one definition of the contract is ``proto/src/main/proto/twinloop/v1/twinloop.proto``; nothing generated is
committed. ``load()`` imports ``twinloop.v1.twinloop_pb2`` from ``generated/`` beside this package (or
``$TWINLOOP_PROTO_OUT``), and first runs ``protoc`` (Debian's ``protobuf-compiler`` 3.21 works) when the module is
missing or older than the proto file. ``$TWINLOOP_PROTO_PATH`` names the folder that holds ``twinloop/v1/`` when the
client lives outside the repository; ``$TWINLOOP_PROTOC`` the compiler.
"""
import importlib
import os
import shutil
import subprocess
import sys

PROTO_FILE = os.path.join("twinloop", "v1", "twinloop.proto")
_HERE = os.path.dirname(os.path.abspath(__file__))
_CLIENT_ROOT = os.path.dirname(_HERE)


class ProtoError(RuntimeError):
    """The wire classes could not be made: no protoc, no proto file, or protoc refused it."""


def proto_path():
    """The folder holding ``twinloop/v1/twinloop.proto``: $TWINLOOP_PROTO_PATH or the repository's."""
    path = os.environ.get("TWINLOOP_PROTO_PATH") or os.path.join(
        _CLIENT_ROOT, os.pardir, os.pardir, "proto", "src", "main", "proto")
    path = os.path.normpath(path)
    if not os.path.isfile(os.path.join(path, PROTO_FILE)):
        raise ProtoError(f"no {PROTO_FILE} under {path}: set TWINLOOP_PROTO_PATH to the folder that holds twinloop/")
    return path


def output_path():
    """Where the generated module goes: $TWINLOOP_PROTO_OUT or generated/ beside the package."""
    return os.path.normpath(os.environ.get("TWINLOOP_PROTO_OUT") or os.path.join(_CLIENT_ROOT, "generated"))


def generate(source=None, out=None):
    """Runs protoc on the proto file; returns the folder to put on sys.path."""
    source = source or proto_path()
    out = out or output_path()
    protoc = os.environ.get("TWINLOOP_PROTOC") or shutil.which("protoc")
    if not protoc:
        raise ProtoError("protoc not found: install Debian's protobuf-compiler (or set TWINLOOP_PROTOC)")
    os.makedirs(out, exist_ok=True)
    done = subprocess.run([protoc, "-I", source, "--python_out=" + out, PROTO_FILE],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise ProtoError(f"protoc failed on {os.path.join(source, PROTO_FILE)}: {done.stderr.strip()}")
    return out


def _stale(module_file, source):
    return (not os.path.isfile(module_file)
            or os.path.getmtime(module_file) < os.path.getmtime(os.path.join(source, PROTO_FILE)))


def load():
    """The generated module ``twinloop.v1.twinloop_pb2`` (made first if missing or stale)."""
    out = output_path()
    module_file = os.path.join(out, "twinloop", "v1", "twinloop_pb2.py")
    try:
        source = proto_path()
    except ProtoError:
        if not os.path.isfile(module_file):
            raise
        source = None  # generated before, away from the repository: use it as it is
    if source is not None and _stale(module_file, source):
        generate(source, out)
    if out not in sys.path:
        sys.path.insert(0, out)
    return importlib.import_module("twinloop.v1.twinloop_pb2")
