/**
 * The worker's end of the channel to the master ({@link io.sluice.worker.channel.MasterLink}) and
 * the cluster view it backs ({@link io.sluice.worker.channel.MasterClusterView}: claims and
 * locations asked of the master's stream directory).
 */
package io.sluice.worker.channel;
