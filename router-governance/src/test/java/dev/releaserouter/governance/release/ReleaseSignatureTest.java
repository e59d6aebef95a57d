package dev.releaserouter.governance.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ed25519 detached signatures of release files (seed 001 §10, 004 §4). */
class ReleaseSignatureTest {

    @TempDir
    Path dir;

    final SigningKey key = SigningKey.generate("release-2026");
    final TrustedKeys trusted = TrustedKeys.builder().add("release-2026", key.publicKey())
            .build();

    Path manifest() throws IOException {
        return Files.write(dir.resolve(ReleaseArtifacts.MANIFEST),
                ReleaseManifestTest.resource("release/release_manifest.json"));
    }

    @Test
    void signedFile_verifiesWithTheTrustedKey() throws IOException {
        Path file = manifest();

        Path sig = ReleaseSignature.signFile(file, key);

        assertThat(sig).isEqualTo(dir.resolve("release_manifest.json.sig"));
        SignatureCheck check = trusted.verifyFile(file);
        assertThat(check.status()).isEqualTo(SignatureCheck.Status.VALID);
        assertThat(check.keyId()).isEqualTo("release-2026");
        assertThat(check.valid()).isTrue();
    }

    @Test
    void tamperedFile_doesNotVerify_andTheMessageSaysItChangedAfterSigning()
            throws IOException {
        Path file = manifest();
        ReleaseSignature.signFile(file, key);
        Files.writeString(file, Files.readString(file).replace("maria.s", "mallory"));

        SignatureCheck check = trusted.verifyFile(file);

        assertThat(check.status()).isEqualTo(SignatureCheck.Status.INVALID);
        assertThat(check.message()).contains("release_manifest.json", "'release-2026'",
                "does not verify", "changed after signing");
    }

    @Test
    void oneByteFlippedInTheSignature_doesNotVerify() throws IOException {
        Path file = manifest();
        Path sig = ReleaseSignature.signFile(file, key);
        ReleaseSignature s = ReleaseSignature.parse(Files.readAllBytes(sig), "sig");
        byte[] bytes = s.signature();
        bytes[10] ^= 1;
        Files.writeString(sig, s.toJson().replace(Base64.getEncoder().encodeToString(
                s.signature()), Base64.getEncoder().encodeToString(bytes)));

        assertThat(trusted.verifyFile(file).status()).isEqualTo(SignatureCheck.Status.INVALID);
    }

    @Test
    void signatureByAnotherKeyUnderTheTrustedKeyId_doesNotVerify_andSaysAnotherKeySigned()
            throws IOException {
        Path file = manifest();
        ReleaseSignature.signFile(file, SigningKey.generate("release-2026"));

        SignatureCheck check = trusted.verifyFile(file);

        assertThat(check.status()).isEqualTo(SignatureCheck.Status.INVALID);
        assertThat(check.message()).contains("'release-2026'", "another key");
    }

    @Test
    void signatureByAnUntrustedKeyId_isUnknownKey_namingIt() throws IOException {
        Path file = manifest();
        ReleaseSignature.signFile(file, SigningKey.generate("intruder"));

        SignatureCheck check = trusted.verifyFile(file);

        assertThat(check.status()).isEqualTo(SignatureCheck.Status.UNKNOWN_KEY);
        assertThat(check.keyId()).isEqualTo("intruder");
        assertThat(check.message()).contains("'intruder'", "not trusted", "release-2026");
    }

    @Test
    void missingSignature_isMissing() throws IOException {
        SignatureCheck check = trusted.verifyFile(manifest());

        assertThat(check.status()).isEqualTo(SignatureCheck.Status.MISSING);
        assertThat(check.keyId()).isNull();
        assertThat(check.message()).contains("release_manifest.json.sig is missing");
    }

    @Test
    void malformedSignatureFile_isMalformed_namingTheProblem() throws IOException {
        Path file = manifest();
        Files.writeString(ReleaseSignature.fileFor(file), "{\"algorithm\": \"RSA\", \"key_id\":"
                + " \"k\", \"signed_sha256\": \"00\", \"signature\": \"AA==\"}");

        SignatureCheck check = trusted.verifyFile(file);

        assertThat(check.status()).isEqualTo(SignatureCheck.Status.MALFORMED);
        assertThat(check.message()).contains("/algorithm", "RSA", "Ed25519");
    }

