package dev.releaserouter.governance.release;

import dev.releaserouter.rollout.gates.Policy;
import dev.releaserouter.rollout.RolloutDecision;
import dev.releaserouter.rollout.RolloutPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Writes the artifacts of a promotion into a release directory (layout in
 * {@code docs/release.md}):
 *
 * <pre>
 * release_manifest.json           the manifest, {@link ReleaseManifest#toJson()}
 * policy_snapshot/&lt;policy file&gt;  the policy file's exact bytes
 * policy_snapshot/SHA256SUMS      its SHA-256 in sha256sum format (sha256sum -c checks it)
 * canary_plan.md                  stages, checkpoint, minimum samples, criteria, rollback
 * release_notes.md                skeleton: changes, risks, limitations, validation, backout
 * rollout_decisions.jsonl         one rollout_decision JSON object per line
 * </pre>
 *
 * <p>Stateless and thread-safe for distinct directories. Two writers on the same directory at
 * the same time are not coordinated; callers serialize promotions of one release.
 */
public final class ReleaseArtifacts {

    /** The manifest's file name. */
    public static final String MANIFEST = "release_manifest.json";
    /** The policy snapshot's directory name. */
    public static final String POLICY_SNAPSHOT = "policy_snapshot";
    /** The checksum file in the policy snapshot directory. */
    public static final String SHA256SUMS = "SHA256SUMS";
    /** The canary plan's file name. */
    public static final String CANARY_PLAN = "canary_plan.md";
    /** The release notes' file name. */
    public static final String RELEASE_NOTES = "release_notes.md";
    /** The rollout decisions' file name. */
    public static final String ROLLOUT_DECISIONS = "rollout_decisions.jsonl";

    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private ReleaseArtifacts() {}

    /**
     * Writes the release artifacts into {@code dir} (created if missing), each file atomically
     * (a temp file in the same directory, forced to disk, then moved with {@code ATOMIC_MOVE}).
     * The manifest is written first.
     *
     * <p>Idempotent: if {@code dir} already holds a {@code release_manifest.json}, it must be
     * byte-identical to {@code manifest.toJson()}; then every file is written again (so
     * re-running a promotion, for example with more rollout decisions, refreshes the directory).
     * A different manifest is never overwritten: one directory holds one release.
     *
     * <p>The policy snapshot file is named after the last segment of {@code policy.source()}
     * (e.g. {@code gates.json} for {@code file:/etc/router/gates.json}); if that segment is not
     * a plain file name (letters, digits, {@code . _ -}), it is {@code policy.json} or
     * {@code policy.yaml} after the policy's format.
     *
     * @param dir the release directory
     * @param manifest the release manifest
     * @param policy the gate policy the release was approved with
     * @param policyFileBytes the policy file's exact bytes, as parsed into {@code policy}
     * @param plan the rollout plan, or null if none (the canary plan then says so); if given,
     *     its model, candidate version and policy digest must match the manifest
     * @param decisions the rollout decisions so far, in order, possibly empty; each must be for
     *     the manifest's model and version
     * @return the paths written, in the order above
     * @throws IllegalArgumentException if {@code Policy.digestOf(policyFileBytes)} differs from
     *     {@code policy.digest()} or from the manifest's policy digest, or the plan or a
     *     decision is for another model, version or policy
     * @throws IllegalStateException if {@code dir} already holds a different manifest
     * @throws UncheckedIOException if a file cannot be read or written, or the file system
     *     cannot move atomically
     * @throws NullPointerException if an argument other than plan is null
     */
    public static List<Path> write(Path dir, ReleaseManifest manifest, Policy policy,
            byte[] policyFileBytes, @Nullable RolloutPlan plan, List<RolloutDecision> decisions) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(policyFileBytes, "policyFileBytes");
        List<RolloutDecision> decisionList = List.copyOf(decisions);
        checkConsistent(manifest, policy, policyFileBytes, plan, decisionList);
        byte[] manifestBytes = manifest.toJson().getBytes(StandardCharsets.UTF_8);
        String policyFile = policyFileName(policy);
        StringBuilder jsonl = new StringBuilder();
        for (RolloutDecision d : decisionList) {
            jsonl.append(d.toJson()).append('\n');
        }
        Path manifestPath = dir.resolve(MANIFEST);
        Path snapshotDir = dir.resolve(POLICY_SNAPSHOT);
        List<Path> written = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            if (Files.exists(manifestPath)) {
                byte[] existing = Files.readAllBytes(manifestPath);
                if (!Arrays.equals(existing, manifestBytes)) {
                    throw new IllegalStateException(manifestPath + " already holds another"
                            + " release manifest; a release directory holds one release and is"
                            + " only rewritten with a byte-identical manifest");
                }
            }
            write(manifestPath, manifestBytes, written);
            Files.createDirectories(snapshotDir);
            write(snapshotDir.resolve(policyFile), policyFileBytes, written);
            write(snapshotDir.resolve(SHA256SUMS), (Digests.sha256Hex(policyFileBytes) + "  "
                    + policyFile + "\n").getBytes(StandardCharsets.UTF_8), written);
            write(dir.resolve(CANARY_PLAN), utf8(ReleaseDocs.canaryPlan(manifest, policy,
                    policyFile, plan)), written);
            write(dir.resolve(RELEASE_NOTES), utf8(ReleaseDocs.releaseNotes(manifest)), written);
            write(dir.resolve(ROLLOUT_DECISIONS), utf8(jsonl.toString()), written);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the release artifacts of "
                    + manifest.model() + " " + manifest.version() + " to " + dir, e);
        }
        return List.copyOf(written);
    }

    /**
     * Signs the release manifest and every file of the policy snapshot (the policy file and
     * {@code SHA256SUMS}) of a release directory written by {@link #write}: each gets a detached
     * signature {@code <file>.sig} next to it ({@link ReleaseSignature}), written atomically
     * (seed 004 §4: "policy_snapshot/ assinado"; 001 §10).
     *
     * @param dir the release directory
     * @param key the signing key
     * @return the signature files written, the manifest's first
     * @throws IllegalArgumentException if the directory has no {@code release_manifest.json}
     * @throws UncheckedIOException if a file cannot be read or a signature written
     * @throws NullPointerException if an argument is null
     */
    public static List<Path> sign(Path dir, SigningKey key) {
        Objects.requireNonNull(key, "key");
        List<Path> written = new ArrayList<>();
        for (Path file : signedFiles(dir)) {
            written.add(ReleaseSignature.signFile(file, key));
        }
        return List.copyOf(written);
    }

    /**
     * Checks the signatures of a release directory: the manifest's and those of every policy
     * snapshot file, as {@link #sign} writes them.
     *
     * @param dir the release directory
     * @param keys the trusted keys
     * @return one check per signed file, the manifest's first; all valid if the release is
     *     intact and signed by a trusted key
     * @throws IllegalArgumentException if the directory has no {@code release_manifest.json}
     * @throws UncheckedIOException if a file cannot be read
     * @throws NullPointerException if an argument is null
     */
    public static List<SignatureCheck> verifySignatures(Path dir, TrustedKeys keys) {
        Objects.requireNonNull(keys, "keys");
        List<SignatureCheck> checks = new ArrayList<>();
        for (Path file : signedFiles(dir)) {
            checks.add(keys.verifyFile(file));
        }
        return List.copyOf(checks);
    }

    private static List<Path> signedFiles(Path dir) {
        Path manifest = Objects.requireNonNull(dir, "dir").resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            throw new IllegalArgumentException(dir + " is not a release directory: it has no "
                    + MANIFEST);
        }
        List<Path> files = new ArrayList<>();
        files.add(manifest);
        Path snapshot = dir.resolve(POLICY_SNAPSHOT);
        if (Files.isDirectory(snapshot)) {
            try (var list = Files.list(snapshot)) {
                list.filter(Files::isRegularFile)
                        .filter(p -> {
                            String name = p.getFileName().toString();
                            return !name.endsWith(ReleaseSignature.SUFFIX)
                                    && !name.startsWith(".");
                        })
                        .sorted()
                        .forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + snapshot, e);
            }
        }
        return files;
    }

    private static void checkConsistent(ReleaseManifest manifest, Policy policy,
            byte[] policyFileBytes, @Nullable RolloutPlan plan, List<RolloutDecision> decisions) {
        String fileDigest = Policy.digestOf(policyFileBytes);
        if (!fileDigest.equals(policy.digest())) {
            throw new IllegalArgumentException("the policy file bytes have digest " + fileDigest
                    + " but the policy " + policy.source() + " has digest " + policy.digest()
                    + "; pass the bytes the policy was parsed from");
        }
        if (!fileDigest.equals(manifest.policyDigest())) {
            throw new IllegalArgumentException("policy_digest: the manifest says "
                    + manifest.policyDigest() + " but the policy file " + policy.source()
                    + " has digest " + fileDigest);
        }
        if (plan != null) {
            if (!plan.model().equals(manifest.model())
                    || !plan.candidateVersion().equals(manifest.version())) {
                throw new IllegalArgumentException("the rollout plan is for " + plan.model()
                        + " " + plan.candidateVersion() + " but the manifest is for "
                        + manifest.model() + " " + manifest.version());
            }
            if (!plan.policy().digest().equals(manifest.policyDigest())) {
                throw new IllegalArgumentException("the rollout plan's policy has digest "
                        + plan.policy().digest() + " but the manifest says "
                        + manifest.policyDigest());
            }
        }
        for (int i = 0; i < decisions.size(); i++) {
            RolloutDecision d = decisions.get(i);
            if (!d.model().equals(manifest.model())
                    || !d.candidate().equals(manifest.version())) {
                throw new IllegalArgumentException("decisions[" + i + "] is for " + d.model()
                        + " " + d.candidate() + " but the manifest is for " + manifest.model()
                        + " " + manifest.version());
            }
        }
    }

    private static String policyFileName(Policy policy) {
        String source = policy.source();
        int cut = Math.max(source.lastIndexOf('/'), Math.max(source.lastIndexOf('\\'),
                source.lastIndexOf(':')));
        String name = source.substring(cut + 1);
        if (SAFE_NAME.matcher(name).matches() && !name.startsWith(".")
                && !name.equals(SHA256SUMS)) {
            return name;
        }
        return "policy." + Policy.Format.of(source).name().toLowerCase(Locale.ROOT);
    }

    private static void write(Path file, byte[] bytes, List<Path> written) throws IOException {
        AtomicFiles.write(file, bytes);
        written.add(file);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
