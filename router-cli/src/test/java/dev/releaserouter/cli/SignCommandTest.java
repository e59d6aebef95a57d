package dev.releaserouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sign, verify and keygen on single files. */
class SignCommandTest {

    @TempDir
    Path dir;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    Path keys;
    Path file;

    int run(String... args) {
        out.reset();
        err.reset();
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @BeforeEach
    void keysAndFile() throws IOException {
        keys = dir.resolve("keys");
        assertThat(run("keygen", "--key-id", "a", "--out-dir", keys.toString())).isZero();
        assertThat(run("keygen", "--key-id", "b", "--out-dir", keys.toString())).isZero();
        file = Files.writeString(dir.resolve("policy.json"), "{\"name\": \"p\"}\n");
    }

    String trusted(String id) {
        return id + "=" + keys.resolve(id + ".pub.pem");
    }

    @Test
    void signedFile_verifiesWithItsKey_andNotWithAnotherKeyUnderItsId() {
        assertThat(run("sign", "--key-id", "a", "--key", keys.resolve("a.pem").toString(),
                file.toString())).as(err()).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("signed: " + file
                + ".sig (key a)\n");

        assertThat(run("verify", "--trusted-key", trusted("a"), file.toString())).isZero();
        assertThat(run("verify", "--trusted-key", "a=" + keys.resolve("b.pub.pem"),
                file.toString())).isEqualTo(Main.FAIL);
        assertThat(err()).startsWith("INVALID: policy.json: the signature by key 'a'")
                .contains("another key");
        assertThat(run("verify", "--trusted-key", trusted("b"), file.toString()))
                .isEqualTo(Main.FAIL);
        assertThat(err()).startsWith("UNKNOWN_KEY: policy.json: signed by key 'a'");
    }

    @Test
    void unsignedFile_isMissing_exitOne() {
        assertThat(run("verify", "--trusted-key", trusted("a"), file.toString()))
                .isEqualTo(Main.FAIL);
        assertThat(err()).startsWith("MISSING: policy.json: no signature");
    }

    @Test
    void keygen_neverOverwritesAKey_andThePrivateKeyIsOwnerOnly() throws IOException {
        assertThat(run("keygen", "--key-id", "a", "--out-dir", keys.toString()))
                .isEqualTo(Main.IO_ERROR);
        assertThat(err()).contains("a.pem", "never overwrites");
        if (Files.getFileStore(keys).supportsFileAttributeView("posix")) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(keys.resolve("a.pem")))).isEqualTo("rw-------");
        }
    }

    @Test
    void badKeysAndMissingOptions_areUsageOrDataErrors() {
        assertThat(run("sign", "--key-id", "a", file.toString())).isEqualTo(Main.USAGE);
        assertThat(err()).contains("give --key PEM or --keystore FILE");
        assertThat(run("sign", "--key-id", "a", "--key", keys.resolve("a.pub.pem").toString(),
                file.toString())).isEqualTo(Main.DATA_ERROR);
        assertThat(err()).contains("a.pub.pem", "PRIVATE KEY");
        assertThat(run("verify", file.toString())).isEqualTo(Main.USAGE);
        assertThat(err()).contains("give the trusted keys");
        assertThat(run("verify", "--trusted-key", "nokey", file.toString()))
                .isEqualTo(Main.USAGE);
        assertThat(run("sign", "--key-id", "bad id", "--key",
                keys.resolve("a.pem").toString(), file.toString())).isEqualTo(Main.DATA_ERROR);
        assertThat(err()).contains("key id");
    }
}
