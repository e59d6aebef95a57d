package dev.releaserouter.stats;

/** Which way a metric improves: conversion up, or latency, error rate and MAE down. */
public enum Direction {

    /** Higher is better: conversion, approval rate, revenue, score. */
    HIGHER_IS_BETTER,

    /** Lower is better: latency, error rate, cost, mean absolute error. */
    LOWER_IS_BETTER
}
