package io.twinloop.ops.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

import java.net.InetSocketAddress;

/**
 * The service's HTTP port: {@code /health}, {@code /metrics} (Prometheus text format) and, with a {@link LiveConsole},
 * the console at {@code /} and its data at {@code /console.json}.
 */
public final class StatusServer implements AutoCloseable {

    private final EventLoopGroup group;
    private final Channel channel;
    private final LiveConsole console;

    private StatusServer(EventLoopGroup group, Channel channel, LiveConsole console) {
        this.group = group;
        this.channel = channel;
        this.console = console;
    }

    /**
     * @param host where to listen, e.g. 127.0.0.1
     * @param port the port, or 0 for any free one
     */
    public static StatusServer start(String host, int port, HealthCheck health, PrometheusMeterRegistry metrics)
            throws InterruptedException {
        return start(host, port, health, metrics, null);
    }

    /** As {@link #start(String, int, HealthCheck, PrometheusMeterRegistry)}, also serving {@code console}. */
    public static StatusServer start(String host, int port, HealthCheck health, PrometheusMeterRegistry metrics,
                                     LiveConsole console) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Channel channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(16 * 1024))
                                .addLast(new StatusRoutesHandler(health, metrics, console));
                    }
                })
                .bind(host, port).sync().channel();
        return new StatusServer(group, channel, console);
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        if (console != null) {
            try {
                console.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
