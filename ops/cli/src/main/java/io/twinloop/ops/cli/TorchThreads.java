package io.twinloop.ops.cli;

/** libtorch's thread counts, which DJL reads from system properties once, when the engine starts. */
final class TorchThreads {

    private TorchThreads() {
    }

    /**
     * Sets {@code threads} intra-op threads and one inter-op thread, unless the JVM was started with a count;
     * call before the engine starts. {@code threads <= 0} leaves libtorch's default (all cores).
     */
    static void configure(int threads) {
        if (threads > 0 && System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }
}
