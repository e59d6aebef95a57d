package dev.releaserouter.governance;

import dev.releaserouter.api.Router;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.KillTarget;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.api.audit.AuditSink;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.notify.Notification;
import dev.releaserouter.api.notify.Notifier;
import dev.releaserouter.rollout.gates.Policy;
import dev.releaserouter.governance.release.ReleaseArtifacts;
import dev.releaserouter.governance.release.ReleaseManifest;
import dev.releaserouter.governance.release.SignatureCheck;
import dev.releaserouter.governance.release.TrustedKeys;
import dev.releaserouter.rollout.ChangeRefusedException;
import dev.releaserouter.rollout.ChangeType;
import dev.releaserouter.rollout.RolloutDecision;
import dev.releaserouter.rollout.RolloutPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves model versions through Candidate -> Staging -> Approved -> Revoked (seed 004) with
 * change control, keeps the registry, and makes the router follow:
 * <ul>
 *   <li>{@link #register}, {@link #toStaging}: the first steps;
 *   <li>{@link #approve} collects approvals; {@link #promote} to Approved needs two distinct
 *       people in distinct roles (four-eyes; or every {@linkplain Builder#requiredRoles required
 *       role}, each by a different person);
 *   <li>{@link #revoke}: at once no traffic and no shadow, even if a flag file still lists the
 *       version as Approved (a router override), and an alias pointing at it moves back;
 *   <li>{@link #setAlias} / {@link #rollbackAlias}: aliases such as {@code production}; the
 *       {@linkplain Builder#routerAlias router alias} is the router's stable version, which
 *       follows in the same call;
 *   <li>freeze windows ({@link ChangeCalendar}) refuse forward changes that are not
 *       {@link ChangeType#EMERGENCY}; backouts are always allowed.
 * </ul>
 * Every transition is written to the audit trail (actor, reason, ticket, before and after) and
 * the registry; the router's own changes are audited by the router as well. With a
 * {@linkplain Builder#notifier notifier}, every transition is also sent as a {@link
 * Notification} (seed 004 §8; see {@code docs/notifications.md}).
 *
 * <p>Design: thread-safe. State-changing methods hold this instance's monitor for their whole
 * run (registry read, checks, router change, registry write, audit), so two approvals or an
 * approval and a revocation never interleave. Reads go straight to the registry. The router is
 * changed through the {@link RouterAdmin} governance was built with (it reads the router through
 * {@link RouterAdmin#router()}), each change a snapshot swap: decisions are never blocked.
 */
public final class ReleaseGovernance {

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseGovernance.class);

    private final RouterAdmin admin;
    private final Router router;
    private final ModelRegistry registry;
    private final AuditSink audit;
    private final Clock clock;
    private final ChangeCalendar calendar;
    private final Set<String> requiredRoles;
    private final String routerAlias;
    private final Notifier notifier;
    private final AtomicLong notificationFailures = new AtomicLong();

    private ReleaseGovernance(Builder b) {
        this.admin = b.admin;
        this.router = b.admin.router();
        this.registry = b.registry;
        this.audit = Objects.requireNonNull(b.audit, "auditSink is required");
        this.clock = b.clock;
        this.calendar = b.calendar;
        this.requiredRoles = Set.copyOf(b.requiredRoles);
        this.routerAlias = b.routerAlias;
        this.notifier = b.notifier;
    }

    /**
     * @param admin the admin of the router that serves the versions (the capability to change
     *     its stages, stable version and kill switches; whoever built the router holds it)
     * @param registry where stages, approvals and aliases are kept
     * @return a builder
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(RouterAdmin admin, ModelRegistry registry) {
        return new Builder(admin, registry);
    }

    /**
     * Registers a new version as Candidate.
     *
     * @param model the model
     * @param version the version
     * @param ctx who and why
     * @return the record
     * @throws ChangeRefusedException if the version is already registered
     */
    public synchronized VersionRecord register(String model, String version, ChangeContext ctx) {
        requireText(model, "model");
        requireText(version, "version");
        Objects.requireNonNull(ctx, "ctx");
        if (registry.version(model, version).isPresent()) {
            throw new ChangeRefusedException(model + "/" + version + " is already registered ("
                    + registry.version(model, version).get().stage() + ")");
        }
        VersionRecord r = new VersionRecord(model, version, Stage.CANDIDATE, List.of(),
                List.of()).moved(transition(ctx, null, Stage.CANDIDATE));
        registry.save(r);
        audit(ctx, "version.register", model + "/" + version, null, stage(Stage.CANDIDATE));
        notify(Notification.Type.VERSION_REGISTERED, model, version, ctx, "to_stage",
                "candidate");
        return r;
    }

    /**
     * Candidate -> Staging. The router, if it lists the version, may now shadow it.
     *
     * @param model the model
     * @param version the version
     * @param ctx who and why
     * @return the record
     * @throws ChangeRefusedException if the version is not a Candidate
     */
    public synchronized VersionRecord toStaging(String model, String version, ChangeContext ctx) {
        VersionRecord r = require(model, version, Stage.CANDIDATE, "move to Staging");
        return move(r, Stage.STAGING, ctx, "stage.transition");
    }

    /**
     * Records one person's approval, in one role, of a Staging version's promotion.
     *
     * @param model the model
     * @param version the version
     * @param approver the person
     * @param role the role they approve in (e.g. {@code security}, {@code product})
     * @param ctx the approver's context (its actor must be the approver)
     * @return the record with the approval
     * @throws ChangeRefusedException if the version is not in Staging, the person already
     *     approved it (in any role), or the context's actor is someone else
     */
    public synchronized VersionRecord approve(String model, String version, String approver,
            String role, ChangeContext ctx) {
        requireText(approver, "approver");
        requireText(role, "role");
        Objects.requireNonNull(ctx, "ctx");
        VersionRecord r = require(model, version, Stage.STAGING, "approve");
        if (!ctx.actor().equals(approver)) {
            throw new ChangeRefusedException("an approval must be made by the approver: '"
                    + ctx.actor() + "' cannot approve on behalf of '" + approver + "'");
        }
        for (Approval a : r.approvals()) {
            if (a.approver().equals(approver)) {
                throw new ChangeRefusedException("four-eyes: " + approver + " already approved "
                        + model + "/" + version + " as " + a.role()
                        + "; a second approval must come from another person");
            }
        }
        VersionRecord next = r.approved(new Approval(approver, role.toLowerCase(Locale.ROOT),
                clock.instant()));
        registry.save(next);
        audit(ctx, "approval.add", model + "/" + version, null,
                "{\"approver\":" + json(approver) + ",\"role\":" + json(role) + "}");
        notify(Notification.Type.APPROVAL, model, version, ctx, "approver", approver, "role",
                role);
        return next;
    }

    /**
     * Staging -> Approved, with four-eyes. The router, if it lists the version, may now send it
     * canary traffic.
     *
     * @param model the model
     * @param version the version
     * @param type the change type; only {@link ChangeType#EMERGENCY} passes a freeze window
     * @param ctx who and why
     * @return the record
     * @throws ChangeRefusedException if the version is not in Staging, the approvals do not
     *     satisfy four-eyes, or a freeze window is in force
     */
    public synchronized VersionRecord promote(String model, String version, ChangeType type,
            ChangeContext ctx) {
        Objects.requireNonNull(type, "type");
        VersionRecord r = require(model, version, Stage.STAGING, "promote to Approved");
        fourEyes(r);
        requireNotFrozen(type, "promote " + model + "/" + version + " to Approved");
        return move(r, Stage.APPROVED, ctx, "stage.transition");
    }

    /**
     * Revokes a version, whatever its stage: at once no traffic and no shadow (the router keeps
     * it Revoked even if its flag file lists it as Approved), and every given alias that points
     * at it moves back to the previous Approved version. Always allowed, in a freeze too.
     *
     * @param model the model
     * @param version the version
     * @param ctx who and why
     * @return the record
     * @throws ChangeRefusedException if the version is unknown or already revoked, or it is the
     *     router's stable version and no earlier Approved version can take its place
     */
    public synchronized VersionRecord revoke(String model, String version, ChangeContext ctx) {
        VersionRecord r = registry.version(model, version).orElseThrow(() ->
                new ChangeRefusedException("cannot revoke " + model + "/" + version
                        + ": not registered"));
        if (r.stage() == Stage.REVOKED) {
            throw new ChangeRefusedException(model + "/" + version + " is already revoked");
        }
        Optional<AliasRecord> alias = registry.alias(model, routerAlias);
        ModelConfig m = router.config().model(model);
        boolean stable = m != null && m.stableVersion().equals(version);
        if (alias.isPresent() && alias.get().version().equals(version) || stable) {
            rollbackAlias(model, routerAlias, ChangeContext.of(ctx.actor(),
                    "revocation of " + version + ": " + ctx.reason(), ctx.ticket()));
        }
        return move(r, Stage.REVOKED, ctx, "version.revoke");
    }

    /**
     * Points an alias at an Approved version. For the router alias, the router's stable version
     * becomes that version in the same call (the previous one becomes a candidate at weight 0).
     *
     * @param model the model
     * @param alias the alias, e.g. {@code production}
     * @param version the version
     * @param type the change type; only {@link ChangeType#EMERGENCY} passes a freeze window
     * @param ctx who and why
     * @return the alias
     * @throws ChangeRefusedException if the version is not Approved, or a freeze is in force
     */
    public synchronized AliasRecord setAlias(String model, String alias, String version,
            ChangeType type, ChangeContext ctx) {
        requireText(alias, "alias");
        Objects.requireNonNull(type, "type");
        require(model, version, Stage.APPROVED, "point alias '" + alias + "' at");
        Optional<AliasRecord> current = registry.alias(model, alias);
        if (current.isPresent() && current.get().version().equals(version)) {
            return current.get();
        }
        requireNotFrozen(type, "move alias '" + alias + "' of " + model + " to " + version);
        List<String> previous = new ArrayList<>();
        current.ifPresent(c -> {
            previous.addAll(c.previous());
            previous.add(c.version());
        });
        return pointAlias(model, alias, version, previous, ctx, "alias.set",
                current.map(AliasRecord::version).orElse(null));
    }

    /**
     * Moves an alias back to the most recent earlier version that is still Approved (a backout:
     * always allowed, in a freeze too). For the router alias the router follows at once. When
     * the alias was never set, the router's current stable version is the one moved away from,
     * and the target is the most recently approved other version.
     *
     * @param model the model
     * @param alias the alias
     * @param ctx who and why
     * @return the version the alias points at now
     * @throws ChangeRefusedException if no earlier Approved version exists
     */
    public synchronized String rollbackAlias(String model, String alias, ChangeContext ctx) {
        requireText(alias, "alias");
        Objects.requireNonNull(ctx, "ctx");
        Optional<AliasRecord> current = registry.alias(model, alias);
        String from;
        List<String> candidates = new ArrayList<>();
        if (current.isPresent()) {
            from = current.get().version();
            candidates.addAll(current.get().previous());
        } else {
            ModelConfig m = router.config().model(model);
            if (m == null || !alias.equals(routerAlias)) {
                throw new ChangeRefusedException("cannot roll back alias '" + alias + "' of "
                        + model + ": it was never set");
            }
            from = m.stableVersion();
        }
        // Most recent first; fall back on any other Approved version, newest registered first.
        List<String> order = new ArrayList<>();
        for (int i = candidates.size() - 1; i >= 0; i--) {
            order.add(candidates.get(i));
        }
        List<VersionRecord> all = registry.versions(model);
        for (int i = all.size() - 1; i >= 0; i--) {
            order.add(all.get(i).version());
        }
        for (String v : new LinkedHashSet<>(order)) {
            if (v.equals(from)) {
                continue;
            }
            Optional<VersionRecord> r = registry.version(model, v);
            if (r.isPresent() && r.get().stage() == Stage.APPROVED) {
                List<String> remaining = new ArrayList<>(candidates);
                int at = remaining.lastIndexOf(v);
                List<String> previous = at < 0 ? remaining : remaining.subList(0, at);
                pointAlias(model, alias, v, previous, ctx, "alias.rollback", from);
                return v;
            }
        }
        throw new ChangeRefusedException("cannot roll back alias '" + alias + "' of " + model
                + " from " + from + ": no earlier Approved version (revoke or approve one "
                + "first)");
    }

    /**
     * @param model the model
     * @param version the version
     * @return the registry's record of it
     */
    public Optional<VersionRecord> version(String model, String version) {
        return registry.version(model, version);
    }

    /**
     * @param model the model
     * @param alias the alias
     * @return the alias, if set
     */
    public Optional<AliasRecord> alias(String model, String alias) {
        return registry.alias(model, alias);
    }

    /**
     * Re-applies the registry's stages to the router for every version the router lists: call
     * it after deploying a new flag file that adds versions (a revocation recorded before the
     * router knew the version then takes effect). Changes only what differs; each change is
     * audited by the router.
     *
     * @param ctx who and why
     * @return how many versions were changed
     */
    public synchronized int enforce(ChangeContext ctx) {
        int changed = 0;
        for (ModelConfig m : router.config().models().values()) {
            for (VersionRecord r : registry.versions(m.name())) {
                var v = m.version(r.version());
                if (v != null && v.stage() != r.stage() && !m.stableVersion().equals(r.version())) {
                    admin.setStage(m.name(), r.version(), r.stage(), ctx);
                    changed++;
                }
            }
        }
        return changed;
    }

    /**
     * Checks a version's release manifest against what is deployed: call it at startup and after
     * every reload of the manifest, the model or the policy. On a mismatch of the artifact or
     * the policy digest the router refuses the version at once: it is killed (an audited
     * override that survives reloads; decisions for it answer stable with reason KILL_SWITCH)
     * and the kill's reason, like the returned list, says which digest differs, expected and
     * actual. A passing check changes nothing (it never un-kills: a person does, after looking).
     *
     * @param manifest the validated manifest ({@link ReleaseManifest#load})
     * @param deployedArtifactDigest {@code sha256:<hex>} of the artifact being served, or null
     *     if unknown (a mismatch)
     * @param policyDigestInForce the digest of the gate policy in force
     *     ({@code Policy.digest()}), or null if unknown (a mismatch)
     * @param ctx who and why
     * @return the mismatches, empty if the manifest matches
     * @throws ChangeRefusedException if the manifest's version is the router's stable version
     *     and does not match (stable cannot be killed: roll the alias back first)
     */
    public synchronized List<String> checkManifest(ReleaseManifest manifest,
            @Nullable String deployedArtifactDigest, @Nullable String policyDigestInForce,
            ChangeContext ctx) {
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(ctx, "ctx");
        return enforceManifest(manifest, manifest.verify(deployedArtifactDigest,
                policyDigestInForce), ctx);
    }

    /**
     * Checks a release manifest file and its detached Ed25519 signature ({@code
     * release_manifest.json.sig}, see {@code ReleaseSignature}) against what is deployed (seed
     * 001 §10, 004 §4 and §5 "Startup/Download: assinatura/attestation OK"). As {@link
     * #checkManifest(ReleaseManifest, String, String, ChangeContext)}, and in addition a
     * signature that is missing, malformed, by an untrusted key or that does not verify makes
     * the version not routable: it is killed, audited and notified like a digest mismatch, and
     * the reason (the first problem) names the key id and what failed.
     *
     * @param manifestFile the manifest file; its signature is read from {@code <file>.sig}
     * @param trustedKeys the keys a release may be signed with
     * @param deployedArtifactDigest {@code sha256:<hex>} of the artifact being served, or null
     * @param policyDigestInForce the digest of the gate policy in force, or null
     * @param ctx who and why
     * @return the problems, the signature's first; empty if the signature verifies and the
     *     digests match
     * @throws dev.releaserouter.api.config.ConfigException if the manifest file is invalid
     * @throws UncheckedIOException if the manifest file cannot be read
     * @throws ChangeRefusedException if the manifest's version is the router's stable version
     *     and does not check (stable cannot be killed: roll the alias back first)
     */
    public synchronized List<String> checkManifest(Path manifestFile, TrustedKeys trustedKeys,
            @Nullable String deployedArtifactDigest, @Nullable String policyDigestInForce,
            ChangeContext ctx) {
        Objects.requireNonNull(trustedKeys, "trustedKeys");
        Objects.requireNonNull(ctx, "ctx");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(manifestFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read release manifest " + manifestFile, e);
        }
        ReleaseManifest manifest = ReleaseManifest.parse(bytes, manifestFile.toUri().toString());
        SignatureCheck signature = trustedKeys.verify(bytes, manifestFile);
        List<String> problems = new ArrayList<>();
        if (!signature.valid()) {
            problems.add("signature: " + signature.message());
        }
        problems.addAll(manifest.verify(deployedArtifactDigest, policyDigestInForce));
        return enforceManifest(manifest, List.copyOf(problems), ctx);
    }

    private List<String> enforceManifest(ReleaseManifest manifest, List<String> problems,
            ChangeContext ctx) {
        if (problems.isEmpty()) {
            return problems;
        }
        ModelConfig m = router.config().model(manifest.model());
        if (m != null && m.version(manifest.version()) != null) {
            if (m.stableVersion().equals(manifest.version())) {
                throw new ChangeRefusedException("release manifest of the stable version "
                        + manifest.model() + "/" + manifest.version() + " does not match: "
                        + String.join("; ", problems) + " (roll the alias back, then check)");
            }
            admin.kill(KillTarget.version(manifest.model(), manifest.version()),
                    ChangeContext.of(ctx.actor(), cut("release manifest check failed: "
                            + String.join("; ", problems)), ctx.ticket()));
        }
        audit(ctx, "manifest.mismatch", manifest.model() + "/" + manifest.version(), null,
                json(String.join("; ", problems)));
        notify(Notification.Type.MANIFEST_MISMATCH, manifest.model(), manifest.version(), ctx,
                "problems", String.join("; ", problems));
        return problems;
    }

    /**
     * Writes the release artifacts of a promotion (manifest, policy snapshot with its digest,
     * canary plan, release notes skeleton, rollout decisions; see {@link ReleaseArtifacts}) and
     * records it in the audit trail.
     *
     * @param dir the release's directory
     * @param manifest the manifest
     * @param policy the gate policy
     * @param policyFileBytes the policy file's bytes
     * @param plan the rollout plan, or null
     * @param decisions the rollout's decisions
     * @param ctx who and why
     * @return the files written
     * @throws ChangeRefusedException if the version is not Approved in the registry
     * @throws IllegalArgumentException if the policy or decisions do not match the manifest
     */
    public synchronized List<Path> publishRelease(Path dir, ReleaseManifest manifest,
            Policy policy, byte[] policyFileBytes, @Nullable RolloutPlan plan,
            List<RolloutDecision> decisions, ChangeContext ctx) {
        require(manifest.model(), manifest.version(), Stage.APPROVED, "publish the release of");
        List<Path> written = ReleaseArtifacts.write(dir, manifest, policy, policyFileBytes, plan,
                decisions);
        audit(ctx, "release.publish", manifest.model() + "/" + manifest.version(), null,
                json(dir.toString()));
        notify(Notification.Type.RELEASE_PUBLISHED, manifest.model(), manifest.version(), ctx,
                "dir", dir.toString());
        return written;
    }

    private static String cut(String s) {
        return s.length() <= 500 ? s : s.substring(0, 497) + "...";
    }

    /** @return the freeze calendar */
    public ChangeCalendar calendar() {
        return calendar;
    }

    /** @return how many times the notifier threw (the transitions went on regardless) */
    public long notificationFailures() {
        return notificationFailures.get();
    }

    // ----------------------------------------------------------------------------- internals

    private AliasRecord pointAlias(String model, String alias, String version,
            List<String> previous, ChangeContext ctx, String action, @Nullable String from) {
        if (alias.equals(routerAlias) && router.config().model(model) != null) {
            admin.setStable(model, version, ctx);
        }
        AliasRecord a = new AliasRecord(model, alias, version, previous);
        registry.saveAlias(a);
        audit(ctx, action, model + "/alias/" + alias, from == null ? null : json(from),
                json(version));
        notify(action.equals("alias.rollback") ? Notification.Type.ROLLBACK
                : Notification.Type.ALIAS_UPDATE, model, version, ctx, "alias", alias,
                "from_version", from == null ? "" : from);
        return a;
    }

    private VersionRecord move(VersionRecord r, Stage to, ChangeContext ctx, String action) {
        Objects.requireNonNull(ctx, "ctx");
        ModelConfig m = router.config().model(r.model());
        if (m != null && m.version(r.version()) != null
                && !m.stableVersion().equals(r.version())) {
            admin.setStage(r.model(), r.version(), to, ctx);
        }
        VersionRecord next = r.moved(transition(ctx, r.stage(), to));
        registry.save(next);
        audit(ctx, action, r.model() + "/" + r.version(), stage(r.stage()), stage(to));
        notify(to == Stage.APPROVED ? Notification.Type.PROMOTION : to == Stage.REVOKED
                ? Notification.Type.REVOCATION : Notification.Type.STAGE_TRANSITION, r.model(),
                r.version(), ctx, "from_stage", lower(r.stage()), "to_stage", lower(to));
        return next;
    }

    private void fourEyes(VersionRecord r) {
        Set<String> people = new HashSet<>();
        Set<String> roles = new HashSet<>();
        for (Approval a : r.approvals()) {
            people.add(a.approver());
            roles.add(a.role());
        }
        String who = r.model() + "/" + r.version();
        if (!requiredRoles.isEmpty()) {
            Set<String> missing = new java.util.TreeSet<>(requiredRoles);
            missing.removeAll(roles);
            if (!missing.isEmpty()) {
                throw new ChangeRefusedException("four-eyes: " + who + " needs approvals in "
                        + "the roles " + new java.util.TreeSet<>(requiredRoles) + "; missing "
                        + missing + " (approvals so far: " + describe(r) + ")");
            }
        }
        if (people.size() < 2 || roles.size() < 2) {
            throw new ChangeRefusedException("four-eyes: " + who + " needs two approvals by "
                    + "different people in different roles, but has " + describe(r));
        }
    }

    private static String describe(VersionRecord r) {
        if (r.approvals().isEmpty()) {
            return "none";
        }
        List<String> out = new ArrayList<>();
        r.approvals().forEach(a -> out.add(a.approver() + " as " + a.role()));
        return String.join(", ", out);
    }

    private void requireNotFrozen(ChangeType type, String what) {
        if (type == ChangeType.EMERGENCY) {
            return;
        }
        Instant now = clock.instant();
        calendar.freezeAt(now).ifPresent(w -> {
            throw new ChangeRefusedException("freeze window '" + w.name() + "' is in force at "
                    + now + ": cannot " + what + " as a " + type.name().toLowerCase(Locale.ROOT)
                    + " change (an emergency change or a rollback is allowed)");
        });
    }

    private VersionRecord require(String model, String version, Stage wanted, String op) {
        requireText(model, "model");
        requireText(version, "version");
        VersionRecord r = registry.version(model, version).orElseThrow(() ->
                new ChangeRefusedException("cannot " + op + " " + model + "/" + version
                        + ": not registered"));
        if (r.stage() != wanted) {
            throw new ChangeRefusedException("cannot " + op + " " + model + "/" + version
                    + ": it is " + r.stage() + ", must be " + wanted);
        }
        return r;
    }

    private StageTransition transition(ChangeContext ctx, @Nullable Stage from, Stage to) {
        return new StageTransition(clock.instant(), ctx.actor(), from, to, ctx.reason(),
                ctx.ticket());
    }

    private void audit(ChangeContext ctx, String action, String target, @Nullable String before,
            @Nullable String after) {
        audit.record(new AuditEvent(clock.instant(), ctx.actor(), action, target, before, after,
                ctx.reason(), ctx.ticket(), router.configRevision()));
    }

    /** Sends a notification; a notifier that throws is counted and logged, never propagated. */
    private void notify(Notification.Type type, String model, @Nullable String version,
            ChangeContext ctx, String... details) {
        try {
            Notification.Builder n = Notification.builder(type, model).version(version)
                    .change(ctx.actor(), ctx.reason(), ctx.ticket()).time(clock.instant());
            for (int i = 0; i + 1 < details.length; i += 2) {
                if (!details[i + 1].isEmpty()) {
                    n.detail(details[i], details[i + 1]);
                }
            }
            notifier.send(n.build());
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
                throw (VirtualMachineError) t;
            }
            notificationFailures.incrementAndGet();
            LOG.warn("notifier failed on {} of {}/{}: {}", type.wireName(), model, version,
                    t.toString());
        }
    }

    private static String lower(Stage s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    private static String stage(@Nullable Stage s) {
        return s == null ? null : json(s.name().toLowerCase(Locale.ROOT));
    }

    private static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    static String requireText(@Nullable String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must be a non-blank string, but was '"
                    + value + "'");
        }
        return value;
    }

    /** Configures {@link ReleaseGovernance}. Not thread-safe. */
    public static final class Builder {
        private final RouterAdmin admin;
        private final ModelRegistry registry;
        private @Nullable AuditSink audit;
        private Clock clock = Clock.systemUTC();
        private ChangeCalendar calendar = ChangeCalendar.NONE;
        private Set<String> requiredRoles = Set.of();
        private String routerAlias = "production";
        private Notifier notifier = Notifier.none();

        private Builder(RouterAdmin admin, ModelRegistry registry) {
            this.admin = Objects.requireNonNull(admin, "admin");
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /**
         * @param sink the audit trail (required; normally the router's own sink)
         * @return this builder
         */
        public Builder auditSink(AuditSink sink) {
            this.audit = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /**
         * @param clock the clock transitions and freeze windows are timed by
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param calendar the freeze windows; none by default
         * @return this builder
         */
        public Builder calendar(ChangeCalendar calendar) {
            this.calendar = Objects.requireNonNull(calendar, "calendar");
            return this;
        }

        /**
         * @param roles roles that must each approve (by different people) before a promotion
         *     to Approved, e.g. {@code security} and {@code product}; empty (the default) means
         *     any two roles
         * @return this builder
         */
        public Builder requiredRoles(Set<String> roles) {
            Set<String> lower = new HashSet<>();
            roles.forEach(r -> lower.add(requireText(r, "role").toLowerCase(Locale.ROOT)));
            this.requiredRoles = lower;
            return this;
        }

        /**
         * @param alias the alias the router's stable version follows; {@code production} by
         *     default
         * @return this builder
         */
        public Builder routerAlias(String alias) {
            this.routerAlias = requireText(alias, "alias");
            return this;
        }

        /**
         * @param notifier where lifecycle notifications go (one per register, stage change,
         *     approval, promotion, alias change, rollback, revocation, manifest mismatch and
         *     release publication); none by default. It is called while governance holds its
         *     monitor, so it must not block ({@code WebhookNotifier} queues)
         * @return this builder
         */
        public Builder notifier(Notifier notifier) {
            this.notifier = Objects.requireNonNull(notifier, "notifier");
            return this;
        }

        /**
         * @return the governance
         * @throws NullPointerException if no audit sink was given
         */
        public ReleaseGovernance build() {
            return new ReleaseGovernance(this);
        }
    }
}
