package io.twinloop.inference.checkpoint;

/**
 * A tensor as torch pickles it: a strided view into a storage. Materialised into a contiguous
 * {@link TensorData} only once its key is known, so that every error can name the key.
 *
 * @param storage the storage it views
 * @param offset  first element, in elements
 * @param size    shape
 * @param stride  elements to step per index of each dimension
 */
record TorchTensorView(TorchStorage storage, long offset, long[] size, long[] stride) {
}
