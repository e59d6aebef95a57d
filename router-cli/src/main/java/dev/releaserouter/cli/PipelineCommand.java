package dev.releaserouter.cli;

import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.audit.AuditSink;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.notify.Notifier;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.audit.JsonlAuditSink;
import dev.releaserouter.governance.AliasRecord;
import dev.releaserouter.governance.FileModelRegistry;
import dev.releaserouter.governance.ReleaseGovernance;
import dev.releaserouter.governance.VersionRecord;
import dev.releaserouter.governance.notify.WebhookNotifier;
import dev.releaserouter.governance.release.ReleaseArtifacts;
import dev.releaserouter.governance.release.ReleaseManifest;
import dev.releaserouter.governance.release.SigningKey;
import dev.releaserouter.rollout.ChangeType;
import dev.releaserouter.rollout.gates.Policy;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The promotion pipeline steps of seed 004 §7 against a {@link FileModelRegistry}:
 * {@code register}, {@code transition}, {@code approve}, {@code publish}, {@code alias}. Each
 * runs one {@link ReleaseGovernance} operation (four-eyes, freeze windows and stage rules as in
 * the library), records it in a hash-chained JSONL audit file, and can notify a webhook.
 *
 * <p>Exit status: 0 done, 1 refused by a release rule (wrong stage, four-eyes, freeze), 64 usage
 * error, 65 bad input (manifest, policy, key, registry, audit file), 74 I/O error.
 */
final class PipelineCommand extends NamedCommand {

    private static final Set<String> COMMON = Set.of("--registry", "--actor", "--reason",
            "--ticket", "--audit", "--webhook", "--webhook-secret-env");

    static final String HELP = String.join("\n",
            "Usage: release-router-cli <step> --registry DIR [options]",
            "",
            "The promotion pipeline of seed 004 §7 on a file registry (DIR/registry.json):",
            "",
            "  register   --model M --version V",
            "             registers V as Candidate",
            "  transition --model M --version V --to staging|approved|revoked",
            "             [--change-type standard|normal|emergency]",
            "             Candidate -> Staging; Staging -> Approved (needs two approvals by",
            "             different people in different roles, and no freeze unless",
            "             emergency); any stage -> Revoked",
            "  approve    --model M --version V --approver P --role R",
            "             one person's approval of a Staging version (the actor is P)",
            "  publish    --manifest FILE --policy FILE --out DIR",
            "             [--sign-key PEM --key-id ID]",
            "             writes the release artifacts of an Approved version (manifest,",
            "             policy snapshot, canary plan, release notes) and copies the files",
            "             the manifest links to; with a key, signs the manifest and policy",
            "             snapshot (Ed25519, FILE.sig)",
            "  alias      --model M --alias A (--version V [--change-type T] | --rollback)",
            "             points alias A (e.g. production) at an Approved version, or moves it",
            "             back to the previous Approved one",
            "",
            "Common options:",
            "  --registry DIR            the registry directory (required)",
            "  --actor NAME              who makes the change (required, except approve)",
            "  --reason TEXT             why (required)",
            "  --ticket ID               the change ticket, e.g. CHG-10234",
            "  --audit FILE              the audit log (default DIR/audit.jsonl)",
            "  --webhook URL             POST a notification of the step to URL",
            "  --webhook-secret-env VAR  sign it with HMAC-SHA256 under the secret in $VAR",
            "",
            "Exit status: 0 done, 1 refused (stage, four-eyes, freeze), 64 usage,",
            "65 bad input, 74 I/O error. See docs/cli.md.",
            "");

    PipelineCommand(String name, PrintStream out, PrintStream err,
            Function<String, @Nullable String> env) {
        super(name, out, err, env);
    }

