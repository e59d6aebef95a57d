/**
 * Exposure (assignment) events to Apache Kafka: {@link
 * dev.releaserouter.kafka.KafkaExposureSink}, an {@link dev.releaserouter.api.spi.ExposureSink}
 * that writes each event as JSON ({@code ExposureJson}, the wire contract of
 * {@code docs/exposures.md}) keyed by entity, so one entity's events stay in one partition, in
 * order.
 */
@NullMarked
package dev.releaserouter.kafka;

import org.jspecify.annotations.NullMarked;
