"""twinloop's rig client: stream a session's frames, eye and treadmill samples to twinloop over Kafka and read its
predictions and dead letters back. See clients/python/README.md."""
from .proto import ProtoError
from .rig import (DEAD_LETTER, PREDICTIONS, Rig, RigClock, RigError, Session, SessionResults, StreamsError, pb,
                  standardisation, wall_us)

__all__ = ["DEAD_LETTER", "PREDICTIONS", "ProtoError", "Rig", "RigClock", "RigError", "Session", "SessionResults",
           "StreamsError", "pb", "standardisation", "wall_us"]
