package dev.releaserouter.replay.report;

import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.api.spi.ExposureEvent;
import dev.releaserouter.api.spi.WindowSummary;
import dev.releaserouter.core.audit.JsonlAuditSink;
import dev.releaserouter.core.exposure.JsonlExposureSink;
import dev.releaserouter.rollout.RolloutDecision;
import dev.releaserouter.rollout.measure.ArmMeasurements;
import dev.releaserouter.rollout.measure.ArmStats;
import dev.releaserouter.rollout.measure.JsonlMeasurementWindowStore;
import dev.releaserouter.stats.ExperimentAnalysis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A rollout report: one self-contained HTML file (inline SVG and CSS; no script, no network)
 * that shows what the router recorded about one model's rollout. Sections: the stage and
 * traffic timeline with each checkpoint's verdict and reasons; each gate criterion's value
 * against its threshold over the checkpoints; per-arm p95 latency, error rate, score and cost
 * over time with the policy's thresholds drawn in; the uplift with its confidence interval and
 * the required sample size progress; sample ratio mismatch (SRM); exposures; the shadow
 * evaluation; the rollout's audit entries. Every number in a chart is also in a table. An input
 * that was not given (or whose file does not exist) becomes a short "Not recorded" section.
 *
 * <pre>{@code
 * Path html = RolloutReport.builder("churn")
 *         .decisionLog(stateDir.resolve("rollout_decision.jsonl"))
 *         .auditFile(auditFile)
 *         .build()
 *         .write(Path.of("churn-report.html"));
 * }</pre>
 *
 * <p>Immutable and thread-safe once built; the builder is not thread-safe. Files are read by
 * the builder's methods, so a bad file fails there, with an {@link IllegalArgumentException}
 * that names the file (and the line, for JSON lines) and what is wrong.
 */
public final class RolloutReport {

    private final String model;
    private final String title;
    private final List<Checkpoint> checkpoints;
    private final Map<String, List<ArmStats>> arms;
    private final @Nullable ExperimentAnalysis analysis;
    private final String analysisMetric;
    private final @Nullable JsonNode shadow;
    private final String shadowSource;
    private final @Nullable List<ExposureEvent> exposures;
    private final @Nullable List<AuditEvent> audit;
    private final Map<String, String> missing;

    private RolloutReport(Builder b) {
        this.model = b.model;
        this.title = b.title != null ? b.title : "Rollout report: " + b.model;
        this.checkpoints = b.checkpoints == null ? List.of()
                : b.checkpoints.stream().filter(c -> c.model().equals(b.model)).toList();
        Map<String, List<ArmStats>> a = new LinkedHashMap<>();
        b.arms.forEach((k, v) -> a.put(k, List.copyOf(v)));
        this.arms = java.util.Collections.unmodifiableMap(a); // keeps the given order
        this.analysis = b.analysis;
        this.analysisMetric = b.analysisMetric;
        this.shadow = b.shadow;
        this.shadowSource = b.shadowSource;
        this.exposures = b.exposures == null ? null
                : b.exposures.stream().filter(e -> e.model().equals(b.model)).toList();
        this.audit = b.audit == null ? null
                : b.audit.stream().filter(e -> ofModel(e, b.model)).toList();
        this.missing = Map.copyOf(b.missing);
    }

    /**
     * A builder for one model's report.
     *
     * @param model the model whose rollout is shown (other models' records are left out)
     * @return a new builder
     * @throws NullPointerException if model is null
     * @throws IllegalArgumentException if model is blank
     */
    public static Builder builder(String model) {
        return new Builder(model);
    }

    /** @return the model */
    public String model() {
        return model;
    }

    /**
     * The report as one HTML document.
     *
     * @return the HTML text (UTF-8 declared)
     */
    public String render() {
        return ReportHtml.render(this);
    }

