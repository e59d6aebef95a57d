/**
 * A/B statistics on mergeable per-arm summaries: conversion and continuous-metric tests, uplift
 * with confidence intervals, sample size and power, sample ratio mismatch, always-valid
 * sequential testing, rank tests, population stability, multiple-comparison adjustments and a
 * Bayesian chance to beat control, plus {@link dev.releaserouter.stats.ExperimentAnalysis}, the
 * one object per experiment that a promotion gate reads.
 *
 * <p>The package knows nothing about routing and depends only on Apache Commons Math. Every type
 * is immutable and thread-safe unless its javadoc says otherwise ({@link
 * dev.releaserouter.stats.ArmAccumulator} is the one mutable type). Nothing is null: absent
 * numbers are {@code NaN} where a javadoc says so. Invalid arguments throw {@link
 * IllegalArgumentException} whose message names the argument and its value. Formulas and their
 * sources are given on each method and in {@code docs/stats.md}.
 */
@NullMarked
package dev.releaserouter.stats;

import org.jspecify.annotations.NullMarked;
