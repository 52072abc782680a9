package io.twinloop.inference.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class TorchCheckpointTest {

    @Test
    void readsTheFnnParityStateDictAsTorchDoes() {
        Map<String, TensorData> core = TorchCheckpoint.read(TestFiles.CORE);
        Map<String, TensorData> scan = TorchCheckpoint.read(TestFiles.SCAN);
        JsonNode reference = TestFiles.json("/checkpoint/fnn-parity-reference.json");
        assertEquals(250, core.size());
        assertEquals(88, scan.size());
        assertEquals(338, reference.size());

        List<String> keysInTorchOrder = new ArrayList<>();
        reference.fieldNames().forEachRemaining(keysInTorchOrder::add);
        Map<String, TensorData> all = TorchCheckpoint.readAll(TestFiles.CORE, TestFiles.SCAN);
        assertEquals(keysInTorchOrder, new ArrayList<>(all.keySet()), "keys in the order torch saved them");

        for (String key : keysInTorchOrder) {
            JsonNode ref = reference.get(key);
            TensorData tensor = (ref.get("file").asText().equals("params_core.pt") ? core : scan).get(key);
            assertEquals(ref.get("dtype").asText(), tensor.dtype().name().toLowerCase(), key);
            assertArrayEquals(longs(ref.get("shape")), tensor.shape(), key);
            double[] values = tensor.asDoubles();
            double sum = 0;
            for (double v : values) {
                sum += v;
            }
            double expectedSum = ref.get("sum").asDouble();
            assertEquals(expectedSum, sum, 1e-9 * Math.max(1, Math.abs(expectedSum)) * Math.sqrt(values.length), key);
            JsonNode first = ref.get("first");
            for (int i = 0; i < first.size(); i++) {
                assertEquals(first.get(i).asDouble(), values[i], 0.0, key + "[" + i + "]");
            }
        }
        assertEquals(DType.BOOL, core.get("core.recurrent.proj_x.0.mask").dtype());
    }

    @Test
    void undoesTorchLayoutsAndDtypes() {
        Map<String, TensorData> tensors = TorchCheckpoint.read(TestFiles.LAYOUTS);
        JsonNode expected = TestFiles.json("/checkpoint/layouts.json");
        List<String> expectedKeys = new ArrayList<>();
        expected.fieldNames().forEachRemaining(expectedKeys::add);
        // "epoch" (beside the state_dict) and "nested.steps" (an int) are not tensors.
        assertEquals(expectedKeys, new ArrayList<>(tensors.keySet()));

        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            TensorData tensor = tensors.get(e.getKey());
            assertEquals(e.getValue().get("dtype").asText(), tensor.dtype().name().toLowerCase(), e.getKey());
            assertArrayEquals(longs(e.getValue().get("shape")), tensor.shape(), e.getKey());
            double[] want = new double[e.getValue().get("values").size()];
            for (int i = 0; i < want.length; i++) {
                want[i] = e.getValue().get("values").get(i).asDouble();
            }
            assertArrayEquals(want, tensor.asDoubles(), 0.0, e.getKey());
        }
        assertArrayEquals(new long[] {Integer.MAX_VALUE, Integer.MIN_VALUE},
                java.util.Arrays.copyOfRange(java.util.Arrays.stream(tensors.get("int32").asDoubles())
                        .mapToLong(d -> (long) d).toArray(), 2, 4));
        assertEquals(0, tensors.get("scalar").shape().length);
    }

    @Test
    void convertsBigEndianFiles() {
        Map<String, TensorData> tensors = TorchCheckpoint.read(TestFiles.resource("/checkpoint/endian-big.pt"));
        assertArrayEquals(new float[] {1.5f, -2.0f}, tensors.get("f").floats());
        assertArrayEquals(new long[] {1, 1L << 40}, tensors.get("l").longs());
    }

    @Test
    void becomesDjlArraysOfTheSameTypeShapeAndValues() {
        Map<String, TensorData> tensors = TorchCheckpoint.read(TestFiles.LAYOUTS);
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> arrays = TorchCheckpoint.toNDArrays(manager, tensors);
            assertEquals(tensors.keySet(), arrays.keySet());

            NDArray transposed = arrays.get("transposed");
            assertEquals(new Shape(6, 4), transposed.getShape());
            assertArrayEquals(tensors.get("transposed").floats(), transposed.toFloatArray());
            assertEquals("transposed", transposed.getName());

            assertEquals(DataType.FLOAT64, arrays.get("float64").getDataType());
            assertArrayEquals(tensors.get("float64").doubles(), arrays.get("float64").toDoubleArray());
            assertArrayEquals(tensors.get("int64.offset").longs(), arrays.get("int64.offset").toLongArray());
            assertEquals(DataType.BOOLEAN, arrays.get("bool").getDataType());
            assertArrayEquals(new boolean[] {true, false, true, false, false, true},
                    arrays.get("bool").toBooleanArray());
            assertEquals(new Shape(), arrays.get("scalar").getShape());
            assertEquals(2.5f, arrays.get("scalar").getFloat());

            TensorData back = TensorData.of("float16", arrays.get("float16"));
            assertArrayEquals(tensors.get("float16").bytes(), back.bytes());
            assertFalse(arrays.get("empty").getShape().size() > 0);
        }
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }
}
