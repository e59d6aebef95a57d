package dev.releaserouter.cli;

import dev.releaserouter.rollout.ChangeRefusedException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The {@code --name value} (or {@code --name=value}) options and the plain arguments of one
 * pipeline command. Single-threaded.
 */
final class Flags {

    /** A usage error: its message names the option at fault. */
    static final class UsageError extends Exception {
        private static final long serialVersionUID = 1L;

        UsageError(String message) {
            super(message);
        }
    }

    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private final List<String> arguments = new ArrayList<>();
    private boolean help;

    private Flags() {}

    /**
     * @param args the command's arguments
     * @param single options given at most once
     * @param repeatable options that may be given more than once
     * @param switches options without a value
     * @return the parsed flags
     * @throws UsageError for an unknown option, a missing value or a repeated single option
     */
    static Flags parse(String[] args, Set<String> single, Set<String> repeatable,
            Set<String> switches) throws UsageError {
        Flags f = new Flags();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                f.help = true;
                return f;
            }
            if (!arg.startsWith("--")) {
                f.arguments.add(arg);
                continue;
            }
            int eq = arg.indexOf('=');
            String flag = eq < 0 ? arg : arg.substring(0, eq);
            if (switches.contains(flag) && eq < 0) {
                f.values.computeIfAbsent(flag, k -> new ArrayList<>()).add("true");
                continue;
            }
            if (!single.contains(flag) && !repeatable.contains(flag)) {
                throw new UsageError("unknown option '" + flag + "'");
            }
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                throw new UsageError(flag + " needs a value");
            }
            List<String> list = f.values.computeIfAbsent(flag, k -> new ArrayList<>());
            if (!list.isEmpty() && single.contains(flag)) {
                throw new UsageError(flag + " is given twice");
            }
            list.add(value);
        }
        return f;
    }

    boolean help() {
        return help;
    }

    boolean has(String flag) {
        return values.containsKey(flag);
    }

    @Nullable String get(String flag) {
        List<String> list = values.get(flag);
        return list == null ? null : list.get(0);
    }

    String get(String flag, String otherwise) {
        String v = get(flag);
        return v == null ? otherwise : v;
    }

    List<String> all(String flag) {
        return values.getOrDefault(flag, List.of());
    }

    /** @throws UsageError if the option is missing or blank */
    String required(String flag) throws UsageError {
        String v = get(flag);
        if (v == null || v.isBlank()) {
            throw new UsageError(flag + " is required");
        }
        return v;
    }

    List<String> arguments() {
        return arguments;
    }

    /**
     * Reports a usage error.
     *
     * @return {@link Main#USAGE}
     */
    static int usage(String command, String message, PrintStream err) {
        err.println(command + ": " + message);
        err.println("Run 'release-router-cli " + command + " --help' for the options.");
        return Main.USAGE;
    }

    /**
     * Reports what a pipeline or signature command threw and maps it to its exit status: a
     * refusal by a release rule {@link Main#FAIL}, bad input (configuration, argument, state)
     * {@link Main#DATA_ERROR}, anything else (I/O) {@link Main#IO_ERROR}.
     *
     * @return the exit status
     */
    static int failure(String command, Exception e, PrintStream err) {
        if (e instanceof UsageError) {
            return usage(command, e.getMessage(), err);
        }
        if (e instanceof ChangeRefusedException) {
            err.println(command + ": refused: " + e.getMessage());
            return Main.FAIL;
        }
        if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
            err.println(command + ": " + e.getMessage()); // ConfigException is one
            return Main.DATA_ERROR;
        }
        if (e instanceof UncheckedIOException u) {
            err.println(command + ": " + u.getMessage() + ": " + u.getCause().getMessage());
        } else {
            err.println(command + ": " + e);
        }
        return Main.IO_ERROR;
    }
}
