/**
 * Stores of shadow pairs: {@link dev.releaserouter.replay.store.JsonlPairStore}, JSON Lines
 * files with size-based rotation and gzip written by one background thread, and {@link
 * dev.releaserouter.replay.store.PairStores#inMemory(int)} for tests and demos. Pairs arrive
 * already masked (see {@link dev.releaserouter.replay.masking.Masker}); the file format is
 * described in {@code docs/shadow.md} ("Stored pairs").
 */
@NullMarked
package dev.releaserouter.replay.store;

import org.jspecify.annotations.NullMarked;
