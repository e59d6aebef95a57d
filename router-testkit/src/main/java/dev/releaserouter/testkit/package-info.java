/** Test support for applications that use Release Router. */
package dev.releaserouter.testkit;
