package io.twinloop.ops.http;

/** Builds a Prometheus text exposition (format 0.0.4): HELP and TYPE lines, then samples. */
public final class PrometheusWriter {

    private final StringBuilder text = new StringBuilder();

    public PrometheusWriter counter(String name, String help, double value) {
        return metric(name, help, "counter", value);
    }

    public PrometheusWriter gauge(String name, String help, double value) {
        return metric(name, help, "gauge", value);
    }

    /** A summary with the given quantiles (quantile, value pairs), count and sum. */
    public PrometheusWriter summary(String name, String help, double[][] quantiles, long count, double sum) {
        header(name, help, "summary");
        for (double[] q : quantiles) {
            text.append(name).append("{quantile=\"").append(format(q[0])).append("\"} ")
                    .append(format(q[1])).append('\n');
        }
        text.append(name).append("_count ").append(count).append('\n');
        text.append(name).append("_sum ").append(format(sum)).append('\n');
        return this;
    }

    private PrometheusWriter metric(String name, String help, String type, double value) {
        header(name, help, type);
        text.append(name).append(' ').append(format(value)).append('\n');
        return this;
    }

    private void header(String name, String help, String type) {
        text.append("# HELP ").append(name).append(' ').append(help).append('\n');
        text.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
