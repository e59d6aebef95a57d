package dev.releaserouter.cli;

import dev.releaserouter.api.shadow.ShadowPair;
import dev.releaserouter.replay.eval.ShadowCriteria;
import dev.releaserouter.replay.eval.ShadowEvaluation;
import dev.releaserouter.rollout.gates.CriterionResult;
import dev.releaserouter.rollout.gates.GateDecision;
import dev.releaserouter.replay.ReplayTarget;
import dev.releaserouter.replay.Replayer;
import dev.releaserouter.replay.store.JsonlPairStore;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.DoubleConsumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** {@code replay}: evaluates stored shadow pairs, optionally replaying them through a target. */
final class ReplayCommand {

    /** Reads the pairs of a store directory; the stream must be closed. */
    @FunctionalInterface
    interface PairSource {
        Stream<ShadowPair> read(Path directory) throws IOException;
    }

    static final String HELP = String.join("\n",
            "Usage: release-router-cli replay --pairs DIR [options]",
            "",
            "Evaluates stored shadow pairs against the shadow SLA criteria, writes the",
            "result as JSON and prints a summary. Without --target it judges the candidate",
            "outputs stored in the pairs; with --target it runs the stored (masked) inputs",
            "through that class and judges its outputs against the stored stable outputs.",
            "",
            "Pairs:",
            "  --pairs DIR                 directory of a JSON Lines pair store (required)",
            "  --model NAME                only the pairs of this model",
            "  --stable VERSION            only the pairs served by this stable version",
            "  --candidate VERSION         only the pairs of this stored candidate version",
            "  --out FILE                  where to write the evaluation",
            "                              (default: shadow_eval.json)",
            "",
            "Replay:",
            "  --target CLASSNAME          a class on the class path that implements",
            "                              dev.releaserouter.replay.ReplayTarget",
            "                              and has a public no-argument constructor",
            "  --target-version NAME       the replayed version's name (default: the class's",
            "                              simple name)",
            "  --timeout-ms N              time limit of each target call (default: 5000)",
            "  --tolerance X               numbers at most X apart match (default: 0)",
            "",
            "Criteria (defaults are the shadow SLA):",
            "  --score-field NAME          the score in object outputs: a field name, or a",
            "                              JSON pointer such as /result/score (default:",
            "                              only bare-number outputs are scores)",
            "  --min-match R               lowest decision-match rate (default: 0.95)",
            "  --max-failure-rate R        highest share of errors, timeouts and invalid",
            "                              outputs (default: 0.03)",
            "  --max-p95-increase-pct P    highest p95 latency increase over stable, in %",
            "                              (default: 15)",
            "  --max-psi X|off             highest PSI of the score distributions",
            "                              (default: 0.2)",
            "  --max-abs-mean-delta X|off  highest |mean score delta| (default: off)",
            "  --min-samples N             fewest observations to judge a criterion",
            "                              (default: 100)",
            "",
            "  -h, --help                  this help",
            "",
            "Exit status: 0 PASS, 1 FAIL, 2 NOT_ENOUGH_DATA, 64 usage error,",
            "65 unusable pairs or target, 74 I/O error.",
            "",
            "Examples:",
            "  java -jar router-cli-all.jar replay --pairs /var/lib/app/pairs",
            "  java -cp router-cli-all.jar:churn-v3.jar dev.releaserouter.cli.Main \\",
            "      replay --pairs /var/lib/app/pairs --model churn \\",
            "      --target com.acme.ChurnV3Target --score-field score --tolerance 0.02",
            "");

    private final PrintStream out;
    private final PrintStream err;
    private final PairSource source;

    ReplayCommand(PrintStream out, PrintStream err) {
        this(out, err, JsonlPairStore::read);
    }

    ReplayCommand(PrintStream out, PrintStream err, PairSource source) {
        this.out = out;
        this.err = err;
        this.source = source;
    }

