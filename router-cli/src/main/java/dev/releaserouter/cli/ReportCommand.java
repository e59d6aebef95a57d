package dev.releaserouter.cli;

import dev.releaserouter.replay.report.RolloutReport;
import dev.releaserouter.rollout.FileRolloutStateStore;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code report}: renders the HTML rollout report of one model from recorded files. */
final class ReportCommand {

    static final String HELP = String.join("\n",
            "Usage: release-router-cli report --model NAME [inputs] [--out FILE]",
            "",
            "Renders one self-contained HTML file (inline SVG, no script, no network) from",
            "what the router recorded: the rollout decisions with their gate verdicts, each",
            "arm's measurement windows, the shadow evaluation, exposure events and the audit",
            "trail. An input that is not given or whose file does not exist is shown as",
            "\"Not recorded\".",
            "",
            "  --model NAME          the model whose rollout is shown (required)",
            "  --decisions FILE      a rollout decision log (rollout_decision.jsonl)",
            "  --state-dir DIR       a FileRolloutStateStore directory (reads its",
            "                        rollout_decision.jsonl; instead of --decisions)",
            "  --windows FILE|DIR    the measurement window file of a",
            "                        JsonlMeasurementWindowStore (measurement_windows.jsonl)",
            "                        or its directory: per-arm p95, error rate, score, cost",
            "  --eligible-share X    with --windows and decisions: also the error rate's uplift,",
            "                        sample size and SRM at the last checkpoint; X in (0, 1] is",
            "                        the share of traffic the candidate can get (1 minus what",
            "                        deny/allow lists keep on stable)",
            "  --mde X               the error-rate difference to detect (default 0.005)",
            "  --shadow-eval FILE    shadow_eval.json of 'replay'",
            "  --exposures DIR       the directory of a JsonlExposureSink",
            "  --audit FILE          the JSON Lines audit file of a JsonlAuditSink",
            "  --title TEXT          the page title (default: Rollout report: NAME)",
            "  --out FILE            where to write it (default: rollout-report.html)",
            "  -h, --help            this help",
            "",
            "Windows are in a file when the measurements keep them there:",
            "ArmMeasurements.builder().windowStore(JsonlMeasurementWindowStore.open(dir)).",
            "Other analyses: the Java API (RolloutReport.Builder.analysis).",
            "",
            "Exit status: 0 written, 64 usage error, 65 an input file is not what it should",
            "be (the message names the file, the line and what is wrong), 74 I/O error.",
            "",
            "Example:",
            "  java -jar router-cli-all.jar report --model churn \\",
            "      --state-dir /var/lib/app/rollout --windows /var/lib/app/windows \\",
            "      --eligible-share 0.85 \\",
            "      --audit /var/log/app/audit.jsonl --exposures /var/log/app/exposures \\",
            "      --out churn-report.html",
            "");

    private static final Set<String> OPTIONS = Set.of("--model", "--decisions", "--state-dir",
            "--windows", "--eligible-share", "--mde", "--shadow-eval", "--exposures", "--audit",
            "--title", "--out");

    private final PrintStream out;
    private final PrintStream err;

    ReportCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                out.print(HELP);
                return Main.PASS;
            }
            if (!OPTIONS.contains(a)) {
                return usage("unknown option '" + a + "'");
            }
            if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                return usage(a + " needs a value");
            }
            if (o.put(a, args[++i]) != null) {
                return usage(a + " is given twice");
            }
        }
        String model = o.get("--model");
        if (model == null || model.isBlank()) {
            return usage("--model is required");
        }
        if (o.containsKey("--decisions") && o.containsKey("--state-dir")) {
            return usage("give --decisions or --state-dir, not both");
        }
        double share = Double.NaN;
        double mde = 0.005;
        try {
            if (o.containsKey("--eligible-share")) {
                share = Double.parseDouble(o.get("--eligible-share"));
            }
            if (o.containsKey("--mde")) {
                mde = Double.parseDouble(o.get("--mde"));
            }
        } catch (NumberFormatException e) {
            return usage("--eligible-share and --mde take a number: " + e.getMessage());
        }
        if (o.containsKey("--eligible-share") && !(share > 0 && share <= 1)) {
            return usage("--eligible-share must be in (0, 1], but was " + share);
        }
        if (!(mde > 0 && mde < 1)) {
            return usage("--mde must be in (0, 1), but was " + mde);
        }
        if (o.containsKey("--mde") && Double.isNaN(share)) {
            return usage("--mde needs --eligible-share");
        }
        Path target = Path.of(o.getOrDefault("--out", "rollout-report.html"));
        try {
            RolloutReport.Builder b = RolloutReport.builder(model);
            if (o.containsKey("--title")) {
                b.title(o.get("--title"));
            }
            if (o.containsKey("--decisions")) {
                b.decisionLog(Path.of(o.get("--decisions")));
            } else if (o.containsKey("--state-dir")) {
                b.decisionLog(Path.of(o.get("--state-dir"))
                        .resolve(FileRolloutStateStore.DECISIONS_FILE));
            }
            if (o.containsKey("--windows")) {
                b.windowsFile(Path.of(o.get("--windows")));
            }
            if (!Double.isNaN(share)) {
                b.errorRateAnalysis(share, mde);
            }
            if (o.containsKey("--shadow-eval")) {
                b.shadowEvaluation(Path.of(o.get("--shadow-eval")));
            }
            if (o.containsKey("--exposures")) {
                b.exposuresDirectory(Path.of(o.get("--exposures")));
            }
            if (o.containsKey("--audit")) {
                b.auditFile(Path.of(o.get("--audit")));
            }
            b.build().write(target);
        } catch (UncheckedIOException e) {
            err.println("report: " + e.getMessage() + ": " + e.getCause().getMessage());
            return Main.IO_ERROR;
        } catch (IllegalArgumentException e) {
            err.println("report: " + e.getMessage());
            return Main.DATA_ERROR;
        }
        out.println("report: wrote " + target.toAbsolutePath());
        return Main.PASS;
    }

    private int usage(String message) {
        err.println("report: " + message);
        err.println("Run 'release-router-cli report --help' for the options.");
        return Main.USAGE;
    }
}
