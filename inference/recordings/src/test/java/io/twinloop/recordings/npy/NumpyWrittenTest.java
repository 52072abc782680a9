package io.twinloop.recordings.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files written by NumPy itself (src/test/resources/npy/make_npy.py): each holds 0, 1, 2, ... in C order of
 * shape [2, 3, 4], so a wrong byte order or axis order shows as wrong values.
 */
class NumpyWrittenTest {

    private static Path file(String name) throws URISyntaxException {
        return Path.of(NumpyWrittenTest.class.getResource("/npy/" + name).toURI());
    }

    private static double[] counting() {
        double[] out = new double[24];
        for (int i = 0; i < out.length; i++) {
            out[i] = i;
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"f8_little_c.npy", "f8_big_c.npy", "f4_little_fortran.npy", "f4_big_fortran.npy",
            "u1_c.npy", "f8_version2.npy"})
    void readsEveryByteAndAxisOrderAsCOrderValues(String name) throws Exception {
        NpyArray array = Npy.read(file(name));
        assertArrayEquals(new long[] {2, 3, 4}, array.shape());
        assertArrayEquals(counting(), array.asDoubles(), 0.0, name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"f8_big_c.npy", "f4_big_fortran.npy", "f4_little_fortran.npy"})
    void readsRowRangesOfAnyLayout(String name) throws Exception {
        NpyFile npy = NpyFile.open(file(name));
        assertEquals(2, npy.rows());
        NpyArray second = npy.read(1, 1);
        assertArrayEquals(new long[] {1, 3, 4}, second.shape());
        double[] expected = new double[12];
        for (int i = 0; i < 12; i++) {
            expected[i] = 12 + i;
        }
        assertArrayEquals(expected, second.asDoubles(), 0.0, name);
        assertThrows(IOException.class, () -> npy.read(1, 2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiers_little.npy", "tiers_big.npy"})
    void readsUnicodeArraysInBothByteOrders(String name) throws Exception {
        assertArrayEquals(new String[] {"train", "oracle", "none", "final_test_main"}, Npy.readStrings(file(name)));
    }

    @Test
    void readsScalars() throws Exception {
        NpyArray scalar = Npy.read(file("i8_scalar.npy"));
        assertEquals(0, scalar.shape().length);
        assertArrayEquals(new long[] {7}, scalar.asLongs());
    }
}
