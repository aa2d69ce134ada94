/** Load generator and benchmark drivers. */
package io.sluice.bench;