    int run(String[] args) {
        Options o;
        @Nullable ReplayTarget target;
        try {
            o = Options.parse(args);
            if (o.help) {
                out.print(HELP);
                return Main.PASS;
            }
            target = o.targetClass == null ? null : load(o.targetClass);
        } catch (UsageException e) {
            err.println("replay: " + e.getMessage());
            err.println("Run 'release-router-cli replay --help' for the options.");
            return Main.USAGE;
        } catch (TargetException e) {
            err.println("replay: " + e.getMessage());
            return Main.DATA_ERROR;
        }
        Replayer.Builder<JsonNode> builder = Replayer.<JsonNode>builder()
                .criteria(o.criteria)
                .scoreField(o.scoreField)
                .tolerance(o.tolerance)
                .timeout(Duration.ofMillis(o.timeoutMs));
        if (target != null) {
            builder.target(o.targetVersion(), target);
        }
        Replayer<JsonNode> replayer = builder.build();
        Path dir = Objects.requireNonNull(o.pairs);
        ShadowEvaluation eval;
        try (Stream<ShadowPair> pairs = source.read(dir)) {
            Stream<ShadowPair> selected = pairs.filter(o::selects);
            eval = target == null ? replayer.evaluateStored(selected) : replayer.run(selected);
        } catch (IOException | UncheckedIOException e) {
            err.println("replay: cannot read the pairs in " + dir + ": " + e.getMessage());
            return Main.IO_ERROR;
        } catch (RuntimeException e) {
            err.println("replay: cannot evaluate the pairs in " + dir + ": " + e.getMessage());
            return Main.DATA_ERROR;
        }
        try {
            Files.writeString(o.out, eval.toJson(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("replay: cannot write --out " + o.out + ": " + e);
            return Main.IO_ERROR;
        }
        summarize(eval, o.out);
        if (eval.decision() == GateDecision.PROCEED) {
            return Main.PASS;
        }
        return eval.failed() ? Main.FAIL : Main.NOT_ENOUGH_DATA;
    }

    private void summarize(ShadowEvaluation e, Path file) {
        var m = e.measurements();
        String subject = m.calls() == 0 && m.model().isEmpty() ? "no pairs"
                : "model '" + m.model() + "' " + m.stableVersion() + " -> "
                        + m.candidateVersion();
        String verdict = e.decision() == GateDecision.PROCEED ? "PASS"
                : e.failed() ? "FAIL" : "NOT_ENOUGH_DATA";
        out.println("shadow evaluation of " + subject + ": " + verdict + " (" + m.calls()
                + " calls)");
        for (CriterionResult r : e.criteria()) {
            out.println(String.format(Locale.ROOT, "  %-26s %10s vs %-8s %-15s n=%d  %s",
                    r.name(), number(r.value()), number(r.threshold()), r.status(),
                    ShadowEvaluation.sampleSize(r), r.expression()));
        }
        for (ShadowEvaluation.NotChecked n : e.notChecked()) {
            out.println("  not checked: " + n.name() + " (" + n.reason() + ")");
        }
        out.println("wrote " + file);
    }

    /** Six significant digits, no exponent; "n/a" for NaN, "inf" for infinity. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return BigDecimal.valueOf(v).round(new MathContext(6)).stripTrailingZeros()
                .toPlainString();
    }

    private static ReplayTarget load(String className) throws UsageException, TargetException {
        String flag = "--target " + className;
        Class<?> c;
        try {
            c = Class.forName(className, false, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException e) {
            throw new UsageException(flag + ": no such class on the class path (with java -jar"
                    + " the class path is the jar alone: use java -cp JARS"
                    + " dev.releaserouter.cli.Main)");
        }
        if (!ReplayTarget.class.isAssignableFrom(c)) {
            throw new UsageException(flag + ": does not implement "
                    + ReplayTarget.class.getName());
        }
        try {
            return (ReplayTarget) c.getConstructor().newInstance();
        } catch (NoSuchMethodException | IllegalAccessException | InstantiationException e) {
            throw new UsageException(flag + ": needs to be a public concrete class with a"
                    + " public no-argument constructor");
        } catch (InvocationTargetException e) {
            throw new TargetException(flag + ": its constructor threw " + e.getCause());
        } catch (LinkageError e) {
            throw new TargetException(flag + ": cannot be initialized: " + e);
        }
    }

    /** A bad command line: exit status 64. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** A target that cannot be created: exit status 65. */
    static final class TargetException extends Exception {
        TargetException(String message) {
            super(message);
        }
    }

    /** The parsed command line. */
    static final class Options {
        boolean help;
        @Nullable Path pairs;
        Path out = Path.of("shadow_eval.json");
        @Nullable String model;
        @Nullable String stable;
        @Nullable String candidate;
        @Nullable String targetClass;
        @Nullable String targetVersion;
        long timeoutMs = Replayer.DEFAULT_TIMEOUT.toMillis();
        double tolerance;
        @Nullable String scoreField;
        ShadowCriteria criteria = ShadowCriteria.defaults();

        /**
         * Reads {@code --flag value} and {@code --flag=value} pairs.
         *
         * @throws UsageException naming the flag and value at fault
         */
        static Options parse(String[] args) throws UsageException {
            Options o = new Options();
            ShadowCriteria.Builder criteria = ShadowCriteria.builder();
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("-h") || arg.equals("--help")) {
                    o.help = true;
                    return o;
                }
                if (!arg.startsWith("--")) {
                    throw new UsageException("unexpected argument '" + arg
                            + "'; options are written --name value");
                }
                int eq = arg.indexOf('=');
                String flag = eq < 0 ? arg : arg.substring(0, eq);
                String value;
                if (eq >= 0) {
                    value = arg.substring(eq + 1);
                } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    value = args[++i];
                } else {
                    throw new UsageException(flag + " needs a value");
                }
                if (!seen.add(flag)) {
                    throw new UsageException(flag + " is given twice");
                }
                o.set(flag, value, criteria);
            }
            if (o.pairs == null) {
                throw new UsageException("--pairs DIR is required");
            }
            o.criteria = criteria.build();
            return o;
        }

