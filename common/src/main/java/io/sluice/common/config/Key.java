package io.sluice.common.config;

import java.util.function.Function;

/**
 * One key of a section: its YAML name, the type of its value, how a reload applies a change to
 * it, and how to get its value out of the section record.
 *
 * @param <S> the section record
 * @param <V> the value
 * @param apply null for a key that is itself a section: its own keys say how they apply
 */
record Key<S, V>(String name, ValueType<V> type, ConfigDiff.Apply apply, Function<S, V> getter) {

    static <S, V> Key<S, V> of(String name, ConfigDiff.Apply apply, ValueType<V> type, Function<S, V> getter) {
        return new Key<>(name, type, apply, getter);
    }

    static <S, V> Key<S, V> section(String name, SectionType<V> type, Function<S, V> getter) {
        return new Key<>(name, type, null, getter);
    }
}
