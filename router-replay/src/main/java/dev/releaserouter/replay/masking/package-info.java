/**
 * Masking of personal data before anything about a request is stored or logged: field rules
 * (drop, keyed hash, redact) by name at any depth or by JSON pointer, and detectors for e-mails,
 * phone numbers, Brazilian CPF/CNPJ and payment cards inside every remaining string. Build a
 * {@link dev.releaserouter.replay.masking.Masker} with {@link
 * dev.releaserouter.replay.masking.MaskingRules#builder(byte[])}; the rules, the detectors
 * and their known false positives are described in {@code docs/shadow.md} ("Masking PII").
 */
@NullMarked
package dev.releaserouter.replay.masking;

import org.jspecify.annotations.NullMarked;