        private void set(String flag, String value, ShadowCriteria.Builder c)
                throws UsageException {
            switch (flag) {
                case "--pairs":
                    Path dir = Path.of(value);
                    if (!Files.isDirectory(dir)) {
                        throw new UsageException("--pairs " + value + ": not a directory");
                    }
                    pairs = dir;
                    break;
                case "--out":
                    out = Path.of(value);
                    break;
                case "--model":
                    model = text(flag, value);
                    break;
                case "--stable":
                    stable = text(flag, value);
                    break;
                case "--candidate":
                    candidate = text(flag, value);
                    break;
                case "--target":
                    targetClass = text(flag, value);
                    break;
                case "--target-version":
                    targetVersion = text(flag, value);
                    break;
                case "--score-field":
                    scoreField = text(flag, value);
                    break;
                case "--timeout-ms":
                    timeoutMs = positiveLong(flag, value);
                    break;
                case "--min-samples":
                    long n = positiveLong(flag, value);
                    c.minSamples(n);
                    break;
                case "--tolerance":
                    double t = number(flag, value, false);
                    checked(flag, value, v -> Replayer.builder().tolerance(v), t);
                    tolerance = t;
                    break;
                case "--min-match":
                    checked(flag, value, c::minMatchRate, number(flag, value, false));
                    break;
                case "--max-failure-rate":
                    checked(flag, value, c::maxFailureRate, number(flag, value, false));
                    break;
                case "--max-p95-increase-pct":
                    checked(flag, value, c::maxP95IncreasePct, number(flag, value, false));
                    break;
                case "--max-psi":
                    checked(flag, value, c::maxPsi, number(flag, value, true));
                    break;
                case "--max-abs-mean-delta":
                    checked(flag, value, c::maxAbsMeanDelta, number(flag, value, true));
                    break;
                default:
                    throw new UsageException("unknown option " + flag);
            }
        }

        boolean selects(ShadowPair p) {
            return (model == null || model.equals(p.model()))
                    && (stable == null || stable.equals(p.stableVersion()))
                    && (candidate == null || candidate.equals(p.candidateVersion()));
        }

        String targetVersion() {
            if (targetVersion != null) {
                return targetVersion;
            }
            String name = String.valueOf(targetClass);
            return name.substring(name.lastIndexOf('.') + 1);
        }

        private static String text(String flag, String value) throws UsageException {
            if (value.isBlank()) {
                throw new UsageException(flag + " needs a non-blank value");
            }
            return value;
        }

        private static long positiveLong(String flag, String value) throws UsageException {
            try {
                long v = Long.parseLong(value.trim());
                if (v > 0) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new UsageException(flag + " " + value + ": must be a whole number >= 1");
        }

        private static double number(String flag, String value, boolean offAllowed)
                throws UsageException {
            if (offAllowed && value.equals("off")) {
                return Double.NaN;
            }
            try {
                double v = Double.parseDouble(value.trim());
                if (!Double.isNaN(v)) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new UsageException(flag + " " + value + ": not a number"
                    + (offAllowed ? " (nor 'off')" : ""));
        }

        private static void checked(String flag, String value, DoubleConsumer setter,
                double v) throws UsageException {
            try {
                setter.accept(v);
            } catch (IllegalArgumentException e) {
                throw new UsageException(flag + " " + value + ": " + e.getMessage());
            }
        }
    }
}