    @Test
    void signatureFile_roundTrips_andRefusesUnknownFieldsAndShortSignatures() {
        ReleaseSignature s = ReleaseSignature.sign("abc".getBytes(StandardCharsets.UTF_8), key);

        assertThat(ReleaseSignature.parse(s.toJson().getBytes(StandardCharsets.UTF_8), "x"))
                .isEqualTo(s);
        assertThat(s.toJson()).startsWith("{\"algorithm\":\"Ed25519\",\"key_id\":"
                + "\"release-2026\",\"signed_sha256\":\"ba7816bf8f01cfea414140de5dae2223b00361a3"
                + "96177a9cb410ff61f20015ad\",\"signature\":\"").endsWith("\"}\n");
        assertThatThrownBy(() -> ReleaseSignature.parse(s.toJson().replace("{", "{\"by\": 1, ")
                .getBytes(StandardCharsets.UTF_8), "x.sig"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("/by");
        assertThatThrownBy(() -> ReleaseSignature.parse(s.toJson().replaceFirst(
                "\"signature\":\"[^\"]+\"", "\"signature\":\"AAAA\"")
                .getBytes(StandardCharsets.UTF_8), "x.sig"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("/signature").hasMessageContaining("64 bytes");
    }

    /**
     * Outside-tool vector: OpenSSL 3.0 made the key and the signature ({@code openssl genpkey
     * -algorithm ed25519}; {@code openssl pkeyutl -sign -inkey openssl-ed25519.pem -rawin -in
     * manifest.json}; see src/test/resources/release/signing/README.md). Ed25519 is
     * deterministic (RFC 8032), so the JDK must make the same 64 bytes from the same key.
     */
    @Test
    void opensslKeysAndSignature_areReadAndMatchTheJdksByteForByte() throws IOException {
        Path keyFile = copy("openssl-ed25519.pem");
        Path pubFile = copy("openssl-ed25519.pub.pem");
        byte[] content = ReleaseManifestTest.resource("release/signing/manifest.json");
        byte[] openssl = Base64.getDecoder().decode(new String(ReleaseManifestTest.resource(
                "release/signing/manifest.json.openssl.sig.b64"), StandardCharsets.US_ASCII)
                .strip());

        SigningKey fromOpenssl = SigningKey.fromPkcs8("ops-2026", keyFile);
        TrustedKeys keys = TrustedKeys.builder().addPem("ops-2026", pubFile).build();

        assertThat(fromOpenssl.sign(content)).isEqualTo(openssl);
        ReleaseSignature s = ReleaseSignature.sign(content, fromOpenssl);
        assertThat(keys.verify(content, s, "manifest.json").valid()).isTrue();
    }

    @Test
    void generatedKey_writtenAsPem_isReadBack() throws IOException {
        Path priv = Files.writeString(dir.resolve("k.pem"), key.privateKeyPem());
        Path pub = Files.writeString(dir.resolve("k.pub.pem"), key.publicKeyPem());
        byte[] content = {1, 2, 3};

        SigningKey read = SigningKey.fromPkcs8("release-2026", priv);
        TrustedKeys keys = TrustedKeys.builder().addPem("release-2026", pub).build();

        assertThat(key.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(keys.verify(content, ReleaseSignature.sign(content, read), "c").valid())
                .isTrue();
        assertThat(read.toString()).isEqualTo("SigningKey[release-2026]");
    }

    @Test
    void keyFilesThatAreNotEd25519Keys_areRefusedNamingTheFile() throws IOException {
        Path pub = Files.writeString(dir.resolve("k.pub.pem"), key.publicKeyPem());
        Path encrypted = Files.writeString(dir.resolve("enc.pem"), "-----BEGIN ENCRYPTED"
                + " PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");

        assertThatThrownBy(() -> SigningKey.fromPkcs8("k", pub))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(pub.toString()).hasMessageContaining("PRIVATE KEY");
        assertThatThrownBy(() -> SigningKey.fromPkcs8("k", encrypted))
                .hasMessageContaining("encrypted");
        assertThatThrownBy(() -> SigningKey.generate("bad id"))
                .hasMessageContaining("key id").hasMessageContaining("'bad id'");
    }

    /**
     * A PKCS12 KeyStore made by the JDK's {@code keytool -genkeypair -keyalg Ed25519}: its
     * private key entry signs, its certificate is trusted under its alias.
     */
    @Test
    void keyStoreEntry_signs_andItsCertificateVerifies() throws Exception {
        Path ks = dir.resolve("release.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin",
                "keytool").toString(), "-genkeypair", "-keyalg", "Ed25519", "-alias",
                "release-2026", "-dname", "CN=release", "-validity", "30", "-storetype",
                "PKCS12", "-keystore", ks.toString(), "-storepass", "changeit")
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
        byte[] content = "release".getBytes(StandardCharsets.UTF_8);

        SigningKey fromStore = SigningKey.fromKeyStore("release-2026", ks,
                "changeit".toCharArray(), "release-2026", "changeit".toCharArray());
        TrustedKeys keys = TrustedKeys.builder().addKeyStore(ks, "changeit".toCharArray())
                .build();

        assertThat(keys.keyIds()).containsExactly("release-2026");
        assertThat(keys.verify(content, ReleaseSignature.sign(content, fromStore), "c")
                .valid()).isTrue();
        assertThatThrownBy(() -> TrustedKeys.builder().addKeyStore(ks, "wrong".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(ks.toString());
    }

    @Test
    void releaseDirectory_signedManifestAndPolicySnapshot_verify_untilOneIsChanged()
            throws IOException {
        Path file = manifest();
        Path snapshot = Files.createDirectories(dir.resolve(ReleaseArtifacts.POLICY_SNAPSHOT));
        Path policy = Files.writeString(snapshot.resolve("gates.json"), "{}\n");
        Files.writeString(snapshot.resolve(ReleaseArtifacts.SHA256SUMS), "x  gates.json\n");

        List<Path> sigs = ReleaseArtifacts.sign(dir, key);

        assertThat(sigs).containsExactly(ReleaseSignature.fileFor(file),
                ReleaseSignature.fileFor(snapshot.resolve(ReleaseArtifacts.SHA256SUMS)),
                ReleaseSignature.fileFor(policy));
        assertThat(ReleaseArtifacts.verifySignatures(dir, trusted))
                .allMatch(SignatureCheck::valid).hasSize(3);

        Files.writeString(policy, "{\"tampered\": true}\n");
        assertThat(ReleaseArtifacts.verifySignatures(dir, trusted))
                .extracting(SignatureCheck::status)
                .containsExactly(SignatureCheck.Status.VALID, SignatureCheck.Status.VALID,
                        SignatureCheck.Status.INVALID);
    }

    private Path copy(String name) throws IOException {
        return Files.write(dir.resolve(name),
                ReleaseManifestTest.resource("release/signing/" + name));
    }
}
