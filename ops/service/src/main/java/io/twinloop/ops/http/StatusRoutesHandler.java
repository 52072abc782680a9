package io.twinloop.ops.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.nio.charset.StandardCharsets;

/**
 * Answers {@code GET /health} and {@code GET /metrics} (a scrape of the service's Micrometer registry). Both
 * only read counters and flags, so they are answered on the event loop without blocking.
 */
final class StatusRoutesHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    /** Prometheus text exposition format 0.0.4, which every Prometheus scrapes. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HealthCheck health;
    private final PrometheusMeterRegistry metrics;
    /** The console at / and /console.json, or null. */
    private final LiveConsole console;

    StatusRoutesHandler(HealthCheck health, PrometheusMeterRegistry metrics, LiveConsole console) {
        this.health = health;
        this.metrics = metrics;
        this.console = console;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        String path = query.path();
        FullHttpResponse response;
        if (!request.method().equals(HttpMethod.GET)) {
            response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET\n", "text/plain");
        } else if (path.equals("/health")) {
            HealthCheck.Status status = health.status();
            String body = "{\"status\":\"" + status.state() + "\",\"detail\":\""
                    + status.detail().replace("\"", "'") + "\"}\n";
            response = text(status.state() == HealthCheck.State.DOWN ? HttpResponseStatus.SERVICE_UNAVAILABLE
                    : HttpResponseStatus.OK, body, "application/json");
        } else if (path.equals("/metrics")) {
            response = text(HttpResponseStatus.OK, metrics.scrape(PROMETHEUS_TEXT), PROMETHEUS_TEXT);
        } else if (console != null && path.equals("/")) {
            response = text(HttpResponseStatus.OK, ConsolePage.HTML, "text/html; charset=utf-8");
        } else if (console != null && path.equals("/console.json")) {
            response = text(HttpResponseStatus.OK, console.snapshot(ConsolePage.parameter(query, "session"),
                    ConsolePage.unit(query)), "application/json");
        } else {
            response = text(HttpResponseStatus.NOT_FOUND, "not found: try /health or /metrics\n", "text/plain");
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        var future = ctx.writeAndFlush(response);
        if (!keepAlive) {
            future.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body, String contentType) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
