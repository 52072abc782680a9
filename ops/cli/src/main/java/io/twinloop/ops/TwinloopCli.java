package io.twinloop.ops;

import io.twinloop.ops.cli.BenchCommand;
import io.twinloop.ops.cli.BrokerCommand;
import io.twinloop.ops.cli.DemoCommand;
import io.twinloop.ops.cli.ExperimentCommand;
import io.twinloop.ops.cli.InputErrorHandler;
import io.twinloop.ops.cli.PredictCommand;
import io.twinloop.ops.cli.ReplayCommand;
import io.twinloop.ops.cli.RunCommand;
import io.twinloop.ops.cli.SimulateCommand;
import io.twinloop.ops.cli.TrainCommand;
import io.twinloop.ops.cli.TuneCommand;
import io.twinloop.ops.cli.GradientMeiCommand;
import io.twinloop.ops.cli.MeiCommand;
import io.twinloop.ops.cli.NumericsCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code twinloop} command line: one subcommand per job. */
@Command(name = "twinloop", mixinStandardHelpOptions = true, version = "twinloop 0.1.0",
        description = "A streaming digital twin of the mouse visual cortex for closed-loop experiments.",
        subcommands = {RunCommand.class, BrokerCommand.class, DemoCommand.class, PredictCommand.class, BenchCommand.class, SimulateCommand.class, ReplayCommand.class, TrainCommand.class, ExperimentCommand.class, TuneCommand.class, MeiCommand.class, GradientMeiCommand.class, NumericsCommand.class, CommandLine.HelpCommand.class})
public final class TwinloopCli {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** @return the command line as {@code main} runs it (refused inputs: one line, status 2) */
    public static CommandLine commandLine() {
        return new CommandLine(new TwinloopCli()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(new InputErrorHandler());
    }
}
