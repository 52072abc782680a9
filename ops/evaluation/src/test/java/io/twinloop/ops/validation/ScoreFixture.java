package io.twinloop.ops.validation;

import io.twinloop.recordings.npy.Npy;
import io.twinloop.recordings.npy.NpyArray;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The reference scoring fixture of fnn's evaluation code, from the test resources. */
final class ScoreFixture {

    static final int BURN_IN = 10;

    final float[][][][] responses;
    final float[][][] predictions;
    final double[][] expected;

    ScoreFixture() {
        NpyArray r = load("responses.npy");
        NpyArray p = load("predictions.npy");
        NpyArray e = load("expected.npy");
        int[] rs = r.intShape();
        float[] rv = r.asFloats();
        responses = new float[rs[0]][rs[1]][rs[2]][rs[3]];
        float[] pv = p.asFloats();
        predictions = new float[rs[0]][rs[2]][rs[3]];
        int i = 0;
        int j = 0;
        for (int v = 0; v < rs[0]; v++) {
            for (int k = 0; k < rs[1]; k++) {
                for (int t = 0; t < rs[2]; t++) {
                    for (int u = 0; u < rs[3]; u++) {
                        responses[v][k][t][u] = rv[i++];
                    }
                }
            }
            for (int t = 0; t < rs[2]; t++) {
                for (int u = 0; u < rs[3]; u++) {
                    predictions[v][t][u] = pv[j++];
                }
            }
        }
        int[] es = e.intShape();
        double[] ev = e.asDoubles();
        expected = new double[es[0]][es[1]];
        for (int s = 0; s < es[0]; s++) {
            System.arraycopy(ev, s * es[1], expected[s], 0, es[1]);
        }
    }

    private static NpyArray load(String name) {
        try (InputStream in = ScoreFixture.class.getResourceAsStream("/scores/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /scores/" + name);
            }
            return Npy.read(in, name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
