package dev.releaserouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void replayHelp_listsEveryOptionAndTheExitStatuses_andExitsZero() {
        assertThat(run("replay", "--help")).isEqualTo(Main.PASS);

        assertThat(out()).startsWith("Usage: release-router-cli replay --pairs DIR [options]")
                .contains("--pairs DIR", "--out FILE", "--target CLASSNAME", "--score-field",
                        "--min-match", "--max-failure-rate", "--max-p95-increase-pct",
                        "--max-psi", "--min-samples", "--timeout-ms", "--model", "--tolerance")
                .contains("Exit status: 0 PASS, 1 FAIL, 2 NOT_ENOUGH_DATA, 64 usage error,");
        assertThat(err()).isEmpty();
    }

    @Test
    void replayHelp_fitsEightyColumns() {
        run("replay", "-h");

        assertThat(out().lines()).allSatisfy(line -> assertThat(line.length())
                .as(line).isLessThanOrEqualTo(80));
    }

    @Test
    void help_listsTheCommands() {
        assertThat(run("--help")).isEqualTo(Main.PASS);

        assertThat(out()).contains("replay");
    }

    @Test
    void noArguments_isAUsageError() {
        assertThat(run()).isEqualTo(Main.USAGE);

        assertThat(err()).contains("Usage: release-router-cli <command>");
    }

    @Test
    void anUnknownCommand_isAUsageError_namingIt() {
        assertThat(run("rerun", "--pairs", "x")).isEqualTo(Main.USAGE);

        assertThat(err()).contains("unknown command 'rerun'");
    }

    @Test
    void replay_withoutPairs_isAUsageError() {
        assertThat(run("replay")).isEqualTo(Main.USAGE);

        assertThat(err()).contains("replay: --pairs DIR is required");
    }
}
