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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
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
 *   <li>freeze windows and change windows ({@link ChangeCalendar}) refuse forward changes
 *       that are not {@link ChangeType#EMERGENCY}; an emergency change then needs an
 *       {@linkplain Builder#executives executive approver}; backouts are always allowed;
 *   <li>the gates of seed 004 section 5, each configured on the {@link Builder}: acceptance
 *       checks on submission, four-eyes and a provisional policy snapshot at Staging, the
 *       security decision of the Promote -> Staging gate, evidence (canary PROCEED, shadow
 *       PASS) and a definitive policy snapshot at Approved, change tickets; promotion holds
 *       (a CVE) block forward changes of a version until a person releases them;
 *   <li>{@code revalidate_by}: an Approved version whose approval expired is taken out of
 *       traffic like a revoked one ({@link #checkRevalidation}), with an audited warning ahead;
 *   <li>{@link CachePurgeHook}s are called after a revocation, a backout and an expiry.
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
 * User code (acceptance checks, the evidence source, the policy digest supplier, cache purge
 * hooks) runs under the monitor too; what it throws is contained and counted in atomic
 * counters, read without the lock. The revalidation warnings already given are kept in a
 * concurrent set (in memory: after a restart each warning is given once more).
 */
public final class ReleaseGovernance {

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
    private final List<AcceptanceCheck> acceptanceChecks;
    private final boolean stagingFourEyes;
    private final @Nullable Supplier<@Nullable String> policyDigest;
    private final boolean requireSecurityDecision;
    private final @Nullable EvidenceSource evidence;
    private final boolean requireChangeTicket;
    private final Set<String> executives;
    private final List<CachePurgeHook> purgeHooks;
    private final @Nullable Duration approvalValidity;
    private final Duration revalidationLead;
    private final AtomicLong acceptanceCheckFailures = new AtomicLong();
    private final AtomicLong evidenceFailures = new AtomicLong();
    private final AtomicLong cachePurgeFailures = new AtomicLong();
    private final AtomicLong revalidationFailures = new AtomicLong();
    private volatile @Nullable String lastRevalidationError;
    private volatile List<RevalidationNotice> revalidationNotices = List.of();
    // "model\0version\0revalidateBy" of the warnings and expiries already audited.
    private final Set<String> announced = ConcurrentHashMap.newKeySet();

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseGovernance.class);

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
        this.acceptanceChecks = List.copyOf(b.acceptanceChecks);
        this.stagingFourEyes = b.stagingFourEyes;
        this.policyDigest = b.policyDigest;
        this.requireSecurityDecision = b.requireSecurityDecision;
        this.evidence = b.evidence;
        this.requireChangeTicket = b.requireChangeTicket;
        this.executives = Set.copyOf(b.executives);
        this.purgeHooks = List.copyOf(b.purgeHooks);
        this.approvalValidity = b.approvalValidity;
        this.revalidationLead = b.revalidationLead;
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
     * Registers a new version as Candidate, with nothing handed in: the same as {@link
     * #register(String, String, ChangeRequest, ChangeContext)} with {@link ChangeRequest#NONE}.
     *
     * @param model the model
     * @param version the version
     * @param ctx who and why
     * @return the record
     * @throws ChangeRefusedException if the version is already registered, or an acceptance
     *     check refuses it
     */
    public synchronized VersionRecord register(String model, String version, ChangeContext ctx) {
        return register(model, version, ChangeRequest.NONE, ctx);
    }

    /**
     * Submits a new version: runs the {@linkplain Builder#acceptanceChecks acceptance checks}
     * on what was handed in (seed 004 section 2, "Submit -> Candidate: automated acceptance")
     * and registers it as Candidate. A refusal is audited ({@code acceptance.refused}) with
     * every reason.
     *
     * @param model the model
     * @param version the version
     * @param request what is handed in (manifest, digest, metrics)
     * @param ctx who and why
     * @return the record
     * @throws ChangeRefusedException if the version is already registered, or an acceptance
     *     check refuses it (the message lists every reason)
     */
    public synchronized VersionRecord register(String model, String version,
            ChangeRequest request, ChangeContext ctx) {
        requireText(model, "model");
        requireText(version, "version");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(ctx, "ctx");
        if (registry.version(model, version).isPresent()) {
            throw new ChangeRefusedException(model + "/" + version + " is already registered ("
                    + registry.version(model, version).get().stage() + ")");
        }
        accept(model, version, request, ctx);
        VersionRecord r = new VersionRecord(model, version, Stage.CANDIDATE, List.of(),
                List.of()).moved(transition(ctx, null, Stage.CANDIDATE, null));
        registry.save(r);
        audit(ctx, "version.register", model + "/" + version, null, stage(Stage.CANDIDATE));
        notify(Notification.Type.VERSION_REGISTERED, model, version, ctx, "to_stage",
                "candidate");
        return r;
    }

    /**
     * Candidate -> Staging with nothing handed in: {@link #toStaging(String, String,
     * ChangeRequest, ChangeContext)} with {@link ChangeRequest#NONE}.
     *
     * @param model the model
     * @param version the version
     * @param ctx who and why
     * @return the record
     * @throws ChangeRefusedException if the version is not a Candidate, or a configured gate
     *     refuses
     */
    public synchronized VersionRecord toStaging(String model, String version, ChangeContext ctx) {
        return toStaging(model, version, ChangeRequest.NONE, ctx);
    }

    /**
     * Candidate -> Staging through the Promote -> Staging gate (seed 004 sections 2 and 5). The
     * router, if it lists the version, may now shadow it. Checked, in order, each only when
     * configured or handed in: no {@linkplain #holdPromotions hold}; the acceptance checks; the
     * security decision ({@code security_decision=PASS}, an SBOM reference, no blocking CVE:
     * required with {@link Builder#requireSecurityDecision}, checked whenever one is handed
     * in); four-eyes on the approvals collected while Candidate ({@link
     * Builder#stagingFourEyes}); the change ticket. Then the policy digest in force ({@link
     * Builder#policyDigest}) is bound to the version as its provisional policy snapshot.
     *
     * @param model the model
     * @param version the version
     * @param request what is handed in (manifest, digest, metrics, security decision, ticket)
     * @param ctx who and why
     * @return the record
     * @throws ChangeRefusedException if the version is not a Candidate or a check refuses (the
     *     message says which and why)
     */
    public synchronized VersionRecord toStaging(String model, String version,
            ChangeRequest request, ChangeContext ctx) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(ctx, "ctx");
        VersionRecord r = require(model, version, Stage.CANDIDATE, "move to Staging");
        requireNoHold(r, "move to Staging");
        accept(model, version, request, ctx);
        Optional<SecurityDecision> sec = request.securityDecision();
        if (sec.isEmpty() && requireSecurityDecision) {
            refuse(ctx, "gate.refused", r, "Promote -> Staging gate: " + model + "/" + version
                    + " has no security decision (security_decision=PASS, an SBOM reference "
                    + "and no blocking CVE are required)");
        }
        if (sec.isPresent() && !sec.get().problems().isEmpty()) {
            refuse(ctx, "gate.refused", r, "Promote -> Staging gate: " + model + "/" + version
                    + ": " + String.join("; ", sec.get().problems()));
        }
        if (stagingFourEyes) {
            fourEyes(r);
        }
        ChangeTicket ticket = ticket(request, ctx, ChangeType.NORMAL, false);
        String digest = policyInForce(r, ctx);
        VersionRecord next = move(r, Stage.STAGING, ctx, "stage.transition", ticket);
        if (digest != null) {
            next = next.withPolicy(new PolicySnapshot(digest, false, clock.instant()));
            registry.save(next);
            audit(ctx, "policy.bind", model + "/" + version, null,
                    "{\"digest\":" + json(digest) + ",\"definitive\":false}");
        }
        sec.ifPresent(d -> audit(ctx, "security.decision", model + "/" + version, null,
                "{\"security_decision\":" + json(d.decision()) + ",\"sbom\":"
                        + json(String.valueOf(d.sbomRef())) + "}"));
        return next;
    }

    /**
     * Records one person's approval, in one role, of a version's next transition (of a
     * Candidate: to Staging; of a Staging version: to Approved), without a revalidation date.
     *
     * @param model the model
     * @param version the version
     * @param approver the person
     * @param role the role they approve in (e.g. {@code security}, {@code product})
     * @param ctx the approver's context (its actor must be the approver)
     * @return the record with the approval
     * @throws ChangeRefusedException if the version is neither Candidate nor Staging, the
     *     person already approved it (in any role), or the context's actor is someone else
     */
    public synchronized VersionRecord approve(String model, String version, String approver,
            String role, ChangeContext ctx) {
        return approve(model, version, approver, role, null, ctx);
    }

    /**
     * Records one person's approval, in one role, of a version's next transition, valid until
     * {@code revalidateBy} (seed 004 section 5). The earliest such date among the approvals of
     * a promotion to Approved becomes the version's {@link VersionRecord#revalidateBy()}.
     *
     * @param model the model
     * @param version the version
     * @param approver the person
     * @param role the role they approve in
     * @param revalidateBy until when the approval holds (after now), or null for no date
     * @param ctx the approver's context (its actor must be the approver)
     * @return the record with the approval
     * @throws ChangeRefusedException if the version is neither Candidate nor Staging, the
     *     person already approved it (in any role), or the context's actor is someone else
     * @throws IllegalArgumentException if revalidateBy is not after now
     */
    public synchronized VersionRecord approve(String model, String version, String approver,
            String role, @Nullable Instant revalidateBy, ChangeContext ctx) {
        requireText(approver, "approver");
        requireText(role, "role");
        Objects.requireNonNull(ctx, "ctx");
        VersionRecord r = registry.version(model, version).orElse(null);
        if (r == null || r.stage() != Stage.CANDIDATE) {
            r = require(model, version, Stage.STAGING, "approve");
        }
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
                clock.instant(), revalidateBy));
        registry.save(next);
        audit(ctx, "approval.add", model + "/" + version, null,
                "{\"approver\":" + json(approver) + ",\"role\":" + json(role)
                        + (revalidateBy == null ? "" : ",\"revalidate_by\":"
                                + json(revalidateBy.toString())) + "}");
        notify(Notification.Type.APPROVAL, model, version, ctx, "approver", approver, "role",
                role);
        return next;
    }

    /**
     * Staging -> Approved with nothing handed in: {@link #promote(String, String, ChangeType,
     * ChangeRequest, ChangeContext)} with {@link ChangeRequest#NONE}.
     *
     * @param model the model
     * @param version the version
     * @param type the change type
     * @param ctx who and why
     * @return the record
     * @throws ChangeRefusedException if the version is not in Staging or a gate refuses
     */
    public synchronized VersionRecord promote(String model, String version, ChangeType type,
            ChangeContext ctx) {
        return promote(model, version, type, ChangeRequest.NONE, ctx);
    }

    /**
     * Staging -> Approved through the Promote -> Approved gate (seed 004 section 5). The router,
     * if it lists the version, may now send it canary traffic. Checked, in order: no
     * {@linkplain #holdPromotions hold}; four-eyes; the evidence ({@link Builder#evidence}:
     * canary PROCEED and, if the plan had one, shadow PASS on record); the calendar (a freeze
     * or outside the change windows: refused unless EMERGENCY with an executive approver); the
     * change ticket ({@link Builder#requireChangeTicket}). Then the version's {@code
     * revalidate_by} is set (the earliest of its approvals', else now plus {@link
     * Builder#approvalValidity}) and the policy digest in force is bound as its definitive
     * policy snapshot.
     *
     * @param model the model
     * @param version the version
     * @param type the change type; only {@link ChangeType#EMERGENCY} passes a freeze window
     * @param request the change ticket, the executive approver of an emergency
     * @param ctx who and why
     * @return the record
     * @throws ChangeRefusedException if the version is not in Staging, or a check refuses (the
     *     message says which and why)
     */
    public synchronized VersionRecord promote(String model, String version, ChangeType type,
            ChangeRequest request, ChangeContext ctx) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(ctx, "ctx");
        VersionRecord r = require(model, version, Stage.STAGING, "promote to Approved");
        requireNoHold(r, "promote to Approved");
        fourEyes(r);
        requireEvidence(r, ctx);
        requireWindow(type, request, ctx, "promote " + model + "/" + version + " to Approved");
        ChangeTicket ticket = ticket(request, ctx, type, requireChangeTicket);
        String digest = policyInForce(r, ctx);
        Instant revalidateBy = null;
        for (Approval a : r.approvals()) {
            if (a.revalidateBy() != null && (revalidateBy == null
                    || a.revalidateBy().isBefore(revalidateBy))) {
                revalidateBy = a.revalidateBy();
            }
        }
        if (revalidateBy == null && approvalValidity != null) {
            revalidateBy = clock.instant().plus(approvalValidity);
        }
        VersionRecord next = move(r, Stage.APPROVED, ctx, "stage.transition", ticket)
                .withRevalidateBy(revalidateBy);
        if (digest != null) {
            PolicySnapshot before = r.policySnapshot();
            next = next.withPolicy(new PolicySnapshot(digest, true, clock.instant()));
            audit(ctx, "policy.bind", model + "/" + version,
                    before == null ? null : json(before.digest()),
                    "{\"digest\":" + json(digest) + ",\"definitive\":true}");
        }
        registry.save(next);
        return next;
    }

    /**
     * Revokes a version, whatever its stage: at once no traffic and no shadow (the router keeps
     * it Revoked even if its flag file lists it as Approved), and every given alias that points
     * at it moves back to the previous Approved version. Always allowed, in a freeze too. The
     * {@linkplain CachePurgeHook cache purge hooks} are called for the version afterwards.
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
        VersionRecord revoked = move(r, Stage.REVOKED, ctx, "version.revoke", null);
        purge(model, version, CachePurgeHook.Cause.REVOKE, ctx);
        return revoked;
    }

    /**
     * Points an alias at an Approved version, with nothing handed in: {@link #setAlias(String,
     * String, String, ChangeType, ChangeRequest, ChangeContext)} with {@link
     * ChangeRequest#NONE}.
     *
     * @param model the model
     * @param alias the alias, e.g. {@code production}
     * @param version the version
     * @param type the change type; only {@link ChangeType#EMERGENCY} passes a freeze window
     * @param ctx who and why
     * @return the alias
     * @throws ChangeRefusedException if the version is not Approved, or a check refuses
     */
    public synchronized AliasRecord setAlias(String model, String alias, String version,
            ChangeType type, ChangeContext ctx) {
        return setAlias(model, alias, version, type, ChangeRequest.NONE, ctx);
    }

    /**
     * Points an alias at an Approved version (seed 004 section 2, "Approved -> Production"). For
     * the router alias, the router's stable version becomes that version in the same call (the
     * previous one becomes a candidate at weight 0). Refused for a version with a {@linkplain
     * #holdPromotions hold} or whose approval expired ({@code revalidate_by}), in a freeze or
     * outside the change windows unless EMERGENCY with an executive approver, and without a
     * change ticket when {@link Builder#requireChangeTicket} is set.
     *
     * @param model the model
     * @param alias the alias, e.g. {@code production}
     * @param version the version
     * @param type the change type; only {@link ChangeType#EMERGENCY} passes a freeze window
     * @param request the change ticket, the executive approver of an emergency
     * @param ctx who and why
     * @return the alias
     * @throws ChangeRefusedException if the version is not Approved, or a check refuses
     */
    public synchronized AliasRecord setAlias(String model, String alias, String version,
            ChangeType type, ChangeRequest request, ChangeContext ctx) {
        requireText(alias, "alias");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(ctx, "ctx");
        VersionRecord r = require(model, version, Stage.APPROVED, "point alias '" + alias
                + "' at");
        Optional<AliasRecord> current = registry.alias(model, alias);
        if (current.isPresent() && current.get().version().equals(version)) {
            return current.get();
        }
        requireNoHold(r, "point alias '" + alias + "' at");
        if (r.expiredAt(clock.instant())) {
            throw new ChangeRefusedException("cannot point alias '" + alias + "' at " + model
                    + "/" + version + ": its approval expired at " + r.revalidateBy()
                    + " (revalidate_by); renew it first");
        }
        requireWindow(type, request, ctx, "move alias '" + alias + "' of " + model + " to "
                + version);
        ChangeTicket ticket = ticket(request, ctx, type, requireChangeTicket);
        if (ticket != null) {
            audit(ctx, "change.ticket", model + "/alias/" + alias, null, ticket.toJson());
        }
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
     * and the target is the most recently approved other version. The {@linkplain
     * CachePurgeHook cache purge hooks} are called for the version moved away from.
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
                purge(model, from, CachePurgeHook.Cause.BACKOUT, ctx);
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
     * router knew the version then takes effect; so does the expiry of an approval: an Approved
     * version past its {@code revalidate_by} is set Revoked in the router). Changes only what
     * differs; each change is audited by the router.
     *
     * @param ctx who and why
     * @return how many versions were changed
     */
    public synchronized int enforce(ChangeContext ctx) {
        int changed = 0;
        for (ModelConfig m : router.config().models().values()) {
            for (VersionRecord r : registry.versions(m.name())) {
                var v = m.version(r.version());
                Stage want = routerStage(r);
                if (v != null && v.stage() != want && !m.stableVersion().equals(r.version())) {
                    admin.setStage(m.name(), r.version(), want, ctx);
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

    /**
     * Holds new promotions of a version (seed 004 section 10: a critical CVE in its SBOM after
     * the release): until a person {@linkplain #releaseHold releases} it, the version cannot move
     * to Staging or Approved, nor an alias to it; what already serves keeps serving (revoke it
     * for that), backouts stay allowed. Audited ({@code promotion.hold}).
     *
     * @param model the model
     * @param version the affected version
     * @param id what the hold is for, e.g. {@code CVE-2026-12345}
     * @param ctx who places it and why
     * @return the record with the hold
     * @throws ChangeRefusedException if the version is unknown or already has a hold with id
     */
    public synchronized VersionRecord holdPromotions(String model, String version, String id,
            ChangeContext ctx) {
        requireText(id, "id");
        Objects.requireNonNull(ctx, "ctx");
        VersionRecord r = known(model, version, "hold promotions of");
        for (PromotionHold h : r.holds()) {
            if (h.id().equals(id)) {
                throw new ChangeRefusedException(model + "/" + version + " already has the hold "
                        + id + " (placed by " + h.placedBy() + " at " + h.time() + ")");
            }
        }
        List<PromotionHold> holds = new ArrayList<>(r.holds());
        holds.add(new PromotionHold(id, ctx.reason(), ctx.actor(), clock.instant()));
        VersionRecord next = r.withHolds(holds);
        registry.save(next);
        audit(ctx, "promotion.hold", model + "/" + version, null, json(id));
        notify(Notification.Type.PROMOTION_HOLD, model, version, ctx, "hold", id);
        return next;
    }

    /**
     * Releases a hold placed with {@link #holdPromotions}: a person's decision (e.g. the fixed
     * version was checked, or the CVE does not apply), audited ({@code promotion.release}).
     *
     * @param model the model
     * @param version the version
     * @param id the hold's id
     * @param ctx who releases it and why
     * @return the record without the hold
     * @throws ChangeRefusedException if the version is unknown or has no hold with that id
     */
    public synchronized VersionRecord releaseHold(String model, String version, String id,
            ChangeContext ctx) {
        requireText(id, "id");
        Objects.requireNonNull(ctx, "ctx");
        VersionRecord r = known(model, version, "release a hold of");
        List<PromotionHold> holds = new ArrayList<>(r.holds());
        if (!holds.removeIf(h -> h.id().equals(id))) {
            throw new ChangeRefusedException(model + "/" + version + " has no hold " + id
                    + " (holds: " + r.holds().stream().map(PromotionHold::id).toList() + ")");
        }
        VersionRecord next = r.withHolds(holds);
        registry.save(next);
        audit(ctx, "promotion.release", model + "/" + version, json(id), null);
        notify(Notification.Type.HOLD_RELEASED, model, version, ctx, "hold", id);
        return next;
    }

    /**
     * Checks the {@code revalidate_by} of every Approved version of the models the router
     * serves (seed 004 section 5). A version within the {@linkplain Builder#revalidationLead
     * lead time} of its date gets a WARNING (logged and audited once, {@code
     * approval.expiring}); a version past its date is EXPIRED and taken out of traffic like a
     * revoked one: if the router alias points at it the alias rolls back first, then the router
     * sets it Revoked (an audited override that survives reloads; decisions answer stable with
     * reason VERSION_NOT_APPROVED), the expiry is audited once ({@code approval.expired}) and
     * the cache purge hooks run. The registry keeps it Approved: {@link #renewApproval} makes it
     * routable again.
     *
     * <p>Who calls it: {@link #scheduleRevalidation} on the application's scheduler (the usual
     * way), or the application itself, e.g. from the same executor that ticks its rollout
     * controllers. It is cheap (registry reads) and idempotent.
     *
     * @param ctx who the changes are attributed to (e.g. {@code governance-scheduler})
     * @return the notices, also kept for {@link #revalidationStatus()}
     * @throws java.io.UncheckedIOException if the registry cannot be read
     */
    public synchronized List<RevalidationNotice> checkRevalidation(ChangeContext ctx) {
        Objects.requireNonNull(ctx, "ctx");
        Instant now = clock.instant();
        List<RevalidationNotice> out = new ArrayList<>();
        for (ModelConfig m : router.config().models().values()) {
            for (VersionRecord r : registry.versions(m.name())) {
                Instant by = r.revalidateBy();
                if (r.stage() != Stage.APPROVED || by == null) {
                    continue;
                }
                String who = r.model() + "/" + r.version();
                String key = who + '\u0000' + by;
                if (r.expiredAt(now)) {
                    out.add(new RevalidationNotice(r.model(), r.version(), by,
                            RevalidationNotice.Kind.EXPIRED, expire(m, r, key, ctx)));
                } else if (!now.plus(revalidationLead).isBefore(by)) {
                    String msg = who + " must be revalidated by " + by + " (in "
                            + Duration.between(now, by) + "); after that it is not routable";
                    if (announced.add(key + "\u0000warn")) {
                        LOG.warn("approval_expiring {}", msg);
                        audit(ctx, "approval.expiring", who, null, json(by.toString()));
                    }
                    out.add(new RevalidationNotice(r.model(), r.version(), by,
                            RevalidationNotice.Kind.WARNING, msg));
                }
            }
        }
        revalidationNotices = List.copyOf(out);
        return revalidationNotices;
    }

    private String expire(ModelConfig m, VersionRecord r, String key, ChangeContext ctx) {
        String who = r.model() + "/" + r.version();
        String msg = who + " is not routable: its approval expired at " + r.revalidateBy()
                + " (revalidate_by); renew it to route it again";
        ChangeContext why = ChangeContext.of(ctx.actor(), cut("revalidate_by " + r.revalidateBy()
                + " of " + r.version() + " passed: " + ctx.reason()), ctx.ticket());
        Optional<AliasRecord> alias = registry.alias(r.model(), routerAlias);
        boolean stable = m.stableVersion().equals(r.version());
        boolean backedOut = false;
        if (stable || alias.isPresent() && alias.get().version().equals(r.version())) {
            try {
                rollbackAlias(r.model(), routerAlias, why); // purges the caches (BACKOUT)
                stable = false;
                backedOut = true;
            } catch (ChangeRefusedException e) {
                // No earlier Approved version: the stable version keeps serving (a request must
                // get an answer); the status says so until someone renews or rolls back.
                msg = who + " expired at " + r.revalidateBy() + " but is still the stable "
                        + "version: " + e.getMessage();
            }
        }
        var v = router.config().model(r.model()).version(r.version());
        boolean changed = false;
        if (!stable && v != null && v.stage() != Stage.REVOKED) {
            admin.setStage(r.model(), r.version(), Stage.REVOKED, why);
            changed = true;
        }
        if (announced.add(key + "\u0000expired") || changed) {
            LOG.warn("approval_expired {}", msg);
            audit(why, "approval.expired", who, json("approved"), json("not routable"));
            notify(Notification.Type.APPROVAL_EXPIRED, r.model(), r.version(), why);
            if (!backedOut) {
                purge(r.model(), r.version(), CachePurgeHook.Cause.EXPIRED, why);
            }
        }
        return msg;
    }

    /**
     * Renews an Approved version's approval until a new date (a person revalidated it): if its
     * approval had expired and the router had taken it out of traffic, it is routable again
     * (the router sets it back to Approved). Audited ({@code approval.revalidate}).
     *
     * @param model the model
     * @param version the version
     * @param revalidateBy the new date, after now
     * @param ctx who renews and why
     * @return the record
     * @throws ChangeRefusedException if the version is not Approved or has a hold
     * @throws IllegalArgumentException if revalidateBy is not after now
     */
    public synchronized VersionRecord renewApproval(String model, String version,
            Instant revalidateBy, ChangeContext ctx) {
        Objects.requireNonNull(revalidateBy, "revalidateBy");
        Objects.requireNonNull(ctx, "ctx");
        VersionRecord r = require(model, version, Stage.APPROVED, "renew the approval of");
        requireNoHold(r, "renew the approval of");
        if (!revalidateBy.isAfter(clock.instant())) {
            throw new IllegalArgumentException("revalidateBy must be after now (" + clock.instant()
                    + "), but was " + revalidateBy);
        }
        VersionRecord next = r.withRevalidateBy(revalidateBy);
        registry.save(next);
        ModelConfig m = router.config().model(model);
        if (m != null && m.version(version) != null && m.version(version).stage() != Stage.APPROVED
                && !m.stableVersion().equals(version)) {
            admin.setStage(model, version, Stage.APPROVED, ctx);
        }
        audit(ctx, "approval.revalidate", model + "/" + version,
                r.revalidateBy() == null ? null : json(r.revalidateBy().toString()),
                json(revalidateBy.toString()));
        return next;
    }

    /**
     * Runs {@link #checkRevalidation} every {@code period} on the executor (fixed delay, first
     * run after one period) until the returned schedule is cancelled. A failing check never
     * stops the schedule: it is counted in {@link #revalidationFailures()} and its error kept in
     * {@link #lastRevalidationError()} (a background safety task: even a fatal VM error is
     * counted, not rethrown).
     *
     * @param executor where checks run; the application owns it (and shuts it down)
     * @param period the time between checks; positive (an hour is plenty for dates set in days)
     * @param ctx who the changes are attributed to
     * @return the schedule, to cancel
     * @throws IllegalArgumentException if period is not positive
     * @throws java.util.concurrent.RejectedExecutionException if the executor refuses the task
     * @throws NullPointerException if an argument is null
     */
    public GovernanceSchedule scheduleRevalidation(ScheduledExecutorService executor,
            Duration period, ChangeContext ctx) {
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(ctx, "ctx");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be positive, but was " + period);
        }
        long nanos;
        try {
            nanos = period.toNanos();
        } catch (ArithmeticException e) {
            nanos = Long.MAX_VALUE;
        }
        GovernanceSchedule s = new GovernanceSchedule(() -> runRevalidation(ctx));
        s.started(executor.scheduleWithFixedDelay(s::run, nanos, nanos, TimeUnit.NANOSECONDS));
        return s;
    }

    /** One scheduled revalidation check; never throws. */
    void runRevalidation(ChangeContext ctx) {
        try {
            checkRevalidation(ctx);
            lastRevalidationError = null;
        } catch (Throwable t) {
            // A background safety task: contain everything and show it in the status.
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            revalidationFailures.incrementAndGet();
            lastRevalidationError = cut(String.valueOf(t));
            try {
                LOG.error("revalidation check failed", t);
            } catch (Throwable ignored) {
                // nothing left to report with; the next run tries again
            }
        }
    }

    /**
     * @return the notices of the last {@link #checkRevalidation} (warnings ahead and expiries),
     *     for a status page; empty before the first check
     */
    public List<RevalidationNotice> revalidationStatus() {
        return revalidationNotices;
    }

    /** @return how many scheduled revalidation checks failed */
    public long revalidationFailures() {
        return revalidationFailures.get();
    }

    /** @return the error of the last scheduled check, if it failed */
    public Optional<String> lastRevalidationError() {
        return Optional.ofNullable(lastRevalidationError);
    }

    /** @return how many times an acceptance check threw (each refused its submission) */
    public long acceptanceCheckFailures() {
        return acceptanceCheckFailures.get();
    }

    /** @return how many times the evidence source threw (each refused its promotion) */
    public long evidenceFailures() {
        return evidenceFailures.get();
    }

    /** @return how many cache purges failed (each audited as a failed {@code cache.purge}) */
    public long cachePurgeFailures() {
        return cachePurgeFailures.get();
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

    private VersionRecord move(VersionRecord r, Stage to, ChangeContext ctx, String action,
            @Nullable ChangeTicket ticket) {
        Objects.requireNonNull(ctx, "ctx");
        ModelConfig m = router.config().model(r.model());
        if (m != null && m.version(r.version()) != null
                && !m.stableVersion().equals(r.version())) {
            admin.setStage(r.model(), r.version(), to, ctx);
        }
        VersionRecord next = r.moved(transition(ctx, r.stage(), to, ticket));
        registry.save(next);
        audit(ctx, action, r.model() + "/" + r.version(), stage(r.stage()), stage(to));
        if (ticket != null) {
            audit(ctx, "change.ticket", r.model() + "/" + r.version(), null, ticket.toJson());
        }
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

    /**
     * A forward change in a freeze or outside the change windows: refused unless EMERGENCY,
     * and an emergency needs an executive approver other than the actor and a ticket (the
     * short SCDR), seed 004 section 9.
     */
    private void requireWindow(ChangeType type, ChangeRequest request, ChangeContext ctx,
            String what) {
        Instant now = clock.instant();
        Optional<String> blocked = calendar.blockedAt(now);
        if (blocked.isEmpty()) {
            return;
        }
        if (type != ChangeType.EMERGENCY) {
            throw new ChangeRefusedException(blocked.get() + " is in force at " + now
                    + ": cannot " + what + " as a " + type.name().toLowerCase(Locale.ROOT)
                    + " change (an emergency change with an executive approver, or a rollback,"
                    + " is allowed)");
        }
        String exec = request.executiveApprover().orElse(null);
        String problem = exec == null ? "no executive approver was given"
                : !executives.contains(exec) ? "'" + exec + "' is not one of the executives "
                        + new java.util.TreeSet<>(executives)
                : exec.equals(ctx.actor()) ? "the executive approver '" + exec + "' cannot be "
                        + "the actor making the change"
                : ctx.ticket() == null ? "no ticket (the SCDR) in the change context" : null;
        if (problem != null) {
            throw new ChangeRefusedException(blocked.get() + " is in force at " + now
                    + ": an emergency change needs an executive approver and a ticket (seed 004"
                    + " section 9), but " + problem + ": cannot " + what);
        }
        audit(ctx, "change.emergency", what, null, "{\"executive\":" + json(exec)
                + ",\"blocked_by\":" + json(blocked.get()) + "}");
    }

    /** The ticket handed in, validated against the context and the time; null if none. */
    private @Nullable ChangeTicket ticket(ChangeRequest request, ChangeContext ctx,
            ChangeType type, boolean required) {
        ChangeTicket t = request.ticket().orElse(null);
        if (t == null) {
            if (required) {
                throw new ChangeRefusedException("a change ticket (scope, risk, impact, window, "
                        + "steps, backout, validation, owners) is required for this change "
                        + "(seed 004 section 3)");
            }
            return null;
        }
        if (ctx.ticket() != null && !ctx.ticket().equals(t.id())) {
            throw new ChangeRefusedException("the change context names ticket " + ctx.ticket()
                    + " but the change ticket handed in is " + t.id());
        }
        Instant now = clock.instant();
        if (!t.windowCovers(now) && type != ChangeType.EMERGENCY) {
            throw new ChangeRefusedException("change ticket " + t.id() + " allows the change from "
                    + t.windowStart() + " to " + t.windowEnd() + ", not at " + now);
        }
        return t;
    }

    private void requireNoHold(VersionRecord r, String what) {
        if (!r.holds().isEmpty()) {
            List<String> ids = new ArrayList<>();
            r.holds().forEach(h -> ids.add(h.id() + " (by " + h.placedBy() + ": " + h.reason()
                    + ")"));
            throw new ChangeRefusedException("cannot " + what + " " + r.model() + "/"
                    + r.version() + ": promotions are held: " + String.join("; ", ids)
                    + "; a person must release the hold first");
        }
    }

    /** Runs the acceptance checks; refuses, audited, with every reason. */
    private void accept(String model, String version, ChangeRequest request, ChangeContext ctx) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < acceptanceChecks.size(); i++) {
            try {
                List<String> p = acceptanceChecks.get(i).check(model, version, request);
                if (p == null) {
                    throw new NullPointerException("the check returned null");
                }
                problems.addAll(p);
            } catch (Throwable t) {
                rethrowIfFatal(t);
                acceptanceCheckFailures.incrementAndGet();
                problems.add("acceptance check " + (i + 1) + " failed: " + t);
            }
        }
        if (!problems.isEmpty()) {
            refuse(ctx, "acceptance.refused", model + "/" + version, "acceptance checks refuse "
                    + model + "/" + version + ": " + String.join("; ", problems));
        }
    }

    private void requireEvidence(VersionRecord r, ChangeContext ctx) {
        if (evidence == null) {
            return;
        }
        String who = r.model() + "/" + r.version();
        Optional<PromotionEvidence> e;
        try {
            e = evidence.evidence(r.model(), r.version());
            if (e == null) {
                throw new NullPointerException("the evidence source returned null");
            }
        } catch (Throwable t) {
            rethrowIfFatal(t);
            evidenceFailures.incrementAndGet();
            refuse(ctx, "evidence.refused", who, "no evidence, no promotion: the evidence "
                    + "source failed for " + who + ": " + t);
            return;
        }
        if (e.isEmpty()) {
            refuse(ctx, "evidence.refused", who, "no evidence, no promotion: no canary verdict on"
                    + " record for " + who);
        }
        PromotionEvidence ev = e.get();
        if (!ev.allowsPromotion()) {
            refuse(ctx, "evidence.refused", who, "no evidence, no promotion: " + who
                    + " needs canary PROCEED" + (ev.shadow() == PromotionEvidence.Shadow.NONE ? ""
                            : " and shadow PASS") + ", but the canary is " + ev.canary()
                    + (ev.shadow() == PromotionEvidence.Shadow.NONE ? "" : " and the shadow "
                            + ev.shadow()) + " (" + ev.source() + ")");
        }
        audit(ctx, "promotion.evidence", who, null, "{\"canary\":" + json(ev.canary().name())
                + ",\"shadow\":" + json(ev.shadow().name()) + ",\"source\":"
                + json(ev.source()) + "}");
    }

    /** The policy digest in force, or null when no supplier is configured. */
    private @Nullable String policyInForce(VersionRecord r, ChangeContext ctx) {
        if (policyDigest == null) {
            return null;
        }
        String who = r.model() + "/" + r.version();
        String d;
        try {
            d = policyDigest.get();
        } catch (Throwable t) {
            rethrowIfFatal(t);
            refuse(ctx, "gate.refused", who, "policy snapshot not bound: the policy digest "
                    + "supplier failed: " + t);
            return null;
        }
        if (d == null || d.isBlank()) {
            refuse(ctx, "gate.refused", who, "policy snapshot not bound: no policy digest in "
                    + "force for " + who);
        }
        return d;
    }

    /** Calls every purge hook; failures contained, counted and audited. */
    private void purge(String model, String version, CachePurgeHook.Cause cause,
            ChangeContext ctx) {
        for (CachePurgeHook h : purgeHooks) {
            String outcome = "purged";
            try {
                h.purge(model, version, cause);
            } catch (Throwable t) {
                rethrowIfFatal(t);
                if (t instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                cachePurgeFailures.incrementAndGet();
                outcome = cut("failed: " + t);
                LOG.warn("cache purge of {}/{} ({}) failed", model, version, cause, t);
            }
            audit(ctx, "cache.purge", model + "/" + version, json(cause.name()
                    .toLowerCase(Locale.ROOT)), json(outcome));
        }
    }

    private void refuse(ChangeContext ctx, String action, VersionRecord r, String message) {
        refuse(ctx, action, r.model() + "/" + r.version(), message);
    }

    private void refuse(ChangeContext ctx, String action, String target, String message) {
        audit(ctx, action, target, null, json(cut(message)));
        throw new ChangeRefusedException(message);
    }

    private static void rethrowIfFatal(Throwable t) {
        // The router's policy (core.internal.Throwables, not importable across modules).
        if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
            throw (VirtualMachineError) t;
        }
    }

    /** The stage the router should have for a version: Revoked once its approval expired. */
    private Stage routerStage(VersionRecord r) {
        return r.stage() == Stage.APPROVED && r.expiredAt(clock.instant()) ? Stage.REVOKED
                : r.stage();
    }

    private VersionRecord known(String model, String version, String op) {
        requireText(model, "model");
        requireText(version, "version");
        return registry.version(model, version).orElseThrow(() ->
                new ChangeRefusedException("cannot " + op + " " + model + "/" + version
                        + ": not registered"));
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

    private StageTransition transition(ChangeContext ctx, @Nullable Stage from, Stage to,
            @Nullable ChangeTicket ticket) {
        return new StageTransition(clock.instant(), ctx.actor(), from, to, ctx.reason(),
                ctx.ticket(), ticket);
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
        return Json.quote(s);
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
        private List<AcceptanceCheck> acceptanceChecks = List.of();
        private boolean stagingFourEyes;
        private @Nullable Supplier<@Nullable String> policyDigest;
        private boolean requireSecurityDecision;
        private @Nullable EvidenceSource evidence;
        private boolean requireChangeTicket;
        private Set<String> executives = Set.of();
        private List<CachePurgeHook> purgeHooks = List.of();
        private @Nullable Duration approvalValidity;
        private Duration revalidationLead = Duration.ofDays(7);

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
         *     approval, promotion, alias change, rollback, revocation, promotion hold and its
         *     release, expired approval, manifest mismatch and release publication); none by
         *     default. It is called while governance holds its
         *     monitor, so it must not block ({@code WebhookNotifier} queues)
         * @return this builder
         */
        public Builder notifier(Notifier notifier) {
            this.notifier = Objects.requireNonNull(notifier, "notifier");
            return this;
        }

        /**
         * @param checks the acceptance checks run on {@link ReleaseGovernance#register} and {@link
         *     ReleaseGovernance#toStaging}
         *     (seed 004 section 2); none by default
         * @return this builder
         */
        public Builder acceptanceChecks(List<AcceptanceCheck> checks) {
            this.acceptanceChecks = List.copyOf(checks);
            return this;
        }

        /**
         * @param required whether Candidate -> Staging needs four-eyes too (two people in two
         *     roles, or every {@linkplain #requiredRoles required role}), approving while the
         *     version is a Candidate (seed 004 section 2); off by default
         * @return this builder
         */
        public Builder stagingFourEyes(boolean required) {
            this.stagingFourEyes = required;
            return this;
        }

        /**
         * @param digestInForce the digest of the gate policy in force (e.g. {@code
         *     policy::digest}); bound to a version as its provisional policy snapshot at Staging
         *     and its definitive one at Approved (seed 004 section 2). A transition is refused
         *     if it returns null or blank, or throws. Unset by default: no snapshot is bound
         * @return this builder
         */
        public Builder policyDigest(Supplier<@Nullable String> digestInForce) {
            this.policyDigest = Objects.requireNonNull(digestInForce, "digestInForce");
            return this;
        }

        /**
         * @param required whether Candidate -> Staging needs a {@link SecurityDecision} that
         *     passes (the Promote -> Staging gate, seed 004 section 5); off by default (a
         *     decision handed in is checked either way)
         * @return this builder
         */
        public Builder requireSecurityDecision(boolean required) {
            this.requireSecurityDecision = required;
            return this;
        }

        /**
         * @param source where the evidence of a promotion to Approved is read ("no evidence, no
         *     promotion": canary PROCEED and, with a shadow phase, shadow PASS); unset by
         *     default (no evidence is asked)
         * @return this builder
         */
        public Builder evidence(EvidenceSource source) {
            this.evidence = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * @param required whether a promotion to Approved and an alias move need a {@link
         *     ChangeTicket} (seed 004 section 3); off by default
         * @return this builder
         */
        public Builder requireChangeTicket(boolean required) {
            this.requireChangeTicket = required;
            return this;
        }

        /**
         * @param people the executives who may approve an emergency change in a freeze or
         *     outside the change windows (seed 004 section 9); none by default, so such
         *     changes are refused
         * @return this builder
         */
        public Builder executives(Set<String> people) {
            Set<String> copy = new HashSet<>();
            people.forEach(p -> copy.add(requireText(p, "executive")));
            this.executives = copy;
            return this;
        }

        /**
         * @param hooks called after a revocation, a backout and an approval's expiry to purge
         *     the serving caches of the version (seed 004 sections 2 and 6); none by default
         * @return this builder
         */
        public Builder cachePurgeHooks(List<CachePurgeHook> hooks) {
            this.purgeHooks = List.copyOf(hooks);
            return this;
        }

        /**
         * @param validity how long an approval holds when no approver gave a {@code
         *     revalidate_by}: a promotion to Approved then sets it to now plus this; unset by
         *     default (no expiry unless an approver gives a date)
         * @return this builder
         * @throws IllegalArgumentException if validity is not positive
         */
        public Builder approvalValidity(Duration validity) {
            if (validity.isNegative() || validity.isZero()) {
                throw new IllegalArgumentException("approvalValidity must be positive, but was "
                        + validity);
            }
            this.approvalValidity = validity;
            return this;
        }

        /**
         * @param lead how long before a version's {@code revalidate_by} {@link
         *     ReleaseGovernance#checkRevalidation} warns; 7 days by default
         * @return this builder
         * @throws IllegalArgumentException if lead is negative
         */
        public Builder revalidationLead(Duration lead) {
            if (lead.isNegative()) {
                throw new IllegalArgumentException("revalidationLead must be >= 0, but was "
                        + lead);
            }
            this.revalidationLead = lead;
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
