package io.twinloop.recordings.npy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Random access to a {@code .npy} file by rows of its first axis, so that a training clip of 70 frames is read
 * without loading the whole trial. A Fortran-order file has no contiguous rows: it is read whole and the rows
 * cut out.
 */
public final class NpyFile {

    private final Path path;
    private final NpyHeader header;

    private NpyFile(Path path, NpyHeader header) {
        this.path = path;
        this.header = header;
    }

    /** Reads only the header of {@code path}. */
    public static NpyFile open(Path path) throws IOException {
        NpyHeader header;
        try (InputStream in = Files.newInputStream(path)) {
            header = NpyHeader.read(in, path.toString());
        }
        long expected = header.dataOffset() + header.dataBytes();
        long size = Files.size(path);
        if (size < expected) {
            throw new IOException(path + ": truncated .npy data: expected " + expected + " bytes, file has " + size);
        }
        return new NpyFile(path, header);
    }

    public Path path() {
        return path;
    }

    /** @return NumPy type without byte order, e.g. {@code u1}, {@code f4}, {@code U5} */
    public String dtype() {
        return header.dtype();
    }

    public long[] shape() {
        return header.shape().clone();
    }

    /** @return the length of the first axis (1 for a scalar) */
    public long rows() {
        return header.shape().length == 0 ? 1 : header.shape()[0];
    }

    /**
     * Reads rows {@code [first, first + count)} of the first axis.
     *
     * @return those rows, little-endian C order, shape {@code [count, shape[1:]...]}
     */
    public NpyArray read(long first, long count) throws IOException {
        if (first < 0 || count < 0 || first + count > rows()) {
            throw new IOException(path + ": rows [" + first + ", " + (first + count) + ") outside [0, " + rows() + ")");
        }
        long[] shape = header.shape();
        long[] outShape = shape.clone();
        if (outShape.length > 0) {
            outShape[0] = count;
        }
        long rowBytes = header.dataBytes() / Math.max(1, rows());
        if (header.fortran() && shape.length > 1) {
            NpyArray all = Npy.canonical(header, shape, readFully(header.dataOffset(), header.dataBytes()));
            ByteBuffer rowsData = all.data().duplicate();
            rowsData.position(Math.toIntExact(first * rowBytes)).limit(Math.toIntExact((first + count) * rowBytes));
            return new NpyArray(header.dtype(), outShape, rowsData.slice());
        }
        return Npy.canonical(header, outShape, readFully(header.dataOffset() + first * rowBytes, count * rowBytes));
    }

    /** @return the whole array */
    public NpyArray readAll() throws IOException {
        return read(0, rows());
    }

    private ByteBuffer readFully(long position, long length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(length));
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, position + buffer.position());
                if (n < 0) {
                    throw new IOException(path + ": truncated .npy file");
                }
            }
        }
        return buffer.flip();
    }
}
