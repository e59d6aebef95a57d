/**
 * Output contracts from JSON Schema (seed 001 §3.1) and named policies whose violations the
 * router counts per arm (seed 001 §4):
 * {@link dev.releaserouter.replay.validation.JsonSchemaValidator}.
 */
@NullMarked
package dev.releaserouter.replay.validation;

import org.jspecify.annotations.NullMarked;
