/**
 * Exposure (assignment) events: {@link dev.releaserouter.core.exposure.ExposureSettings} (what
 * {@code ReleaseRouter.builder().exposures(...)} takes: the sink, the deduplication window and
 * capacity, the entity-key hashing, the attribute allow-list, the queue), the sinks
 * ({@link dev.releaserouter.core.exposure.Slf4jExposureSink},
 * {@link dev.releaserouter.core.exposure.JsonlExposureSink}) and the JSON form of an event
 * ({@link dev.releaserouter.core.exposure.ExposureJson}), a wire contract described in
 * {@code docs/exposures.md}.
 */
@NullMarked
package dev.releaserouter.core.exposure;

import org.jspecify.annotations.NullMarked;
