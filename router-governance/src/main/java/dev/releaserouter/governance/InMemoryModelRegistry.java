package dev.releaserouter.governance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** A registry in memory. Thread-safe: every method holds the instance's monitor. */
class InMemoryModelRegistry implements ModelRegistry {

    private final Map<String, VersionRecord> versions = new LinkedHashMap<>();
    private final Map<String, AliasRecord> aliases = new LinkedHashMap<>();

    static String key(String model, String name) {
        return model + '\u0000' + name;
    }

    @Override
    public synchronized Optional<VersionRecord> version(String model, String version) {
        return Optional.ofNullable(versions.get(key(model, version)));
    }

    @Override
    public synchronized List<VersionRecord> versions(String model) {
        List<VersionRecord> out = new ArrayList<>();
        for (VersionRecord r : versions.values()) {
            if (r.model().equals(model)) {
                out.add(r);
            }
        }
        return out;
    }

    @Override
    public synchronized void save(VersionRecord record) {
        String k = key(record.model(), record.version());
        VersionRecord before = versions.put(k, record);
        try {
            saved();
        } catch (RuntimeException e) {
            restore(versions, k, before); // memory never differs from what was persisted
            throw e;
        }
    }

    @Override
    public synchronized Optional<AliasRecord> alias(String model, String alias) {
        return Optional.ofNullable(aliases.get(key(model, alias)));
    }

    @Override
    public synchronized void saveAlias(AliasRecord alias) {
        String k = key(alias.model(), alias.alias());
        AliasRecord before = aliases.put(k, alias);
        try {
            saved();
        } catch (RuntimeException e) {
            restore(aliases, k, before);
            throw e;
        }
    }

    private static <V> void restore(Map<String, V> map, String key, @Nullable V before) {
        if (before == null) {
            map.remove(key);
        } else {
            map.put(key, before);
        }
    }

    /** Called under the monitor after every change; subclasses persist here. */
    void saved() {}

    synchronized Map<String, VersionRecord> allVersions() {
        return new LinkedHashMap<>(versions);
    }

    synchronized Map<String, AliasRecord> allAliases() {
        return new LinkedHashMap<>(aliases);
    }

    synchronized void load(List<VersionRecord> vs, List<AliasRecord> as) {
        vs.forEach(v -> versions.put(key(v.model(), v.version()), v));
        as.forEach(a -> aliases.put(key(a.model(), a.alias()), a));
    }
}
