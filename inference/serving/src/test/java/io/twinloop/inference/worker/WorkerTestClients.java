package io.twinloop.inference.worker;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** What the worker tests share: injecting mock clients, and waiting for the worker's thread. */
final class WorkerTestClients {

    private WorkerTestClients() {
    }

    static WorkerClients clients(Consumer<String, byte[]> consumer, Producer<String, byte[]> producer) {
        return new WorkerClients() {
            @Override
            public Consumer<String, byte[]> consumer() {
                return consumer;
            }

            @Override
            public Producer<String, byte[]> producer() {
                return producer;
            }
        };
    }

    /** Waits for a condition the worker's thread brings about (a hang fails after a minute; nothing is timed). */
    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never happened: " + what);
            }
            Thread.sleep(2);
        }
    }
}
