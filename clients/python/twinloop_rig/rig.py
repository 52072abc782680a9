"""A rig's side of twinloop over Kafka: sessions out, predictions and dead letters back.

What goes where (README "Connect a rig", docs/stream.md): every record is keyed by its session id; the start and
stop on ``twinloop.control``, frames on ``twinloop.frames``, eye and treadmill samples on ``twinloop.telemetry``;
``twinloop.predictions`` brings one ``Prediction`` per accepted frame in frame order, ``twinloop.dead-letter`` a
``DeadLetter`` (reason, detail, the rejected bytes) for every record the service refused.
"""
import time
import uuid
from dataclasses import dataclass, field

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from google.protobuf.message import DecodeError

from . import proto

pb = proto.load()

# The topic names of io.twinloop.proto.Topics (module proto), the one list the service creates.
FRAMES = "twinloop.frames"
TELEMETRY = "twinloop.telemetry"
CONTROL = "twinloop.control"
PREDICTIONS = "twinloop.predictions"
DEAD_LETTER = "twinloop.dead-letter"

# io.twinloop.proto.DeadLetters: twinloop's own dead letters carry this header; records without it on the
# dead-letter topic were written by Kafka Streams' own queue (a bug in the stream, raw bytes and error headers).
DLQ_HEADER = "twinloop.dlq"
DLQ_HEADER_VALUE = b"protobuf"

_BYTES_PER_PIXEL = {pb.GRAY8: 1, pb.GRAY_F32: 4}


class RigError(RuntimeError):
    """The broker cannot be reached, a topic is missing, or a record was not acknowledged."""


def wall_us():
    """Wall-clock microseconds since the Unix epoch (the ``published_at_us`` of a frame: latency only)."""
    return time.time_ns() // 1000


class RigClock:
    """The rig's clock in microseconds: monotonic, zero when made. Frames and samples are stamped with it; the
    service aligns telemetry to frames on this clock, never on the wall clock."""

    def __init__(self):
        self._start_ns = time.monotonic_ns()

    def now_us(self):
        return (time.monotonic_ns() - self._start_ns) // 1000


@dataclass(frozen=True)
class StreamsError:
    """A raw record written to the dead-letter topic by Kafka Streams itself (no ``twinloop.dlq`` header):
    an unexpected failure in the stream, with ``__streams.errors.*`` headers saying which."""
    session_id: str
    value: bytes
    headers: dict


@dataclass
class SessionResults:
    """What came back for one session, in arrival order (which is frame order: one partition per session)."""
    session_id: str
    predictions: list = field(default_factory=list)
    dead_letters: list = field(default_factory=list)
    # Frame indices with a prediction or a dead letter of a frame with that index.
    answered_indices: set = field(default_factory=set)

    def add(self, item):
        if isinstance(item, pb.Prediction):
            self.predictions.append(item)
            self.answered_indices.add(item.frame_index)
            return
        self.dead_letters.append(item)
        if isinstance(item, pb.DeadLetter) and item.source_topic == FRAMES:
            try:
                self.answered_indices.add(pb.StimulusFrame.FromString(item.original_value).frame_index)
            except DecodeError:  # not a frame at all (undecodable): it answers no index
                pass

    @property
    def frame_indices(self):
        return [p.frame_index for p in self.predictions]

    @property
    def in_order(self):
        """Whether every prediction came after the one of the previous frame, each frame once."""
        indices = self.frame_indices
        return all(b > a for a, b in zip(indices, indices[1:]))


