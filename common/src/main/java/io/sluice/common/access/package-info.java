/**
 * Access-control primitives shared by the worker (which checks) and {@code bin/ctl} (which signs):
 * address rules in nginx-rtmp's {@code allow}/{@code deny} form and signed stream URLs.
 */
package io.sluice.common.access;
