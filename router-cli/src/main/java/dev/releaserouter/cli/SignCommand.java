package dev.releaserouter.cli;

import dev.releaserouter.governance.release.ReleaseArtifacts;
import dev.releaserouter.governance.release.ReleaseSignature;
import dev.releaserouter.governance.release.SignatureCheck;
import dev.releaserouter.governance.release.SigningKey;
import dev.releaserouter.governance.release.TrustedKeys;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * {@code sign}, {@code verify} and {@code keygen}: Ed25519 detached signatures of release
 * manifests and policy snapshots (seed 001 §10, 004 §4), with the user's keys. Exit status: 0
 * signed / every signature valid / keys written, 1 a signature missing or not valid, 64 usage
 * error, 65 a bad key or signature file, 74 I/O error.
 */
final class SignCommand extends NamedCommand {

    static final String HELP = String.join("\n",
            "Usage:",
            "  release-router-cli sign --key-id ID (--key PEM | --keystore FILE --alias A",
            "                          --storepass-env VAR [--keypass-env VAR])",
            "                          (--release-dir DIR | FILE...)",
            "  release-router-cli verify (--trusted-key ID=PEM... | --truststore FILE",
            "                            --storepass-env VAR) (--release-dir DIR | FILE...)",
            "  release-router-cli keygen --key-id ID --out-dir DIR",
            "",
            "sign writes FILE.sig next to each FILE: an Ed25519 signature of its exact bytes",
            "by the key (PKCS#8 PEM or DER, e.g. from openssl genpkey -algorithm ed25519, or",
            "a PKCS12/JKS KeyStore entry). --release-dir signs release_manifest.json and",
            "every policy_snapshot file. verify checks them against the trusted public keys",
            "(X.509 PEM, or the Ed25519 certificates of a KeyStore by alias) and prints one",
            "line per file. keygen writes DIR/ID.pem (private, owner-only) and",
            "DIR/ID.pub.pem.",
            "",
            "Exit status: 0 done / all valid, 1 a signature missing or not valid, 64 usage,",
            "65 bad key or signature file, 74 I/O error. See docs/governance-release.md.",
            "");

    SignCommand(String name, PrintStream out, PrintStream err,
            Function<String, @Nullable String> env) {
        super(name, out, err, env);
    }

    @Override
    int run(String[] args) {
        try {
            Flags f = Flags.parse(args, Set.of("--key-id", "--key", "--keystore", "--alias",
                    "--storepass-env", "--keypass-env", "--release-dir", "--truststore",
                    "--out-dir"), Set.of("--trusted-key"), Set.of());
            if (f.help()) {
                out.print(HELP);
                return Main.PASS;
            }
            switch (name) {
                case "sign":
                    return sign(f);
                case "verify":
                    return verify(f);
                default:
                    return keygen(f);
            }
        } catch (Flags.UsageError | IOException | RuntimeException e) {
            return Flags.failure(name, e, err);
        }
    }

    private int sign(Flags f) throws Flags.UsageError {
        String keyId = f.required("--key-id");
        SigningKey key;
        if (f.has("--key") == f.has("--keystore")) {
            throw new Flags.UsageError("give --key PEM or --keystore FILE, one of them");
        }
        if (f.has("--key")) {
            key = SigningKey.fromPkcs8(keyId, Path.of(f.get("--key")));
        } else {
            char[] storePass = secret(f, "--storepass-env");
            char[] keyPass = f.has("--keypass-env") ? secret(f, "--keypass-env") : storePass;
            key = SigningKey.fromKeyStore(keyId, Path.of(f.get("--keystore")), storePass,
                    f.required("--alias"), keyPass);
        }
        List<Path> written = new ArrayList<>();
        if (f.has("--release-dir")) {
            written.addAll(ReleaseArtifacts.sign(Path.of(f.get("--release-dir")), key));
        }
        for (Path file : files(f)) {
            written.add(ReleaseSignature.signFile(file, key));
        }
        for (Path sig : written) {
            out.println("signed: " + sig + " (key " + keyId + ")");
        }
        return Main.PASS;
    }

    private int verify(Flags f) throws Flags.UsageError {
        TrustedKeys.Builder b = TrustedKeys.builder();
        for (String trusted : f.all("--trusted-key")) {
            int eq = trusted.indexOf('=');
            if (eq < 1) {
                throw new Flags.UsageError("--trusted-key must be ID=PEM, but was '" + trusted
                        + "'");
            }
            b.addPem(trusted.substring(0, eq), Path.of(trusted.substring(eq + 1)));
        }
        if (f.has("--truststore")) {
            b.addKeyStore(Path.of(f.get("--truststore")), secret(f, "--storepass-env"));
        }
        TrustedKeys keys = b.build();
        if (keys.keyIds().isEmpty()) {
            throw new Flags.UsageError("give the trusted keys: --trusted-key ID=PEM or"
                    + " --truststore FILE");
        }
        List<SignatureCheck> checks = new ArrayList<>();
        if (f.has("--release-dir")) {
            checks.addAll(ReleaseArtifacts.verifySignatures(Path.of(f.get("--release-dir")),
                    keys));
        }
        for (Path file : files(f)) {
            checks.add(keys.verifyFile(file));
        }
        boolean allValid = true;
        for (SignatureCheck c : checks) {
            (c.valid() ? out : err).println((c.valid() ? "valid: " : c.status() + ": ")
                    + c.message());
            allValid &= c.valid();
        }
        return allValid ? Main.PASS : Main.FAIL;
    }

    private int keygen(Flags f) throws Flags.UsageError, IOException {
        if (!f.arguments().isEmpty()) {
            throw new Flags.UsageError("unexpected argument '" + f.arguments().get(0) + "'");
        }
        SigningKey key = SigningKey.generate(f.required("--key-id"));
        Path dir = Files.createDirectories(Path.of(f.required("--out-dir")));
        Path priv = dir.resolve(key.keyId() + ".pem");
        Path pub = dir.resolve(key.keyId() + ".pub.pem");
        if (Files.exists(priv) || Files.exists(pub)) {
            throw new FileAlreadyExistsException(Files.exists(priv) ? priv.toString()
                    : pub.toString(), null, "keygen never overwrites a key");
        }
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(priv, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(priv, key.privateKeyPem(), StandardCharsets.US_ASCII,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        Files.writeString(pub, key.publicKeyPem(), StandardCharsets.US_ASCII,
                StandardOpenOption.CREATE_NEW);
        out.println("keygen: wrote " + priv + " (private, keep it secret) and " + pub);
        return Main.PASS;
    }

    private List<Path> files(Flags f) throws Flags.UsageError {
        if (f.arguments().isEmpty() && !f.has("--release-dir")) {
            throw new Flags.UsageError("give --release-dir DIR or the files to " + name);
        }
        List<Path> files = new ArrayList<>();
        for (String a : f.arguments()) {
            files.add(Path.of(a));
        }
        return files;
    }

    private char[] secret(Flags f, String flag) throws Flags.UsageError {
        String var = f.required(flag);
        String value = env.apply(var);
        if (value == null) {
            throw new Flags.UsageError(flag + ": the environment variable " + var
                    + " is not set");
        }
        return value.toCharArray();
    }
}
