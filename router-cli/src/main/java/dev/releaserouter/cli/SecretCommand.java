package dev.releaserouter.cli;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * {@code secret}: prints a new assignment hash secret, 16 bytes from {@link SecureRandom} as 32
 * lowercase hex digits, the one form {@code ReleaseRouter.builder().hashSecretHex(...)} and the
 * Spring Boot property {@code router.hash-secret} accept.
 */
final class SecretCommand {

    /** Bytes of the SipHash-2-4 key the router's bucketing takes. */
    static final int SECRET_BYTES = 16;

    static final String HELP = String.join("\n",
            "Usage: release-router-cli secret",
            "",
            "Prints a new assignment hash secret: 16 random bytes (SecureRandom) as 32 hex",
            "digits, the form ReleaseRouter.builder().hashSecretHex(...) and the Spring",
            "Boot property router.hash-secret accept. Keep it secret and stable: changing",
            "it moves entities between versions.",
            "",
            "  -h, --help    this help",
            "",
            "Examples:",
            "  export ROUTER_HASH_SECRET=$(java -jar router-cli-all.jar secret)",
            "  kubectl create secret generic router-hash \\",
            "      --from-literal=ROUTER_HASH_SECRET=$(java -jar router-cli-all.jar secret)",
            "");

    private final PrintStream out;
    private final PrintStream err;
    private final SecureRandom random;

    SecretCommand(PrintStream out, PrintStream err, SecureRandom random) {
        this.out = out;
        this.err = err;
        this.random = random;
    }

    int run(String[] args) {
        if (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
            out.print(HELP);
            return Main.PASS;
        }
        if (args.length > 0) {
            err.println("secret: takes no arguments, but was given '" + args[0] + "'");
            err.println("Run 'release-router-cli secret --help' for its use.");
            return Main.USAGE;
        }
        out.println(newSecretHex(random));
        return Main.PASS;
    }

    /** A new secret as 32 lowercase hex digits. */
    static String newSecretHex(SecureRandom random) {
        byte[] key = new byte[SECRET_BYTES];
        random.nextBytes(key);
        return HexFormat.of().formatHex(key);
    }
}