class Session:
    """One session of a rig (or, virtual, of a stimulus optimiser): made by ``Rig.start_session``."""

    def __init__(self, rig, session_id, width, height, virtual):
        self.rig = rig
        self.session_id = session_id
        self.width = width
        self.height = height
        self.virtual = virtual
        self.frames_sent = 0
        self.sent_indices = set()
        self.last_frame_index = -1
        self.stopped = False

    def frame(self, index, timestamp_us, pixels, pixel_format=None):
        """Sends a stimulus frame: ``index`` 0, 1, 2, ...; ``timestamp_us`` on the rig's clock; ``pixels`` row-major
        [height, width] as bytes (GRAY8 unless ``pixel_format`` says otherwise) or a NumPy array (uint8: GRAY8,
        float32 in [0, 1]: GRAY_F32)."""
        if self.stopped:
            raise ValueError(f"session {self.session_id} is stopped")
        pixels, pixel_format = _pixel_bytes(pixels, pixel_format)
        expected = self.width * self.height * _BYTES_PER_PIXEL[pixel_format]
        if len(pixels) != expected:
            raise ValueError(f"frame {index} of {self.session_id}: {len(pixels)} pixel bytes, expected {expected} "
                             f"({self.width} x {self.height}, {pb.PixelFormat.Name(pixel_format)})")
        message = pb.StimulusFrame(session_id=self.session_id, frame_index=index, timestamp_us=timestamp_us,
                                   width=self.width, height=self.height, pixel_format=pixel_format, pixels=pixels,
                                   published_at_us=wall_us())
        self.rig.send(FRAMES, self.session_id, message.SerializeToString())
        self.frames_sent += 1
        self.sent_indices.add(index)
        self.last_frame_index = max(self.last_frame_index, index)

    def eye(self, timestamp_us, pupil_x, pupil_y, pupil_radius):
        """Sends an eye-tracking sample (camera pixels, raw: the service standardises with the start's statistics)."""
        self._telemetry(pb.Telemetry(eye=pb.EyeSample(session_id=self.session_id, timestamp_us=timestamp_us,
                                                      pupil_x=pupil_x, pupil_y=pupil_y,
                                                      pupil_radius=pupil_radius)))

    def treadmill(self, timestamp_us, velocity):
        """Sends a treadmill sample (cm/s, raw)."""
        self._telemetry(pb.Telemetry(treadmill=pb.TreadmillSample(session_id=self.session_id,
                                                                  timestamp_us=timestamp_us, velocity=velocity)))

    def _telemetry(self, message):
        if self.virtual:
            raise ValueError(f"session {self.session_id} is virtual: it takes no telemetry")
        self.rig.send(TELEMETRY, self.session_id, message.SerializeToString())

    def stop(self, timestamp_us=0):
        """Ends the session after the last frame sent (frames sent later are rejected as unknown_session)."""
        control = pb.SessionControl(session_id=self.session_id, timestamp_us=timestamp_us,
                                    stop=pb.SessionStop(last_frame_index=self.last_frame_index))
        self.rig.send(CONTROL, self.session_id, control.SerializeToString())
        self.stopped = True


def _pixel_bytes(pixels, pixel_format):
    if hasattr(pixels, "dtype"):  # a NumPy array, without importing NumPy
        kind = str(pixels.dtype)
        if pixel_format is None:
            pixel_format = {"uint8": pb.GRAY8, "float32": pb.GRAY_F32}.get(kind)
            if pixel_format is None:
                raise ValueError(f"pixels of dtype {kind}: send uint8 (GRAY8) or float32 in [0, 1] (GRAY_F32)")
        pixels = pixels.astype("<f4" if pixel_format == pb.GRAY_F32 else "u1", copy=False).tobytes()
    return bytes(pixels), pb.GRAY8 if pixel_format is None else pixel_format


def standardisation(mean, std):
    """The statistics the service standardises one behaviour input with: (x - mean) / std."""
    return pb.Standardisation(mean=mean, std=std)