    @Override
    int run(String[] args) {
        Flags f;
        try {
            f = Flags.parse(args, options(), Set.of(), Set.of("--rollback"));
            if (f.help()) {
                out.print(HELP);
                return Main.PASS;
            }
            if (!f.arguments().isEmpty()) {
                throw new Flags.UsageError("unexpected argument '" + f.arguments().get(0)
                        + "'; options are written --name value");
            }
            f.required("--registry");
            f.required("--reason");
            if (!name.equals("approve")) {
                f.required("--actor");
            }
        } catch (Flags.UsageError e) {
            return Flags.usage(name, e.getMessage(), err);
        }
        Path registryDir = Path.of(f.get("--registry"));
        WebhookNotifier webhook = null;
        try {
            webhook = webhook(f);
            try (AuditSink audit = JsonlAuditSink.open(Path.of(f.get("--audit",
                    registryDir.resolve("audit.jsonl").toString())))) {
                RouterAdmin admin = ReleaseRouter.builder().config(RouterConfig.EMPTY)
                        .auditSink(event -> { })
                        .hashSecretHex(HexFormat.of().formatHex(randomSecret()))
                        .buildWithAdmin();
                try {
                    ReleaseGovernance g = ReleaseGovernance.builder(admin,
                            new FileModelRegistry(registryDir)).auditSink(audit)
                            .notifier(webhook == null ? Notifier.none() : webhook).build();
                    out.println(name + ": " + step(g, f));
                } finally {
                    admin.router().close();
                }
            }
            return Main.PASS;
        } catch (Exception e) {
            return Flags.failure(name, e, err);
        } finally {
            if (webhook != null) {
                webhook.close();
                reportUndelivered(webhook, err, name);
            }
        }
    }

    private Set<String> options() {
        Set<String> own = switch (name) {
            case "register" -> Set.of("--model", "--version");
            case "transition" -> Set.of("--model", "--version", "--to", "--change-type");
            case "approve" -> Set.of("--model", "--version", "--approver", "--role");
            case "publish" -> Set.of("--manifest", "--policy", "--out", "--sign-key",
                    "--key-id");
            case "alias" -> Set.of("--model", "--alias", "--version", "--change-type");
            default -> throw new IllegalStateException(name);
        };
        Set<String> all = new java.util.HashSet<>(COMMON);
        all.addAll(own);
        return all;
    }

    private String step(ReleaseGovernance g, Flags f) throws Flags.UsageError, IOException {
        switch (name) {
            case "register": {
                VersionRecord r = g.register(f.required("--model"), f.required("--version"),
                        ctx(f, f.required("--actor")));
                return r.model() + "/" + r.version() + " registered as " + r.stage();
            }
            case "transition":
                return transition(g, f);
            case "approve": {
                String approver = f.required("--approver");
                VersionRecord r = g.approve(f.required("--model"), f.required("--version"),
                        approver, f.required("--role"), ctx(f, f.get("--actor", approver)));
                return r.model() + "/" + r.version() + " approved by " + approver + " as "
                        + f.get("--role") + " (" + r.approvals().size() + " approval(s))";
            }
            case "publish":
                return publish(g, f);
            case "alias":
                return alias(g, f);
            default:
                throw new IllegalStateException(name);
        }
    }

    private String transition(ReleaseGovernance g, Flags f) throws Flags.UsageError {
        String model = f.required("--model");
        String version = f.required("--version");
        String to = f.required("--to").toLowerCase(Locale.ROOT);
        ChangeContext ctx = ctx(f, f.required("--actor"));
        VersionRecord r = switch (to) {
            case "staging" -> g.toStaging(model, version, ctx);
            case "approved" -> g.promote(model, version, changeType(f), ctx);
            case "revoked" -> g.revoke(model, version, ctx);
            default -> throw new Flags.UsageError("--to must be staging, approved or revoked,"
                    + " but was '" + f.get("--to") + "'");
        };
        return model + "/" + version + " is now " + r.stage();
    }

