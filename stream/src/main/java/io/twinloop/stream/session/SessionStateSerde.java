package io.twinloop.stream.session;

import io.twinloop.proto.v1.SessionStart;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Store (and changelog) format of {@link SessionState}: a version byte, then fixed fields. */
public final class SessionStateSerde implements Serde<SessionState> {
    private static final byte VERSION = 1;

    @Override
    public Serializer<SessionState> serializer() {
        return (topic, state) -> state == null ? null : write(state);
    }

    @Override
    public Deserializer<SessionState> deserializer() {
        return (topic, bytes) -> bytes == null ? null : read(bytes);
    }

    static byte[] write(SessionState state) {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            byte[] start = state.start().toByteArray();
            out.writeInt(start.length);
            out.write(start);
            out.writeLong(state.lastAccepted());
            out.writeLong(state.stopIndex());
            out.writeLong(state.stopRequestedAtMs());
            out.writeInt(state.gaps().size());
            for (SessionState.Gap gap : state.gaps()) {
                out.writeLong(gap.from());
                out.writeLong(gap.to());
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SessionState read(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new IllegalStateException("session state version " + version + ", expected " + VERSION);
            }
            byte[] start = new byte[in.readInt()];
            in.readFully(start);
            long lastAccepted = in.readLong();
            long stopIndex = in.readLong();
            long stopRequestedAtMs = in.readLong();
            int gapCount = in.readInt();
            List<SessionState.Gap> gaps = new ArrayList<>(gapCount);
            for (int i = 0; i < gapCount; i++) {
                gaps.add(new SessionState.Gap(in.readLong(), in.readLong()));
            }
            return new SessionState(SessionStart.parseFrom(start), lastAccepted, gaps, stopIndex, stopRequestedAtMs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
