/**
 * The data of the channel's requests, responses and notifications between master and workers,
 * as records that Jackson maps to JSON. The envelope around them is in
 * {@link io.sluice.common.channel}.
 */
package io.sluice.common.protocol;
