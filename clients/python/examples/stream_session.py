#!/usr/bin/python3
"""Streams rig sessions to twinloop and prints what comes back, one JSON line per prediction or dead letter and a
summary line at the end.

    ./twinloop run --kafka-listen 127.0.0.1:9092          # elsewhere
    /usr/bin/python3 clients/python/examples/stream_session.py --bootstrap-servers 127.0.0.1:9092 --frames 90

Each session shows a drifting grating at --rate Hz (frame i at i / rate s on the rig's clock); the eye camera
samples at 20 Hz and the treadmill at 100 Hz on the same clock, all sent as they happen when --rate > 0 (0: as
fast as possible, the rig clock advancing by the schedule). --bad-frame-at K sends, after frame K of each session,
a frame of the wrong size, which must come back as a dead letter (wrong_frame_size) while the session goes on.
--virtual streams a stimulus optimiser's virtual sessions instead: frames only, the behaviour at its mean.
Exit status 0 when every frame sent got its prediction, in order; 1 otherwise.
"""
import argparse
import heapq
import json
import math
import os
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
from twinloop_rig import Rig, RigClock, pb, standardisation, wall_us  # noqa: E402

EYE_US = 50_000
TREADMILL_US = 10_000
TRAILING_US = 100_000  # the cameras run on a little after the last frame, as on a rig
# Raw behaviour of this synthetic mouse and the statistics it is standardised with (camera pixels, cm/s).
PUPIL_X, PUPIL_Y, PUPIL_RADIUS, SPEED = (320.0, 8.0), (240.0, 6.0), (20.0, 3.0), (5.0, 4.0)


def grating(index, width, height, rate_hz):
    """A sine grating drifting at 2 cycles/s, 0.1 cycles/pixel, as GRAY8 bytes [height, width]."""
    phase = 2 * math.pi * 2.0 * index / rate_hz
    row = bytes(int(127.5 + 127 * math.sin(2 * math.pi * 0.1 * x - phase)) for x in range(width))
    return row * height


