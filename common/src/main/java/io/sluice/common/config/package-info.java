/**
 * Sluice's configuration: the {@link io.sluice.common.config.SluiceConfig} record tree, the
 * loader that reads {@code conf/sluice.yaml} (or falls back to the same values built in), the
 * JSON form pushed to workers, and {@link io.sluice.common.config.ConfigDiff}, which tells a
 * reload what it may change in place.
 *
 * <p>Every key is declared once, in {@code ConfigSchema}: its YAML name, how its value is read,
 * checked and written back, and how a reload applies it. Loading, JSON, diffing and the
 * "every key is documented" test all walk that one declaration.
 */
package io.sluice.common.config;
