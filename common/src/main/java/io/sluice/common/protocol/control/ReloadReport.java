package io.sluice.common.protocol.control;

import io.sluice.common.config.ConfigDiff;

import java.util.List;

/**
 * {@code master.reload} response data: what a reload did, as {@code bin/ctl reload} shows it.
 *
 * @param changes    every changed key with its old and new value and how it applies
 * @param applied    "none", "in place" or "new generation"
 * @param generation the generation serving now
 * @param millis     from the start of the reload until it was in effect
 * @param summary    one line for the operator
 */
public record ReloadReport(List<ConfigDiff.Change> changes, String applied, int generation, long millis,
                           String summary) {
}
