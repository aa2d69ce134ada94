/** What master and workers share: the channel protocol, the configuration model, small utilities. */
package io.sluice.common;