    /**
     * Writes {@link #render()} to a file, replacing it, creating its parent directories.
     *
     * @param file the file
     * @return the file
     * @throws UncheckedIOException if it cannot be written
     */
    public Path write(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, render(), StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the rollout report " + file, e);
        }
    }

    String title() {
        return title;
    }

    List<Checkpoint> checkpoints() {
        return checkpoints;
    }

    Map<String, List<ArmStats>> arms() {
        return arms;
    }

    @Nullable ExperimentAnalysis analysis() {
        return analysis;
    }

    String analysisMetric() {
        return analysisMetric;
    }

    @Nullable JsonNode shadow() {
        return shadow;
    }

    String shadowSource() {
        return shadowSource;
    }

    @Nullable List<ExposureEvent> exposures() {
        return exposures;
    }

    @Nullable List<AuditEvent> audit() {
        return audit;
    }

    /** Why an input is absent, by input name ("decisions", "audit", ...). */
    Map<String, String> missing() {
        return missing;
    }

    /**
     * Whether an audit entry concerns the model: its target is the model or one of its versions
     * ({@code churn}, {@code churn/v2}), a kill target of it ({@code model:churn},
     * {@code version:churn/v2}), a kill of everything ({@code all}, {@code tenant:*&#47;x}), or
     * a configuration load (every model's configuration).
     */
    static boolean ofModel(AuditEvent e, String model) {
        if (e.action().startsWith("config.")) {
            return true;
        }
        String t = e.target();
        int colon = t.indexOf(':');
        String rest = colon < 0 ? t : t.substring(colon + 1);
        return t.equals("all") || rest.equals(model) || rest.startsWith(model + "/")
                || rest.startsWith("*/");
    }

    /** Builds a {@link RolloutReport}. Not thread-safe. */
    public static final class Builder {

        private final String model;
        private @Nullable String title;
        private @Nullable List<Checkpoint> checkpoints;
        private final Map<String, List<ArmStats>> arms = new LinkedHashMap<>();
        private @Nullable ExperimentAnalysis analysis;
        private String analysisMetric = "";
        private @Nullable JsonNode shadow;
        private String shadowSource = "";
        private @Nullable List<ExposureEvent> exposures;
        private @Nullable List<AuditEvent> audit;
        private final Map<String, String> missing = new LinkedHashMap<>();
        private double eligibleShare = Double.NaN;
        private double errorRateEffect = Double.NaN;

        private Builder(String model) {
            Objects.requireNonNull(model, "model");
            if (model.isBlank()) {
                throw new IllegalArgumentException("model must not be blank");
            }
            this.model = model;
        }

        /**
         * @param value the page title; default "Rollout report: MODEL"
         * @return this builder
         */
        public Builder title(String value) {
            this.title = Objects.requireNonNull(value, "title");
            return this;
        }

        /**
         * The rollout decisions, e.g. {@code RolloutController.decisions()}.
         *
         * @param decisions the decisions in time order
         * @return this builder
         * @throws IllegalArgumentException if a decision's verdict JSON is not a gate verdict
         */
        public Builder decisions(List<RolloutDecision> decisions) {
            this.checkpoints = decisions.stream().map(DecisionLog::of).toList();
            missing.remove("decisions");
            return this;
        }

        /**
         * The decision log of a {@code FileRolloutStateStore} ({@code rollout_decision.jsonl})
         * or of a release artifact. A file that does not exist is "not recorded".
         *
         * @param file the JSON-lines file
         * @return this builder
         * @throws IllegalArgumentException naming the file, the line and what is wrong if a line
         *     is not a rollout decision
         * @throws UncheckedIOException if the file exists but cannot be read
         */
        public Builder decisionLog(Path file) {
            if (!Files.isRegularFile(file)) {
                missing.put("decisions", "no decision log at " + file);
                return this;
            }
            this.checkpoints = DecisionLog.read(file);
            missing.remove("decisions");
            return this;
        }

        /**
         * One arm's measurement windows over time (e.g. {@code
         * ArmMeasurements.snapshot(model, lookback).arm(version)} taken at each checkpoint, or
         * {@code windowStats(version)}), drawn as p95 latency, error rate, average score and cost
         * over the windows' end times.
         *
         * @param version the version
         * @param windows its windows in time order
         * @return this builder
         */
        public Builder armWindows(String version, List<ArmStats> windows) {
            arms.put(Objects.requireNonNull(version, "version"), List.copyOf(windows));
            return this;
        }

        /**
         * Each arm's measurement windows as a window store kept them (e.g.
         * {@code JsonlMeasurementWindowStore.readAll(file)} or a fleet store's {@code read}):
         * the windows of this report's model are drawn per arm, like {@link #armWindows}.
         *
         * @param summaries stored window summaries (of any models: others are ignored)
         * @return this builder
         */
        public Builder windows(List<WindowSummary> summaries) {
            return windows(summaries, "the windows given");
        }

        private Builder windows(List<WindowSummary> summaries, String source) {
            List<WindowSummary> mine = summaries.stream()
                    .filter(w -> w.model().equals(model)).toList();
            if (mine.isEmpty()) {
                missing.put("windows", "no measurement windows of model " + model + " in "
                        + source + (summaries.isEmpty() ? "" : " (it has "
                        + summaries.stream().map(WindowSummary::model).distinct().sorted()
                                .toList() + ")"));
                return this;
            }
            ArmMeasurements.windowStats(mine).forEach(this::armWindows);
            missing.remove("windows");
            return this;
        }

        /**
         * The window file of a {@code JsonlMeasurementWindowStore}
         * ({@value JsonlMeasurementWindowStore#FILE}), or a directory holding it. A file that
         * does not exist is "not recorded".
         *
         * @param fileOrDirectory the file or its directory
         * @return this builder
         * @throws IllegalArgumentException naming the file and the line of a line that is not a
         *     window summary
         * @throws UncheckedIOException if it exists but cannot be read
         */
        public Builder windowsFile(Path fileOrDirectory) {
            Path file = Files.isDirectory(fileOrDirectory)
                    ? fileOrDirectory.resolve(JsonlMeasurementWindowStore.FILE) : fileOrDirectory;
            if (!Files.isRegularFile(file)) {
                missing.put("windows", "no measurement window file at " + file);
                return this;
            }
            return windows(JsonlMeasurementWindowStore.readAll(file), file.toString());
        }

        /**
         * Asks for the error rate's analysis at the last checkpoint, computed from the arms'
         * windows (given by {@link #windows}, {@link #windowsFile} or {@link #armWindows}) and the
         * decisions, unless an {@link #analysis} is given: the windows wholly inside the stage the
         * last decision judged (from the START, PROCEED, PROMOTE or RESUME that began it to the
         * last decision), that stage's weight, the uplift of the candidate's error rate with its
         * interval (lower is better), the sample size needed to detect {@code
         * minimumDetectableEffect}, and the sample-ratio check.
         *
         * @param eligibleShare the share of requests the candidate could be assigned, in
         *     (0, 1]: 1 minus the share that deny or allow lists keep on the stable version
         *     (the sample-ratio check compares the split with {@code share x stage weight})
         * @param minimumDetectableEffect the absolute error-rate difference the rollout must be
         *     able to see, in (0, 1)
         * @return this builder
         * @throws IllegalArgumentException if an argument is out of range
         */
        public Builder errorRateAnalysis(double eligibleShare, double minimumDetectableEffect) {
            if (!(eligibleShare > 0 && eligibleShare <= 1)) {
                throw new IllegalArgumentException("eligibleShare must be in (0, 1], but was "
                        + eligibleShare);
            }
            if (!(minimumDetectableEffect > 0 && minimumDetectableEffect < 1)) {
                throw new IllegalArgumentException("minimumDetectableEffect must be in (0, 1),"
                        + " but was " + minimumDetectableEffect);
            }
            this.eligibleShare = eligibleShare;
            this.errorRateEffect = minimumDetectableEffect;
            return this;
        }

        /**
         * The experiment analysis of the rollout's main metric: the uplift with its interval,
         * the required sample size and the SRM check.
         *
         * @param metric the metric's name, as shown
         * @param value the analysis
         * @return this builder
         */
        public Builder analysis(String metric, ExperimentAnalysis value) {
            this.analysisMetric = Objects.requireNonNull(metric, "metric");
            this.analysis = Objects.requireNonNull(value, "analysis");
            return this;
        }

        /**
         * The shadow evaluation ({@code shadow_eval.json} of router-replay). A file that does
         * not exist is "not recorded".
         *
         * @param file the file
         * @return this builder
         * @throws IllegalArgumentException naming the file if it is not well-formed JSON or not
         *     a shadow evaluation (no {@code criteria} array)
         * @throws UncheckedIOException if the file exists but cannot be read
         */
        public Builder shadowEvaluation(Path file) {
            if (!Files.isRegularFile(file)) {
                missing.put("shadow", "no shadow evaluation at " + file);
                return this;
            }
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the shadow evaluation " + file, e);
            }
            JsonNode n = DecisionLog.tree(text, file.toString());
            if (!n.isObject() || n.get("criteria") == null || !n.get("criteria").isArray()) {
                throw new IllegalArgumentException(file + ": not a shadow evaluation: /criteria"
                        + " must be an array, but was " + (n.isObject() && n.has("criteria")
                        ? DecisionLog.abbreviate(n.get("criteria")) : "missing"));
            }
            this.shadow = n;
            this.shadowSource = file.toString();
            missing.remove("shadow");
            return this;
        }

        /**
         * Exposure events, e.g. {@code JsonlExposureSink.read(dir)}.
         *
         * @param events the events
         * @return this builder
         */
        public Builder exposures(List<ExposureEvent> events) {
            this.exposures = List.copyOf(events);
            missing.remove("exposures");
            return this;
        }

        /**
         * The exposure files of a {@code JsonlExposureSink} (prefix {@code exposures}) in a
         * directory. A directory that does not exist is "not recorded".
         *
         * @param directory the sink's directory
         * @return this builder
         * @throws IllegalArgumentException naming the file and line of a line that is not an
         *     exposure event
         * @throws UncheckedIOException if a file cannot be read
         */
        public Builder exposuresDirectory(Path directory) {
            if (!Files.isDirectory(directory)) {
                missing.put("exposures", "no exposure directory at " + directory);
                return this;
            }
            return exposures(JsonlExposureSink.read(directory));
        }

        /**
         * Audit entries, e.g. {@code JsonlAuditSink.read(file)}; the report keeps those whose
         * target is the model ({@code MODEL}, {@code MODEL/...}).
         *
         * @param events the entries
         * @return this builder
         */
        public Builder audit(List<AuditEvent> events) {
            this.audit = List.copyOf(events);
            missing.remove("audit");
            return this;
        }

        /**
         * The JSON-lines audit file of a {@code JsonlAuditSink}. A file that does not exist is
         * "not recorded".
         *
         * @param file the file
         * @return this builder
         * @throws IllegalArgumentException naming the file if it is not an audit file
         * @throws UncheckedIOException if it cannot be read
         */
        public Builder auditFile(Path file) {
            if (!Files.isRegularFile(file)) {
                missing.put("audit", "no audit file at " + file);
                return this;
            }
            try {
                return audit(JsonlAuditSink.read(file));
            } catch (RuntimeException e) {
                if (e instanceof UncheckedIOException) {
                    throw e;
                }
                String m = String.valueOf(e.getMessage());
                throw new IllegalArgumentException(m.contains(file.toString()) ? m
                        : file + ": not an audit file: " + m, e);
            }
        }

        /**
         * @return the report
         */
        public RolloutReport build() {
            if (checkpoints == null) {
                missing.putIfAbsent("decisions", "no rollout decisions were given");
            }
            if (exposures == null) {
                missing.putIfAbsent("exposures", "no exposure events were given");
            }
            if (audit == null) {
                missing.putIfAbsent("audit", "no audit entries were given");
            }
            if (shadow == null) {
                missing.putIfAbsent("shadow", "no shadow evaluation was given");
            }
            if (arms.isEmpty()) {
                missing.putIfAbsent("windows", "no measurement windows were given");
            }
            if (analysis == null && !Double.isNaN(eligibleShare) && checkpoints == null) {
                missing.put("analysis", "the error rate at the last checkpoint needs the rollout"
                        + " decisions");
            } else if (analysis == null && !Double.isNaN(eligibleShare)) {
                LastCheckpoint.errorRate(checkpoints, arms, eligibleShare, errorRateEffect)
                        .ifPresentOrElse(a -> analysis("error rate (last checkpoint)", a),
                                () -> missing.put("analysis", "the error rate at the last"
                                        + " checkpoint needs the decision that began its stage"
                                        + " and windows of both arms wholly inside the stage"));
            }
            return new RolloutReport(this);
        }
    }
}