class Rig:
    """A connection to twinloop's broker: starts sessions, sends their records, and reads what comes back.

    Reading starts at the end of the prediction and dead-letter topics as they are when the rig connects, so every
    result of a session started later is seen, and nothing older is read again.
    """

    def __init__(self, bootstrap_servers, producer_config=None, consumer_config=None, timeout_s=30.0):
        self.bootstrap_servers = bootstrap_servers
        self._failures = []
        self._sessions = {}
        self._results = {}
        self._producer = Producer({"bootstrap.servers": bootstrap_servers, "linger.ms": 0,
                                   "enable.idempotence": True, **(producer_config or {})})
        self._consumer = Consumer({"bootstrap.servers": bootstrap_servers,
                                   "group.id": "twinloop-rig-" + uuid.uuid4().hex, "enable.auto.commit": False,
                                   "auto.offset.reset": "earliest", **(consumer_config or {})})
        self._assign_at_end([PREDICTIONS, DEAD_LETTER], timeout_s)

    def _assign_at_end(self, topics, timeout_s):
        try:
            metadata = self._consumer.list_topics(timeout=timeout_s)
        except KafkaException as e:
            raise RigError(f"no broker at {self.bootstrap_servers}: {e}") from None
        assignment = []
        for topic in topics:
            info = metadata.topics.get(topic)
            if info is None or info.error is not None or not info.partitions:
                raise RigError(f"topic {topic} not found at {self.bootstrap_servers}: is twinloop running there?")
            for partition in info.partitions:
                _, high = self._consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=timeout_s)
                assignment.append(TopicPartition(topic, partition, high))
        self._consumer.assign(assignment)

    # --- sending ---

    def _delivered(self, error, message):
        if error is not None:
            self._failures.append(f"{message.topic()} key {message.key()!r}: {error}")

    def send(self, topic, session_id, value):
        """Publishes one record keyed by the session id (what every message of twinloop is keyed by)."""
        while True:
            try:
                self._producer.produce(topic, value=value, key=session_id.encode("utf-8"),
                                       on_delivery=self._delivered)
                break
            except BufferError:  # the local queue is full: let the producer send, then try again
                self._producer.poll(0.05)
        self._producer.poll(0)

    def flush(self, timeout_s=30.0):
        """Waits until the broker acknowledged every record sent; raises RigError on any that failed."""
        left = self._producer.flush(timeout_s)
        if left:
            raise RigError(f"{left} records not acknowledged within {timeout_s} s by {self.bootstrap_servers}")
        if self._failures:
            failures, self._failures = self._failures, []
            raise RigError(f"{len(failures)} records failed, first: {failures[0]}")

    def start_session(self, session_id, model_id, width, height, mouse_id="", frame_rate_hz=30.0,
                      pupil_x=None, pupil_y=None, pupil_radius=None, treadmill_velocity=None, timestamp_us=0):
        """Starts a rig session: the model to serve it, the frame size, and the statistics that standardise
        each behaviour input (``standardisation(mean, std)``; the rig's own, e.g. from its last sessions)."""
        for name, stats in (("pupil_x", pupil_x), ("pupil_y", pupil_y), ("pupil_radius", pupil_radius),
                            ("treadmill_velocity", treadmill_velocity)):
            if stats is None or not stats.std > 0:
                raise ValueError(f"session {session_id}: {name} needs standardisation(mean, std) with std > 0")
        start = pb.SessionStart(mouse_id=mouse_id, model_id=model_id, frame_rate_hz=frame_rate_hz, width=width,
                                height=height, pupil_x=pupil_x, pupil_y=pupil_y, pupil_radius=pupil_radius,
                                treadmill_velocity=treadmill_velocity)
        return self._start(session_id, start, timestamp_us, virtual=False)

    def start_virtual_session(self, session_id, model_id, width, height, frame_rate_hz=30.0, timestamp_us=0):
        """Starts a stimulus optimiser's session without a rig: no telemetry, the behaviour inputs read as their
        means, and frames never wait for samples."""
        start = pb.SessionStart(model_id=model_id, frame_rate_hz=frame_rate_hz, width=width, height=height,
                                is_virtual=True)
        return self._start(session_id, start, timestamp_us, virtual=True)

    def _start(self, session_id, start, timestamp_us, virtual):
        if not session_id:
            raise ValueError("a session needs a non-empty id")
        control = pb.SessionControl(session_id=session_id, timestamp_us=timestamp_us, start=start)
        self.send(CONTROL, session_id, control.SerializeToString())
        session = Session(self, session_id, start.width, start.height, virtual)
        self._sessions[session_id] = session
        self._results[session_id] = SessionResults(session_id)
        return session

    # --- receiving ---

    def receive(self, timeout_s=1.0):
        """Yields what comes back for this rig's sessions until ``timeout_s`` has passed and nothing more waits
        (0: what is there now): ``Prediction``, ``DeadLetter`` or ``StreamsError``, each session's in order.
        Records of other sessions are skipped."""
        deadline = time.monotonic() + timeout_s
        while True:
            # At least one poll, so that receive(0) yields what has arrived without waiting.
            message = self._consumer.poll(max(0.0, min(deadline - time.monotonic(), 0.2)))
            if message is None:
                if time.monotonic() >= deadline:
                    return
                continue
            if message.error():
                raise RigError(f"reading {message.topic()}: {message.error()}")
            key = message.key().decode("utf-8", "replace") if message.key() is not None else ""
            item = self._decode(message, key)
            session_id = getattr(item, "session_id", "") or key
            if session_id in self._results:
                self._results[session_id].add(item)
                yield item

    @staticmethod
    def _decode(message, key):
        if message.topic() == PREDICTIONS:
            return pb.Prediction.FromString(message.value())
        headers = dict(message.headers() or [])
        if headers.get(DLQ_HEADER) == DLQ_HEADER_VALUE:
            return pb.DeadLetter.FromString(message.value())
        return StreamsError(key, message.value() or b"", headers)

    def results(self, session_id):
        """Everything received so far for a session (``SessionResults``)."""
        return self._results[session_id]

    def complete(self, session_id):
        """Whether a stopped session has an answer for every frame index it sent: the prediction of its last frame
        (predictions of one session arrive in frame order), or for each index a prediction or a rejection."""
        session, results = self._sessions[session_id], self._results[session_id]
        if not session.stopped:
            return False
        if results.predictions and results.predictions[-1].frame_index == session.last_frame_index:
            return True
        return session.sent_indices <= results.answered_indices

    def await_sessions(self, session_ids, timeout_s=60.0, on_item=None):
        """Receives until every given (stopped) session is complete or ``timeout_s`` passes; returns their
        ``SessionResults`` by id. ``on_item`` sees each item as it arrives."""
        deadline = time.monotonic() + timeout_s
        session_ids = list(session_ids)
        while not all(self.complete(s) for s in session_ids):
            left = deadline - time.monotonic()
            if left <= 0:
                break
            for item in self.receive(min(left, 0.5)):
                if on_item is not None:
                    on_item(item)
                if all(self.complete(s) for s in session_ids):
                    break
        return {s: self._results[s] for s in session_ids}

    def close(self):
        try:
            self.flush()
        finally:
            self._consumer.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