def schedule(session_ids, frames, rate_hz):
    """Every event of every session in rig-clock order: (time_us, order, session index, kind, frame index)."""
    period_us = 1e6 / rate_hz
    last_us = int((frames - 1) * period_us)
    events = []
    for s in range(len(session_ids)):
        events += [(int(i * period_us), 2, s, "frame", i) for i in range(frames)]
        events += [(t, 0, s, "eye", 0) for t in range(0, last_us + TRAILING_US, EYE_US)]
        events += [(t, 1, s, "treadmill", 0) for t in range(0, last_us + TRAILING_US, TREADMILL_US)]
    heapq.heapify(events)
    return [heapq.heappop(events) for _ in range(len(events))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bootstrap-servers", default="127.0.0.1:9092")
    parser.add_argument("--model-id", default="twin", help="the --model-id twinloop serves (default twin)")
    parser.add_argument("--sessions", type=int, default=1)
    parser.add_argument("--session-prefix", default="rig-" + uuid.uuid4().hex[:8])
    parser.add_argument("--frames", type=int, default=90)
    parser.add_argument("--width", type=int, default=64)
    parser.add_argument("--height", type=int, default=36)
    parser.add_argument("--rate", type=float, default=30.0, help="frames per second; 0 = as fast as possible")
    parser.add_argument("--bad-frame-at", type=int, default=-1)
    parser.add_argument("--virtual", action="store_true",
                        help="virtual sessions, as a stimulus optimiser runs them: frames only, no telemetry")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the last predictions")
    parser.add_argument("--quiet", action="store_true", help="only the summary line")
    args = parser.parse_args()
    if args.frames < 1 or args.sessions < 1:
        parser.error("--frames and --sessions must be at least 1")

    rate = args.rate if args.rate > 0 else 30.0
    paced = args.rate > 0
    ids = [f"{args.session_prefix}-{k}" for k in range(args.sessions)]
    latencies_ms = []
    # The demo's stages (docs/latency.md), on the wall clocks of rig and service (one clock on one machine).
    stages_ms = {"stream": [], "queue": [], "model_step": [], "deliver": []}

    def show(item):
        if isinstance(item, pb.Prediction):
            received_us = wall_us()
            latency = (received_us - item.published_at_us) / 1000
            latencies_ms.append(latency)
            for stage, (a, b) in {"stream": (item.published_at_us, item.aligned_at_us),
                                  "queue": (item.aligned_at_us, item.step_started_at_us),
                                  "model_step": (item.step_started_at_us, item.step_finished_at_us),
                                  "deliver": (item.step_finished_at_us, received_us)}.items():
                stages_ms[stage].append((b - a) / 1000)
            line = {"session": item.session_id, "frame": item.frame_index, "units": len(item.values),
                    "mean": round(sum(item.values) / max(1, len(item.values)), 6),
                    "first": round(item.values[0], 6) if item.values else None,
                    "latency_ms": round(latency, 2), "telemetry_held": item.telemetry_held}
        elif isinstance(item, pb.DeadLetter):
            line = {"session": item.session_id, "dead_letter": pb.DeadLetterReason.Name(item.reason_code).lower(),
                    "detail": item.detail, "source_topic": item.source_topic}
        else:
            line = {"session": item.session_id, "streams_error": {k: v.decode("utf-8", "replace")
                                                                  for k, v in item.headers.items()
                                                                  if k.startswith("__streams.errors.message")}}
        if not args.quiet:
            print(json.dumps(line), flush=True)

    with Rig(args.bootstrap_servers) as rig:
        clock = RigClock()
        if args.virtual:
            sessions = [rig.start_virtual_session(s, args.model_id, args.width, args.height, frame_rate_hz=rate)
                        for s in ids]
        else:
            sessions = [rig.start_session(s, args.model_id, args.width, args.height, mouse_id="example-mouse",
                                          frame_rate_hz=rate, pupil_x=standardisation(*PUPIL_X),
                                          pupil_y=standardisation(*PUPIL_Y),
                                          pupil_radius=standardisation(*PUPIL_RADIUS),
                                          treadmill_velocity=standardisation(*SPEED)) for s in ids]
        for time_us, _, s, kind, index in schedule(ids, args.frames, rate):
            if paced:
                # Read what came back while waiting for the event's time; stamp with the clock when it is sent.
                while clock.now_us() < time_us:
                    for item in rig.receive(min(0.005, (time_us - clock.now_us()) / 1e6)):
                        show(item)
                time_us = clock.now_us()
            session, seconds = sessions[s], time_us / 1e6
            if kind != "frame" and args.virtual:
                continue
            if kind == "eye":
                session.eye(time_us, PUPIL_X[0] + 5 * math.sin(1.3 * seconds + s),
                            PUPIL_Y[0] + 4 * math.cos(0.7 * seconds), PUPIL_RADIUS[0] + 2 * math.sin(0.4 * seconds))
            elif kind == "treadmill":
                session.treadmill(time_us, max(0.0, SPEED[0] + 6 * math.sin(0.9 * seconds + s)))
            else:
                session.frame(index, time_us, grating(index, args.width, args.height, rate))
                if index == args.bad_frame_at:
                    bad = pb.StimulusFrame(session_id=session.session_id, frame_index=index + 1,
                                           timestamp_us=time_us, width=args.width, height=args.height,
                                           pixel_format=pb.GRAY8, pixels=bytes(args.width * args.height - 1),
                                           published_at_us=wall_us())
                    rig.send("twinloop.frames", session.session_id, bad.SerializeToString())
        for session in sessions:
            session.stop(clock.now_us() if paced else int(args.frames * 1e6 / rate) + TRAILING_US)
        rig.flush()
        results = rig.await_sessions(ids, args.timeout, on_item=show)

    predicted = sum(len(r.predictions) for r in results.values())
    dead_letters = {}
    for r in results.values():
        for d in r.dead_letters:
            reason = pb.DeadLetterReason.Name(d.reason_code).lower() if isinstance(d, pb.DeadLetter) else "streams"
            dead_letters[reason] = dead_letters.get(reason, 0) + 1
    out_of_order = sum(0 if r.in_order else 1 for r in results.values())
    lost = sum(len(set(range(args.frames)) - set(r.frame_indices)) for r in results.values())
    def quantile(values, q):
        values = sorted(values)
        return round(values[min(len(values) - 1, int(q * len(values)))], 2) if values else None

    print(json.dumps({"sessions": ids, "frames_sent": args.frames * len(ids), "predictions": predicted, "lost": lost,
                      "out_of_order_sessions": out_of_order, "dead_letters": dead_letters,
                      "latency_ms": {"p50": quantile(latencies_ms, 0.5), "p99": quantile(latencies_ms, 0.99),
                                     "max": quantile(latencies_ms, 1.0)},
                      "stages_ms": {k: {"p50": quantile(v, 0.5), "p99": quantile(v, 0.99)}
                                    for k, v in stages_ms.items()}}), flush=True)
    return 0 if lost == 0 and out_of_order == 0 and predicted == args.frames * len(ids) else 1


if __name__ == "__main__":
    sys.exit(main())
