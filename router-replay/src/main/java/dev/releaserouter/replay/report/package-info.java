/**
 * The rollout report: one self-contained HTML file (inline SVG and CSS, no script, no network)
 * drawn from what the router already records: the rollout decision log with its gate verdicts,
 * per-arm measurement windows, an experiment analysis, the shadow evaluation
 * ({@code shadow_eval.json}), exposure events and the audit trail. See
 * {@link dev.releaserouter.replay.report.RolloutReport} and {@code docs/report.md}.
 */
@NullMarked
package dev.releaserouter.replay.report;

import org.jspecify.annotations.NullMarked;
