package dev.releaserouter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.releaserouter.core.ReleaseRouter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecretCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void secret_printsThirtyTwoHexDigitsOnOneLine_andExitsZero() {
        assertThat(run("secret")).isEqualTo(Main.PASS);

        assertThat(out()).matches("[0-9a-f]{32}\n");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void secret_isAcceptedByTheRoutersBuilder() {
        run("secret");
        String secret = out().strip();

        assertThatCode(() -> ReleaseRouter.builder().hashSecretHex(secret))
                .doesNotThrowAnyException();
    }

    @Test
    void secret_isNewOnEveryRun() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            run("secret");
            seen.add(out());
        }

        assertThat(seen).hasSize(20);
    }

    @Test
    void secretHelp_saysWhereTheSecretGoes() {
        assertThat(run("secret", "--help")).isEqualTo(Main.PASS);

        assertThat(out()).startsWith("Usage: release-router-cli secret")
                .contains("router.hash-secret", "hashSecretHex");
    }

    @Test
    void secret_withAnArgument_isAUsageError() {
        assertThat(run("secret", "32")).isEqualTo(Main.USAGE);

        assertThat(err.toString(StandardCharsets.UTF_8)).contains("takes no arguments");
    }

    @Test
    void help_listsTheSecretCommand() {
        assertThat(run("--help")).isEqualTo(Main.PASS);

        assertThat(out()).contains("secret ", "replay ");
    }
}
