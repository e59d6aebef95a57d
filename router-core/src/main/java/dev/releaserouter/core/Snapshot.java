package dev.releaserouter.core;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.Role;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.core.budget.internal.BudgetAccounts;
import dev.releaserouter.core.config.JsonFields;
import java.time.Clock;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An immutable, compiled configuration at one revision. The router holds exactly one in a
 * volatile field and replaces it whole, so a decision sees either the old or the new
 * configuration, never a mix.
 */
final class Snapshot {

    final RouterConfig config;
    final long revision;
    private final Map<String, CompiledModel> models;
    /**
     * The same models by the identity of their interned names: a model name given as a literal
     * or a constant is that very String, so the hot path finds it with an identity hash and
     * {@code ==}, code small enough to keep {@code DefaultRouter.decide} inlinable (see there).
     * Never modified after construction; published with the snapshot.
     */
    private final IdentityHashMap<String, CompiledModel> byIdentity;
    /** The answer for a model the configuration does not have: made once, not per call. */
    private final RouteDecision unknownModel;

    private Snapshot(RouterConfig config, long revision, Map<String, CompiledModel> models) {
        this.config = config;
        this.revision = revision;
        this.models = models;
        this.byIdentity = new IdentityHashMap<>(models.size());
        models.forEach((name, m) -> byIdentity.put(name.intern(), m));
        this.unknownModel = RouteDecision.withoutBucket(null, Role.STABLE, Reason.UNKNOWN_MODEL,
                revision);
    }

    /**
     * Compiles a configuration.
     *
     * @throws ConfigException if a model cannot be compiled
     */
    static Snapshot compile(RouterConfig config, long revision, byte[] secret,
            BudgetAccounts ledger, Clock clock) {
        Map<String, CompiledModel> models = new HashMap<>();
        for (ModelConfig m : config.models().values()) {
            try {
                models.put(m.name(), new CompiledModel(m, config.globalKills(), secret, revision,
                        ledger, clock));
            } catch (IllegalArgumentException e) {
                if (e instanceof ConfigException) {
                    throw ((ConfigException) e).locatedIn(null, "/models/"
                            + JsonFields.escape(m.name()));
                }
                throw new ConfigException(null, "/models/" + JsonFields.escape(m.name()), null,
                        e.getMessage(), e);
            }
        }
        return new Snapshot(config, revision, Map.copyOf(models));
    }

    RouteDecision decide(RouteRequest request) {
        return decide(request.model(), request.entityKey(), request.tenant(), request.region(),
                request.channel(), request.product(), request.attributes(),
                request.monetaryValueOr(Double.NaN));
    }

    /**
     * Decides on a request's fields (see {@link CompiledModel#decide(String, String, String,
     * String, String, Map, double)} for why not on the request).
     */
    RouteDecision decide(String model, String entityKey, @Nullable String tenant,
            @Nullable String region, @Nullable String channel, @Nullable String product,
            Map<String, String> attributes, double monetaryValue) {
        CompiledModel m = byIdentity.get(model);
        if (m == null) {
            m = byName(model); // a name built at run time: compared by its characters
            if (m == null) {
                return unknownModel;
            }
        }
        return m.decide(entityKey, tenant, region, channel, product, attributes, monetaryValue);
    }

    private @Nullable CompiledModel byName(String model) {
        return models.get(model);
    }

    /** @return the compiled model, or null if unknown */
    @Nullable CompiledModel model(String name) {
        return models.get(name);
    }

    /** The decision when {@link #decide} failed: the model's stable version, if known. */
    RouteDecision internalError(@Nullable String model) {
        CompiledModel m = model == null ? null : models.get(model);
        if (m == null) {
            return unknownModel;
        }
        return m.internalErrorDecision;
    }
}
