package io.twinloop.inference.checkpoint;

import java.util.Optional;

/**
 * A storage a pickled tensor refers to by persistent id: {@code ('storage', torch.FloatStorage,
 * '<key>', '<location>', numel)}. Its bytes live in the archive at {@code <prefix>/data/<key>}.
 *
 * @param typeName    torch's storage class name, e.g. {@code FloatStorage}
 * @param archiveKey  the record name under {@code data/}
 * @param location    the device it was saved from (cpu, cuda:0); ignored, everything loads to the host
 * @param numel       elements in the storage (bytes for an untyped storage)
 */
record TorchStorage(String typeName, String archiveKey, String location, long numel) {

    Optional<DType> dtype() {
        return DType.ofTorchStorage(typeName);
    }
}
