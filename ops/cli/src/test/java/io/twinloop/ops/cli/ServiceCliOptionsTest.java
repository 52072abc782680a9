package io.twinloop.ops.cli;

import io.twinloop.ops.service.ServiceOptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ServiceCliOptionsTest {

    /** A command that only carries the options, as run, demo and replay do. */
    @CommandLine.Command(name = "options")
    static final class Carrier {
        @CommandLine.Mixin
        ServiceCliOptions options;
    }

    private static ServiceOptions parse(String... args) {
        Carrier carrier = new Carrier();
        new CommandLine(carrier).parseArgs(args);
        return carrier.options.toServiceOptions("localhost:9092", Path.of("data"));
    }

    @Test
    void sessionIdleTimeoutIsSixtySecondsUnlessToldAndZeroTurnsItOff() {
        assertEquals(Duration.ofSeconds(60), parse().sessionIdleTimeout());
        assertEquals(Duration.ofSeconds(5), parse("--session-idle-timeout", "5").sessionIdleTimeout());
        assertEquals(Duration.ZERO, parse("--session-idle-timeout", "0").sessionIdleTimeout());
    }
}
