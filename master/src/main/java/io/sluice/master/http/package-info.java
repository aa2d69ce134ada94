/**
 * The master's HTTP listener for operators ({@code api.listen}): the JSON API under
 * {@code /api/v1/}, Prometheus metrics at {@code /metrics} and the dashboard's static files at
 * {@code /dashboard/}. It only renders: what it shows is computed in {@code master.control}
 * ({@link io.sluice.master.control.StatusViews}, {@link io.sluice.master.control.WorkerQueries}),
 * the same code {@code bin/ctl} answers from.
 */
package io.sluice.master.http;
