package dev.releaserouter.cli;

import java.io.PrintStream;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What the pipeline and signature commands share: the command's name (for messages), where
 * results and errors go, and the environment (for secrets named by {@code --*-env} options).
 */
abstract class NamedCommand {

    final String name;
    final PrintStream out;
    final PrintStream err;
    final Function<String, @Nullable String> env;

    NamedCommand(String name, PrintStream out, PrintStream err,
            Function<String, @Nullable String> env) {
        this.name = name;
        this.out = out;
        this.err = err;
        this.env = env;
    }

    /**
     * Runs the command.
     *
     * @param args the arguments after the command's name
     * @return the exit status
     */
    abstract int run(String[] args);
}
