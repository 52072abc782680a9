package io.twinloop.ops.http;

/** Something that can append its metrics in Prometheus text exposition format. */
public interface MetricsSource {
    void writeTo(PrometheusWriter out);
}
