package io.twinloop.ops.cli;

import io.twinloop.inference.training.Adam;
import io.twinloop.inference.training.NesterovSgd;
import io.twinloop.inference.training.TrainingConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingOptionsTest {

    /** A command that only carries the options, as train and experiment do. */
    @CommandLine.Command(name = "options")
    static final class Carrier {
        @CommandLine.Mixin
        TrainingOptions options;
    }

    private static TrainingConfig parse(String... args) {
        Carrier carrier = new Carrier();
        new CommandLine(carrier).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
        return carrier.options.config();
    }

    @Test
    void sgdIsTheDefaultAndKeepsTheClippingOptions() {
        TrainingConfig config = parse("--lr", "0.1", "--clip", "1.0", "--clip-eps", "0.5");
        NesterovSgd.Settings sgd = assertInstanceOf(NesterovSgd.Settings.class, config.optimiser());
        assertEquals(1.0, sgd.clip());
        assertEquals(0.5, sgd.eps());
        assertEquals(0.1, config.peakLearningRate());
    }

    @Test
    void adamIsChosenByNameInAnyCase() {
        TrainingConfig config = parse("--optimizer", "adam", "--lr", "0.003");
        assertEquals(Adam.Settings.defaults(), config.optimiser());
        assertEquals(0.003, config.peakLearningRate());
        assertEquals(config.optimiser(), parse("--optimizer", "ADAM").optimiser());
    }

    @Test
    void anUnknownOptimiserIsRefusedByName() {
        CommandLine.ParameterException refused = assertThrows(CommandLine.ParameterException.class,
                () -> parse("--optimizer", "rmsprop"));
        assertTrue(refused.getMessage().contains("rmsprop"), refused.getMessage());
    }
}
