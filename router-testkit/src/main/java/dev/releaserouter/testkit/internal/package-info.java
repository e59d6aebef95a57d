/** Implementation details of the testkit; not API, may change in any release. */
@NullMarked
package dev.releaserouter.testkit.internal;

import org.jspecify.annotations.NullMarked;
