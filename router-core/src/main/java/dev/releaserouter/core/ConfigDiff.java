package dev.releaserouter.core;

import dev.releaserouter.api.config.Dimension;
import dev.releaserouter.api.config.KillSwitches;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.ShadowConfig;
import dev.releaserouter.api.config.TargetingRule;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.config.Weights;
import dev.releaserouter.core.config.JsonFields;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.json.JsonMapper;

/**
 * The field-level difference between two configurations, rendered as the {@code before} and
 * {@code after} JSON objects of an audit entry. Keys are JSON pointers into the long-form flag
 * file; list fields show only what was removed (before) and added (after).
 */
final class ConfigDiff {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    final Map<String, Object> before = new LinkedHashMap<>();
    final Map<String, Object> after = new LinkedHashMap<>();

    private ConfigDiff() {}

    static ConfigDiff between(RouterConfig a, RouterConfig b) {
        Map<String, Object> fa = flatten(a);
        Map<String, Object> fb = flatten(b);
        Set<String> keys = new LinkedHashSet<>(fa.keySet());
        keys.addAll(fb.keySet());
        ConfigDiff d = new ConfigDiff();
        for (String k : keys) {
            Object va = fa.get(k);
            Object vb = fb.get(k);
            if (va instanceof Set || vb instanceof Set) {
                Set<String> sa = asSet(va);
                Set<String> sb = asSet(vb);
                // Only what changed is copied (and sorted): a 100,000-entry deny list that did
                // not change costs lookups, not two sorted copies (docs/benchmarks.md).
                Set<String> removed = missingFrom(sa, sb);
                Set<String> added = missingFrom(sb, sa);
                if (!removed.isEmpty() || !added.isEmpty()) {
                    d.before.put(k, Map.of("removed", removed));
                    d.after.put(k, Map.of("added", added));
                }
            } else if (!Objects.equals(va, vb)) {
                d.before.put(k, va);
                d.after.put(k, vb);
            }
        }
        return d;
    }

    boolean isEmpty() {
        return after.isEmpty();
    }

    String beforeJson() {
        return JSON.writeValueAsString(before);
    }

    String afterJson() {
        return JSON.writeValueAsString(after);
    }

    static String json(Object value) {
        return JSON.writeValueAsString(value);
    }

    /** The elements of {@code a} that {@code b} lacks, sorted. */
    private static Set<String> missingFrom(Set<String> a, Set<String> b) {
        Set<String> missing = new TreeSet<>();
        if (a != b) {
            for (String s : a) {
                if (!b.contains(s)) {
                    missing.add(s);
                }
            }
        }
        return missing;
    }

    @SuppressWarnings("unchecked")
    private static Set<String> asSet(Object o) {
        return o == null ? Set.of() : (Set<String>) o;
    }

    private static Map<String, Object> flatten(RouterConfig c) {
        Map<String, Object> f = new LinkedHashMap<>();
        kills(f, "/kill", c.globalKills());
        for (ModelConfig m : c.models().values()) {
            String p = "/models/" + JsonFields.escape(m.name());
            f.put(p + "/stable", m.stableVersion());
            f.put(p + "/salt", m.salt());
            for (VersionConfig v : m.versions().values()) {
                String vp = p + "/versions/" + JsonFields.escape(v.id());
                f.put(vp + "/stage", v.stage().name().toLowerCase(java.util.Locale.ROOT));
                f.put(vp + "/weight", Weights.percent(v.weightBasisPoints()));
                if (v.reserveBasisPoints().isPresent()) {
                    f.put(vp + "/reserve", Weights.percent(v.reserveBasisPoints().getAsInt()));
                }
                if (v.artifactDigest() != null) {
                    f.put(vp + "/artifact_digest", v.artifactDigest());
                }
                if (v.budget().isPresent()) {
                    f.put(vp + "/budget", v.budget().get().toString());
                }
            }
            for (Dimension d : Dimension.values()) {
                f.put(p + "/deny/" + d.jsonName(), m.deny().get(d));
                f.put(p + "/allow/" + d.jsonName(), m.allow().get(d));
            }
            kills(f, p + "/kill", m.kills());
            ShadowConfig sc = m.shadow();
            if (sc != null) {
                f.put(p + "/shadow/version", m.shadowVersion());
                f.put(p + "/shadow/sample", Weights.percent(sc.sampleBasisPoints()));
                f.put(p + "/shadow/forbidden_data_classes", sc.forbiddenDataClasses());
                for (Dimension d : Dimension.values()) {
                    f.put(p + "/shadow/deny/" + d.jsonName(), sc.deny().get(d));
                }
            }
            for (int i = 0; i < m.targeting().size(); i++) {
                TargetingRule rule = m.targeting().get(i);
                String rp = p + "/targeting/" + i;
                f.put(rp + "/id", rule.id());
                f.put(rp + "/when", rule.conditions().toString());
                rule.weightsBasisPoints().forEach((v, bp) ->
                        f.put(rp + "/weights/" + JsonFields.escape(v), Weights.percent(bp)));
            }
        }
        return f;
    }

    private static void kills(Map<String, Object> f, String p, KillSwitches k) {
        f.put(p + "/all", k.all());
        f.put(p + "/versions", k.versions());
        f.put(p + "/tenants", k.tenants());
        f.put(p + "/channels", k.channels());
    }
}
