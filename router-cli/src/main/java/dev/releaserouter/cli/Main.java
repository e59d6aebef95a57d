package dev.releaserouter.cli;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;

/**
 * The {@code release-router-cli} command line. Commands:
 *
 * <ul>
 *   <li>{@code replay}: evaluates stored shadow pairs against the shadow SLA criteria and writes
 *       {@code shadow_eval.json}; see {@code replay --help} and {@code docs/shadow.md};
 *   <li>{@code report}: renders the HTML rollout report of a model from its recorded decision
 *       log, shadow evaluation, exposures and audit file; see {@code report --help} and
 *       {@code docs/report.md};
 *   <li>{@code secret}: prints a new assignment hash secret (32 hex digits from
 *       {@link java.security.SecureRandom}); see {@code docs/cli.md};
 *   <li>{@code register}, {@code transition}, {@code approve}, {@code publish},
 *       {@code alias}: the promotion pipeline steps of seed 004 §7 on a file model registry
 *       ({@link PipelineCommand}); {@code notify}: one notification to a webhook
 *       ({@link NotifyCommand}); {@code sign}, {@code verify}, {@code keygen}: Ed25519
 *       signatures of release manifests and policy snapshots ({@link SignCommand}).
 * </ul>
 *
 * <p>Exit status: {@value #PASS} PASS, {@value #FAIL} FAIL, {@value #NOT_ENOUGH_DATA}
 * NOT_ENOUGH_DATA, {@value #USAGE} usage error, {@value #DATA_ERROR} unusable pairs or target,
 * {@value #IO_ERROR} I/O error (the codes above 2 are those of BSD's {@code sysexits.h}). The
 * pipeline, notify and signature commands use {@value #FAIL} for "refused by a release rule",
 * "not delivered" and "a signature is not valid".
 */
public final class Main {

    /** Exit status when the evaluation passes. */
    public static final int PASS = 0;
    /** Exit status when a criterion fails. */
    public static final int FAIL = 1;
    /** Exit status when no criterion fails but some lack data. */
    public static final int NOT_ENOUGH_DATA = 2;
    /** Exit status of a usage error: unknown command or flag, missing or bad value. */
    public static final int USAGE = 64;
    /** Exit status when the pairs or the target cannot be used (mixed models, bad JSON, ...). */
    public static final int DATA_ERROR = 65;
    /** Exit status when reading the pairs or writing the output fails. */
    public static final int IO_ERROR = 74;

    static final String USAGE_TEXT = String.join("\n",
            "Usage: release-router-cli <command> [options]",
            "",
            "Commands:",
            "  replay    evaluate stored shadow pairs against the shadow SLA criteria and write",
            "            shadow_eval.json (replay --help for its options)",
            "  report    render the HTML rollout report of a model from its recorded files",
            "            (report --help for its options)",
            "  secret    print a new assignment hash secret (32 hex digits) for",
            "            router.hash-secret or ReleaseRouter.builder().hashSecretHex(...)",
            "",
            "Promotion pipeline (seed 004 §7) on a file registry (<step> --help):",
            "  register    register a version as Candidate",
            "  transition  move a version to staging, approved (four-eyes) or revoked",
            "  approve     record one person's approval in one role",
            "  publish     write (and sign) the release artifacts of an Approved version",
            "  alias       point an alias at an Approved version, or roll it back",
            "  notify      POST one notification to a webhook",
            "",
            "Release signatures (Ed25519):",
            "  sign        sign files or a release directory (FILE.sig)",
            "  verify      check signatures against trusted public keys",
            "  keygen      write a new Ed25519 key pair (PEM)",
            "",
            "Run with java -jar router-cli-<version>-all.jar <command> ...",
            "");

    private Main() {}

    /**
     * Runs the command line and exits the JVM with its status.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the command line without exiting: what tests and embedding applications call.
     *
     * @param args the arguments
     * @param out where results and help go
     * @param err where errors go
     * @return the exit status, as described on the class
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.print(USAGE_TEXT);
            return USAGE;
        }
        String command = args[0];
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (command) {
            case "-h":
            case "--help":
            case "help":
                out.print(USAGE_TEXT);
                return PASS;
            case "replay":
                return new ReplayCommand(out, err).run(rest);
            case "report":
                return new ReportCommand(out, err).run(rest);
            case "secret":
                return new SecretCommand(out, err, new SecureRandom()).run(rest);
            case "register":
            case "transition":
            case "approve":
            case "publish":
            case "alias":
                return new PipelineCommand(command, out, err, System::getenv).run(rest);
            case "notify":
                return new NotifyCommand(out, err, System::getenv, Clock.systemUTC())
                        .run(rest);
            case "sign":
            case "verify":
            case "keygen":
                return new SignCommand(command, out, err, System::getenv).run(rest);
            default:
                err.println("release-router-cli: unknown command '" + command
                        + "'; the commands are: replay, report, secret, register,"
                        + " transition, approve, publish, alias, notify, sign, verify,"
                        + " keygen");
                err.print(USAGE_TEXT);
                return USAGE;
        }
    }
}
