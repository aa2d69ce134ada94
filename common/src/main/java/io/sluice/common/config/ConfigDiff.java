package io.sluice.common.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What changed between two configurations, key by key, and how a reload must apply each change.
 * The master uses it on reload: push in-place changes with {@code worker.updateSettings}, start
 * a new worker generation for the rest, and refuse what only a restart can apply.
 */
public final class ConfigDiff {

    /**
     * How a changed key takes effect. Declared from least to most disruptive, so the strongest
     * change of a reload is the maximum.
     */
    public enum Apply {
        /** Running workers take it over {@code worker.updateSettings}; the master takes it at once. */
        IN_PLACE,
        /** Needs new worker processes (port, worker count, JVM options): a new generation. */
        NEW_GENERATION,
        /** Only a restart of the master applies it (its run and log directories). */
        RESTART
    }

    /**
     * One changed key.
     *
     * @param key      dotted YAML key, e.g. {@code rtmp.port}
     * @param oldValue the old value as sluice.yaml writes it
     * @param newValue the new value as sluice.yaml writes it
     * @param apply    how a reload applies the change
     */
    public record Change(String key, String oldValue, String newValue, Apply apply) {
        public Change {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(oldValue, "oldValue");
            Objects.requireNonNull(newValue, "newValue");
            Objects.requireNonNull(apply, "apply");
        }
    }

    private ConfigDiff() {
    }

    /** Every key whose value differs, in sluice.yaml order; empty when the two are equal. */
    public static List<Change> between(SluiceConfig old, SluiceConfig neu) {
        List<Change> changes = new ArrayList<>();
        compare(ConfigSchema.ROOT, "", old, neu, changes);
        return List.copyOf(changes);
    }

    /** The most disruptive way any of {@code changes} applies; empty when there are none. */
    public static Optional<Apply> strongest(List<Change> changes) {
        return changes.stream().map(Change::apply).max(Comparator.naturalOrder());
    }

    private static <S> void compare(SectionType<S> section, String prefix, S old, S neu, List<Change> out) {
        for (Key<S, ?> key : section.keys()) {
            compareKey(key, SectionType.child(prefix, key.name()), old, neu, out);
        }
    }

    private static <S, V> void compareKey(Key<S, V> key, String path, S old, S neu, List<Change> out) {
        V before = key.getter().apply(old);
        V after = key.getter().apply(neu);
        if (key.type() instanceof SectionType<V> section) {
            compare(section, path, before, after, out);
        } else if (!before.equals(after)) {
            out.add(new Change(path, shown(key.type(), before), shown(key.type(), after), key.apply()));
        }
    }

    private static <V> String shown(ValueType<V> type, V value) {
        String text = type.format(value);
        if (type instanceof ScalarType<V> scalar && scalar.secret()) {
            return text.isEmpty() ? "(none)" : "(set)";
        }
        return text;
    }
}
