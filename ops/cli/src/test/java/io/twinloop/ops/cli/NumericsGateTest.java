package io.twinloop.ops.cli;

import ai.djl.ndarray.NDManager;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.model.elements.Convolution2d;
import io.twinloop.inference.model.network.Network;
import io.twinloop.inference.model.network.NetworkConfig;
import io.twinloop.inference.model.numerics.NumericsSelfCheck;
import io.twinloop.ops.TwinloopCli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A command that loads a model refuses, in one line and with status 2, when a convolution comes out wrong. */
class NumericsGateTest {

    @AfterEach
    void heal() {
        Convolution2d.injectFault(null);
    }

    @Test
    void benchRefusesNamingTheOpAndShapeWhenAConvolutionIsWrong() {
        Convolution2d.Call target;
        try (NDManager manager = NDManager.newBaseManager()) {
            Network network = Network.initialise(NetworkConfig.tiny(8), StateDict.initialise(manager));
            List<Convolution2d.Call> calls = NumericsSelfCheck.convolutions(network, 36, 64, false);
            target = calls.get(0);
        }
        Convolution2d.injectFault(call -> call.shapeOnly().equals(target));
        StringWriter err = new StringWriter();
        int code = TwinloopCli.commandLine().setErr(new PrintWriter(err, true))
                .execute("bench", "--model-config", "tiny", "--units", "8", "--batch", "2", "--steps", "1",
                        "--warmup", "0");
        String text = err.toString().trim();
        assertEquals(InputErrorHandler.REFUSED, code, text);
        assertTrue(text.startsWith("bench: numerics self-check failed: " + target.withBatch(1))
                || text.startsWith("bench: numerics self-check failed: " + target.withBatch(2)), text);
        assertTrue(text.contains(NumericsGate.OVERRIDE), text);
        assertFalse(text.contains("\n"), "one line: " + text);
    }

    @Test
    void theOverrideRunsAnywayAndTheReportSaysWhy() {
        Convolution2d.injectFault(call -> true);
        NumericsSelfCheck.Report report = NumericsGate.check("test", NetworkConfig.tiny(8), 2, false, true);
        assertFalse(report.passed());
        Convolution2d.injectFault(null);
        assertTrue(NumericsGate.check("test", NetworkConfig.tiny(8), 2, true, false).passed());
    }
}
