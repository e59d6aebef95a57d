package dev.releaserouter.testkit;

import dev.releaserouter.api.config.Dimension;
import dev.releaserouter.api.config.ExposureBudget;
import dev.releaserouter.api.config.KillSwitches;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.Segments;
import dev.releaserouter.api.config.ShadowConfig;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.config.Weights;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes a {@link RouterConfig} as a long-form flag file (docs/flag-file.md). Core's own writer
 * is internal to router-core, so the testkit keeps this small one: defaults left out, lists
 * sorted, so that equal configurations give equal text. Stateless and thread-safe.
 */
final class FlagFileJson {

    private FlagFileJson() {}

    /**
     * @param config the configuration
     * @return the flag file text, pretty-printed with two-space indents
     */
    public static String write(RouterConfig config) {
        List<String> top = new ArrayList<>();
        top.add(field("schema_version", "1"));
        if (!config.globalKills().isEmpty()) {
            top.add(field("kill", kills(config.globalKills(), false)));
        }
        List<String> models = new ArrayList<>();
        for (ModelConfig m : config.models().values()) {
            models.add(field(m.name(), model(m)));
        }
        top.add(field("models", object(models)));
        return indent(object(top)) + "\n";
    }

    private static String model(ModelConfig m) {
        List<String> f = new ArrayList<>();
        f.add(field("stable", string(m.stableVersion())));
        if (!m.salt().equals(m.name())) {
            f.add(field("salt", string(m.salt())));
        }
        List<String> versions = new ArrayList<>();
        for (VersionConfig v : m.versions().values()) {
            versions.add(field(v.id(), version(v)));
        }
        f.add(field("versions", object(versions)));
        if (!m.deny().isEmpty()) {
            f.add(field("deny", segments(m.deny())));
        }
        if (!m.allow().isEmpty()) {
            f.add(field("allow", segments(m.allow())));
        }
        if (!m.kills().isEmpty()) {
            f.add(field("kill", kills(m.kills(), true)));
        }
        ShadowConfig s = m.shadow();
        if (s != null) {
            f.add(field("shadow", shadow(s)));
        }
        return object(f);
    }

    private static String version(VersionConfig v) {
        List<String> f = new ArrayList<>();
        f.add(field("stage", string(v.stage().name().toLowerCase(Locale.ROOT))));
        if (v.weightBasisPoints() != 0) {
            f.add(field("weight", Weights.percent(v.weightBasisPoints())));
        }
        if (v.reserveBasisPoints().isPresent()) {
            f.add(field("reserve", Weights.percent(v.reserveBasisPoints().getAsInt())));
        }
        if (v.artifactDigest() != null) {
            f.add(field("artifact_digest", string(v.artifactDigest())));
        }
        ExposureBudget b = v.budget().orElse(null);
        if (b != null) {
            List<String> bf = new ArrayList<>();
            b.maxRequests().ifPresent(max -> bf.add(field("max_requests", Long.toString(max))));
            b.window().ifPresent(window -> bf.add(field("window", string(window.toString()))));
            b.maxValueShare().ifPresent(
                    share -> bf.add(field("max_value_share", Double.toString(share))));
            f.add(field("budget", object(bf)));
        }
        return object(f);
    }

    private static String segments(Segments s) {
        List<String> f = new ArrayList<>();
        for (Dimension d : Dimension.values()) {
            Set<String> values = s.get(d);
            if (!values.isEmpty()) {
                f.add(field(d.jsonName(), array(values)));
            }
        }
        return object(f);
    }

    private static String kills(KillSwitches k, boolean withVersions) {
        List<String> f = new ArrayList<>();
        if (k.all()) {
            f.add(field("all", "true"));
        }
        if (withVersions && !k.versions().isEmpty()) {
            f.add(field("versions", array(k.versions())));
        }
        if (!k.tenants().isEmpty()) {
            f.add(field("tenants", array(k.tenants())));
        }
        if (!k.channels().isEmpty()) {
            f.add(field("channels", array(k.channels())));
        }
        return object(f);
    }

    private static String shadow(ShadowConfig s) {
        List<String> f = new ArrayList<>();
        if (s.version() != null) {
            f.add(field("version", string(s.version())));
        }
        f.add(field("sample", Weights.percent(s.sampleBasisPoints())));
        if (!s.forbiddenDataClasses().isEmpty()) {
            f.add(field("forbidden_data_classes", array(s.forbiddenDataClasses())));
        }
        if (!s.deny().isEmpty()) {
            f.add(field("deny", segments(s.deny())));
        }
        return object(f);
    }

    private static String field(String name, String json) {
        return string(name) + ": " + json;
    }

    private static String object(List<String> fields) {
        return fields.isEmpty() ? "{}" : "{\n" + String.join(",\n", fields) + "\n}";
    }

    private static String array(Collection<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : new TreeSet<>(values)) {
            out.add(string(v));
        }
        return "[" + String.join(", ", out) + "]";
    }

    static String string(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** Indents nested objects by two spaces per level; strings never contain raw newlines. */
    private static String indent(String json) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        for (String line : json.split("\n", -1)) {
            String t = line;
            if (t.startsWith("}")) {
                depth--;
            }
            out.append("  ".repeat(Math.max(depth, 0))).append(t).append('\n');
            if (t.endsWith("{")) {
                depth++;
            }
        }
        return out.toString().stripTrailing();
    }
}
