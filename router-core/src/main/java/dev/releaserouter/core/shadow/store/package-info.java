/**
 * Stores of shadow pairs: {@link dev.releaserouter.core.shadow.store.JsonlPairStore}, JSON Lines
 * files with size-based rotation and gzip written by one background thread, and {@link
 * dev.releaserouter.core.shadow.store.PairStores#inMemory(int)} for tests and demos. Pairs arrive
 * already masked (see {@link dev.releaserouter.core.shadow.masking.Masker}); the file format is
 * described in {@code docs/shadow.md} ("Stored pairs").
 */
@NullMarked
package dev.releaserouter.core.shadow.store;

import org.jspecify.annotations.NullMarked;