    private String publish(ReleaseGovernance g, Flags f) throws Flags.UsageError, IOException {
        Path manifestFile = Path.of(f.required("--manifest"));
        Path policyFile = Path.of(f.required("--policy"));
        Path outDir = Path.of(f.required("--out"));
        SigningKey key = null;
        if (f.has("--sign-key")) {
            key = SigningKey.fromPkcs8(f.required("--key-id"), Path.of(f.get("--sign-key")));
        } else if (f.has("--key-id")) {
            throw new Flags.UsageError("--key-id needs --sign-key");
        }
        ReleaseManifest manifest = ReleaseManifest.load(manifestFile);
        Path manifestDir = manifestFile.toAbsolutePath().getParent();
        List<String> linkProblems = manifest.checkLinkedFiles(manifestDir);
        if (!linkProblems.isEmpty()) {
            throw new IllegalArgumentException("the files the manifest links to do not match: "
                    + String.join("; ", linkProblems));
        }
        byte[] policyBytes = Files.readAllBytes(policyFile);
        Policy policy = Policy.parse(policyBytes, policyFile.toUri().toString());
        List<Path> written = g.publishRelease(outDir, manifest, policy, policyBytes, null,
                List.of(), ctx(f, f.required("--actor")));
        int copied = 0;
        for (ReleaseManifest.Link link : manifest.links().values()) {
            if (link.isFile() && !link.uri().contains(":")) {
                Path target = outDir.resolve(link.uri());
                Files.createDirectories(target.toAbsolutePath().getParent());
                Files.copy(manifestDir.resolve(link.uri()), target,
                        StandardCopyOption.REPLACE_EXISTING);
                copied++;
            }
        }
        String signed = "";
        if (key != null) {
            signed = ", " + ReleaseArtifacts.sign(outDir, key).size() + " signature(s) by key "
                    + key.keyId();
        }
        return manifest.model() + "/" + manifest.version() + " published to " + outDir + " ("
                + written.size() + " file(s), " + copied + " linked file(s)" + signed + ")";
    }

    private String alias(ReleaseGovernance g, Flags f) throws Flags.UsageError {
        String model = f.required("--model");
        String alias = f.required("--alias");
        ChangeContext ctx = ctx(f, f.required("--actor"));
        if (f.has("--rollback")) {
            if (f.has("--version")) {
                throw new Flags.UsageError("give --version or --rollback, not both");
            }
            String back = g.rollbackAlias(model, alias, ctx);
            return model + " alias " + alias + " rolled back to " + back;
        }
        AliasRecord a = g.setAlias(model, alias, f.required("--version"), changeType(f), ctx);
        return model + " alias " + alias + " -> " + a.version();
    }

    private static ChangeType changeType(Flags f) throws Flags.UsageError {
        try {
            return ChangeType.of(f.get("--change-type", "normal"));
        } catch (IllegalArgumentException e) {
            throw new Flags.UsageError("--change-type must be standard, normal or emergency,"
                    + " but was '" + f.get("--change-type") + "'");
        }
    }

    private static ChangeContext ctx(Flags f, String actor) throws Flags.UsageError {
        return ChangeContext.of(actor, f.required("--reason"), f.get("--ticket"));
    }

    /** The webhook notifier the options ask for, or null. */
    private @Nullable WebhookNotifier webhook(Flags f) throws Flags.UsageError {
        return webhook(f.get("--webhook"), f.get("--webhook-secret-env"), env, 5,
                Duration.ofSeconds(10));
    }

    static @Nullable WebhookNotifier webhook(@Nullable String url, @Nullable String secretEnv,
            Function<String, @Nullable String> env, int attempts, Duration closeTimeout)
            throws Flags.UsageError {
        if (url == null) {
            if (secretEnv != null) {
                throw new Flags.UsageError("--webhook-secret-env needs --webhook");
            }
            return null;
        }
        WebhookNotifier.Builder b;
        try {
            b = WebhookNotifier.builder(URI.create(url)).maxAttempts(attempts)
                    .closeTimeout(closeTimeout);
        } catch (IllegalArgumentException e) {
            throw new Flags.UsageError("--webhook: " + e.getMessage());
        }
        if (secretEnv != null) {
            String secret = env.apply(secretEnv);
            if (secret == null || secret.isEmpty()) {
                throw new Flags.UsageError("--webhook-secret-env: the environment variable "
                        + secretEnv + " is not set");
            }
            b.hmacSecret(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return b.build();
    }

    static void reportUndelivered(WebhookNotifier webhook, PrintStream err, String command) {
        WebhookNotifier.Stats s = webhook.stats();
        long lost = s.abandoned() + s.dropped();
        if (lost > 0) {
            err.println(command + ": warning: " + lost + " notification(s) not delivered: "
                    + s.lastError());
        }
    }

    private static byte[] randomSecret() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
